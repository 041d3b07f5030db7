package main

// Bulk paths: loading the national-scale data, and the CSV of every update of it.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/demo"
)

// Targets of the bulk paths.
const (
	targetDemoLoad   = 15 * time.Second
	targetUpdatesCSV = 5 * time.Second
)

// bulkFigures are what the bulk step measured.
type bulkFigures struct {
	load       time.Duration // portal demo-data, from exec to exit
	loadRSS    int64         // peak resident memory of portal demo-data
	loadOutput string
	reused     bool

	csvPath          string
	csvRows          int
	csvBytes         int64
	csvTook          time.Duration // the first download: the export is read from the database
	csvAgain         time.Duration // the second: served from the export cache
	rssBefore        int64         // the server's resident memory before the download
	hwmAfter         int64         // its peak after the first download
	hwmAgain         int64         // its peak after two more
	missing          string
	loadAvg, loadEnd string
}

// loadDemo loads the national-scale data afresh with portal demo-data, once in a run, timing it
// and taking the loader's peak resident memory; with -reuse-demo, data already there is kept.
func (b *bench) loadDemo(ctx context.Context, url string) error {
	f := &b.r.bulk
	if f.load > 0 || f.reused {
		return nil
	}
	if b.opt.reuseDemo && b.hasDemo(ctx, url) {
		f.reused = true
		return nil
	}
	b.logf("portal demo-data --fresh --commitments %d --updates %d", b.opt.demoCommit, b.opt.demoUpdate)
	cmd := exec.CommandContext(ctx, b.bin, "demo-data", "--fresh", "--commitments", strconv.Itoa(b.opt.demoCommit),
		"--updates", strconv.Itoa(b.opt.demoUpdate))
	cmd.Env = append(os.Environ(), "LOG_FORMAT=text", "PORTAL_DATA_DIR="+filepath.Join(b.root, ".data"))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	f.load = time.Since(start)
	f.loadOutput = string(out)
	if err != nil {
		return fmt.Errorf("portal demo-data: %v\n%s", err, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		f.loadRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	b.r.demoLoad = f.load
	b.r.demoOutput = f.loadOutput
	fmt.Fprintf(&b.raw, "BenchmarkDemoLoad/national 1 %d ns/op %d peak-rss-B\n", f.load.Nanoseconds(), f.loadRSS)
	b.logf("loaded in %v, peak RSS %.1f MB\n%s", f.load.Round(time.Millisecond), mb(f.loadRSS), out)
	return nil
}

// bulk loads the national-scale data afresh (see loadDemo), then downloads the CSV of every update of the synthetic plan
// from a fresh server.
func (b *bench) bulk(ctx context.Context) error {
	f := &b.r.bulk
	f.loadAvg = loadAvg()
	defer func() { f.loadEnd = loadAvg() }()
	url := b.cluster.DatabaseURL(cmdDemoDatabase)
	if err := b.loadDemo(ctx, url); err != nil {
		return err
	}

	s, err := b.serve(ctx, url, "server-bulk.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s.stop()
	f.csvPath = "/plans/" + demo.PlanSlug + "/updates.csv"
	f.rssBefore, _ = s.memory()
	start := time.Now()
	resp, err := download(s.base+f.csvPath, "identity")
	if err != nil {
		f.missing = err.Error()
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		f.missing = fmt.Sprintf("GET %s answers %d after %s", f.csvPath, resp.StatusCode, time.Since(start).Round(time.Second))
		_, f.hwmAfter = s.memory()
		return nil
	}
	counted := &byteCounter{r: resp.Body}
	f.csvRows = csvRecords(counted)
	resp.Body.Close()
	f.csvTook = time.Since(start)
	f.csvBytes = counted.n
	_, f.hwmAfter = s.memory()
	for i := range 2 {
		start := time.Now()
		if resp, err := download(s.base+f.csvPath, "identity"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if i == 0 {
			f.csvAgain = time.Since(start)
		}
	}
	_, f.hwmAgain = s.memory()
	fmt.Fprintf(&b.raw, "BenchmarkCSV/all-updates 1 %d ns/op %d B/file %d rows %d peak-rss-B\n",
		f.csvTook.Nanoseconds(), f.csvBytes, f.csvRows, f.hwmAfter)
	b.logf("updates CSV: %d rows, %.1f MB in %v (again %v); peak RSS %.1f MB, %.1f MB after two more",
		f.csvRows-1, mb(f.csvBytes), f.csvTook.Round(time.Millisecond), f.csvAgain.Round(time.Millisecond),
		mb(f.hwmAfter), mb(f.hwmAgain))
	return nil
}

// writeBulk writes the targets of the bulk paths (targets) or their section (otherwise).
func (b *bench) writeBulk(p func(string, ...any), targets bool) {
	f := b.r.bulk
	if f.csvPath == "" && f.load == 0 {
		return
	}
	if targets {
		if f.load > 0 {
			p("| Loading the national-scale data (`portal demo-data --fresh`, exec to exit) in at most 15 s | %s (%s) | %s |\n",
				f.load.Round(100*time.Millisecond), loadSplit(f.load, f.loadOutput), verdict(f.load <= targetDemoLoad))
		}
		if f.missing != "" {
			p("| National scale, `/updates.csv` of every update in at most 5 s | %s | **not measured** |\n", f.missing)
		} else {
			p("| National scale, `/updates.csv` of all %d updates in at most 5 s, memory flat | %s, %.1f MB; server's peak RSS %.1f MB (%.1f MB before) | %s |\n",
				f.csvRows-1, f.csvTook.Round(time.Millisecond), mb(f.csvBytes), mb(max(f.hwmAfter, f.hwmAgain)), mb(f.rssBefore),
				verdict(f.csvTook <= targetUpdatesCSV))
		}
		peak := max(f.hwmAfter, f.hwmAgain, f.loadRSS)
		p("| Bulk paths: peak RSS at most 100 MB | %.1f MB (server's VmHWM after the downloads %.1f MB; `portal demo-data` %.1f MB) | %s |\n",
			mb(peak), mb(max(f.hwmAfter, f.hwmAgain)), mb(f.loadRSS), verdict(peak > 0 && peak <= targetRSS))
		return
	}
	p("## Bulk paths\n\n")
	p("Load average %s before, %s after.\n\n", f.loadAvg, f.loadEnd)
	if f.reused {
		p("The national-scale data was reused from an earlier run.\n\n")
	} else {
		p("`portal demo-data --fresh --commitments %d --updates %d`, from exec to exit: %s, peak resident memory %.1f MB.\n\n",
			b.opt.demoCommit, b.opt.demoUpdate, f.load.Round(100*time.Millisecond), mb(f.loadRSS))
		var steps []string
		for _, l := range strings.SplitAfter(f.loadOutput, "\n") {
			if !strings.HasPrefix(l, "time=") { // the migrations' log
				steps = append(steps, l)
			}
		}
		p("```\n%s```\n\n", strings.TrimLeft(strings.Join(steps, ""), "\n"))
	}
	if f.missing == "" {
		p("`%s`: %d rows (%.1f MB) in %s the first time (read from the database), %s again (from the export cache).\n",
			f.csvPath, f.csvRows-1, mb(f.csvBytes), f.csvTook.Round(time.Millisecond), f.csvAgain.Round(time.Millisecond))
		p("Resident memory of a fresh server: %.1f MB before, peak %.1f MB after, %.1f MB after two more.\n\n",
			mb(f.rssBefore), mb(f.hwmAfter), mb(f.hwmAgain))
	}
}

// loadSplit says where the time of portal demo-data went, from the steps it printed: each step
// of half a second or more, and the rest (creating the database, migrating it, smaller steps).
func loadSplit(total time.Duration, output string) string {
	var parts []string
	var steps time.Duration
	for _, l := range strings.Split(output, "\n") {
		if !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "   ") {
			continue
		}
		fields := strings.Fields(l)
		if len(fields) < 2 {
			continue
		}
		name := strings.Join(fields[:len(fields)-1], " ")
		took, err := time.ParseDuration(fields[len(fields)-1])
		if err != nil || strings.Contains(name, ":") { // a part of a step, counted in the step
			continue
		}
		steps += took
		if took >= 500*time.Millisecond {
			parts = append(parts, fmt.Sprintf("%s %s", name, took.Round(100*time.Millisecond)))
		} else {
			steps -= took
		}
	}
	if len(parts) == 0 {
		return "no steps printed"
	}
	parts = append(parts, fmt.Sprintf("the rest, with creating and migrating the database, %s", (total-steps).Round(100*time.Millisecond)))
	return strings.Join(parts, ", ")
}
