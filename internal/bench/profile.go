package main

// Where a cached page's time goes: a CPU profile of the portal under the ceiling's load, each
// sample given to the innermost part of the request's path that its stack passes through.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// profilePart is a part of serving a request, known by the frames of its stack.
type profilePart struct {
	name     string
	patterns []string
}

// profileParts are checked from the innermost frame of a sample out; the first frame that names
// a part gets the sample. Writes to the socket are net/http's, whoever asked for them; the access
// log's write to its file is the log's.
var profileParts = []profilePart{
	{"net/http: reading requests, writing responses to the socket (a plain server does this too)",
		[]string{"net/http.(*conn)", "net/http.(*connReader)", "net/http.(*response)", "net/http.(*chunkWriter)",
			"net/http.readRequest", "net/http.Header.write", "net.(*conn)", "internal/poll.",
			"bufio.", "net/textproto.(*Reader)"}},
	{"request log (slog, and its write)", []string{"log/slog.", "server.requestIDHandler", "accessLog", "server.(*LogBuffer)"}},
	{"metrics (Prometheus)", []string{"prometheus", "(*metrics)"}},
	{"request ID", []string{"server.requestID", "server.newRequestID"}},
	{"security headers", []string{"securityHeaders"}},
	{"compression middleware and Accept-Encoding", []string{"compress", "server.negotiated", "web.AcceptedEncoding"}},
	{"request timeout (context)", []string{"(*Server).timeout"}},
	{"cross-origin check", []string{"CrossOriginProtection"}},
	{"input check", []string{"checkInput"}},
	{"sessions (scs), notices", []string{"alexedwards/scs", "withSessions", "loadUser"}},
	{"noindex", []string{"noIndex"}},
	{"routing (chi)", []string{"go-chi/chi/v5.(*", "GetHead"}},
	{"cached page: data version, tag, headers, lookup, write", []string{"publicPage", "servePage", "pageCache", "versionReads",
		"VersionWatch", "publicETag", "server.today", "addVary", "etagMatches", "cachedHits", "serveHit", "hitVersion", "dayNow"}},
	{"other middleware", []string{"main.serve.drainable", "delivery-tracker/internal/server."}},
	{"garbage collection (background)", []string{"runtime.gcBgMarkWorker"}},
}

// profileShare is the CPU time one part took.
type profileShare struct {
	name    string
	seconds float64
}

// profileFigures is what the ceiling's CPU profile found.
type profileFigures struct {
	file     string        // the profile, for go tool pprof
	took     time.Duration // the length of the profile
	samples  float64       // seconds of CPU in it
	requests float64       // requests served while it ran (wrk's rate times its length)
	parts    []profileShare
	top      string // go tool pprof -top
	missing  string
}

// profile takes a CPU profile of the portal at base while wrk drives paths with the ceiling's
// connections, and gives each sample to a part of the request's path.
func (b *bench) profile(ctx context.Context, base string, header []string, paths ...string) profileFigures {
	f := profileFigures{file: filepath.Join(b.opt.out, "ceiling-cpu.pprof")}
	seconds := max(int(b.opt.duration.Seconds())-2, 1)
	type result struct {
		l   load
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := b.wrk(ctx, base, b.opt.conns, header, paths...)
		done <- result{l, err}
	}()
	// wrk warms up for 2 s, then runs for the duration: the profile starts a second into the run.
	time.Sleep(3 * time.Second)
	err := fetchProfile(base+"/_bench/pprof/profile?seconds="+strconv.Itoa(seconds), f.file)
	r := <-done
	if err != nil || r.err != nil {
		f.missing = fmt.Sprintf("no profile: %v %v", err, r.err)
		return f
	}
	b.record("ceiling/profiled", r.l)
	f.took = time.Duration(seconds) * time.Second
	f.requests = r.l.rps() * float64(seconds)
	traces, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-traces", b.bin, f.file).Output()
	if err != nil {
		f.missing = fmt.Sprintf("go tool pprof -traces: %v", err)
		return f
	}
	f.samples, f.parts = attribute(string(traces))
	top, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=25", b.bin, f.file).Output()
	if err == nil {
		f.top = string(top)
	}
	return f
}

func fetchProfile(url, file string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// attribute reads the output of go tool pprof -traces and returns the seconds of CPU in it and
// how they divide between profileParts, largest first ("other" for samples no part names).
func attribute(traces string) (float64, []profileShare) {
	by := map[string]float64{}
	var total float64
	for _, block := range strings.Split(traces, "-----------+-------------------------------------------------------") {
		var value float64
		var frames []string
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if frames == nil && value == 0 {
				v, frame, ok := strings.Cut(line, " ")
				if d, err := time.ParseDuration(v); ok && err == nil {
					value = d.Seconds()
					frames = append(frames, strings.TrimSpace(frame))
					continue
				}
			}
			if value > 0 {
				frames = append(frames, line)
			}
		}
		if value == 0 {
			continue
		}
		total += value
		by[partOf(frames)] += value
	}
	var shares []profileShare
	for name, s := range by {
		shares = append(shares, profileShare{name, s})
	}
	sort.Slice(shares, func(i, j int) bool { return shares[i].seconds > shares[j].seconds })
	return total, shares
}

// partOf names the part of the request's path a stack, innermost frame first, belongs to.
func partOf(frames []string) string {
	for _, f := range frames {
		for _, p := range profileParts {
			for _, pat := range p.patterns {
				if strings.Contains(f, pat) {
					return p.name
				}
			}
		}
	}
	return "runtime: scheduler, network poller, other"
}
