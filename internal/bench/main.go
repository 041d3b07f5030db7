// Command bench is `make bench`: it measures the portal against its performance targets on this
// machine and writes a report.
//
// It builds bin/portal's code into the output folder, uses the project-local PostgreSQL
// (internal/pgdev) with databases of its own (portal_bench, portal_bench_empty and, through
// `portal demo-data`, portal_demo), and drives the real binary over loopback with wrk. It
// measures:
//
//   - the ceiling: the overview, a priority page, a commitment page and /commitments, each
//     against the same bytes served as a static file by the same binary in the same run, at 64
//     connections, with the page cache on and off;
//   - national scale: 10,000 commitments and 1,000,000 updates of synthetic data, with the page
//     cache off so that every request queries the database;
//   - resources: resident memory, start to ready, migrating and seeding an empty database;
//   - the query plans of every list query on the national-scale database;
//   - the audit log's pages, newest, deep and filtered, at 1,000,000 entries;
//   - the Go benchmarks (testing.B), whose raw output benchstat reads.
//
// The report goes to bench/out/report.md (git-ignored) and internal/bench/REPORT.md, with the
// raw figures in bench/out/raw.txt in the benchmark format benchstat reads.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/pgdev"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	out        string
	report     string
	duration   time.Duration
	conns      int
	latConns   int
	goCount    int
	skipGo     bool
	reuseDemo  bool
	demoCommit int
	demoUpdate int
	only       string
}

// bench holds what the steps share.
type bench struct {
	opt     options
	root    string
	bin     string
	cluster *pgdev.Cluster
	logf    func(format string, args ...any)
	raw     bytes.Buffer // benchstat-readable lines
	r       report
}

func run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.out, "out", "bench/out", "folder for the report, raw output and logs")
	fs.StringVar(&o.report, "report", "internal/bench/REPORT.md", "where to copy the report for the repository (empty: nowhere)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each load run")
	fs.IntVar(&o.conns, "conns", 64, "connections for the ceiling comparison")
	fs.IntVar(&o.latConns, "latency-conns", 8, "connections for the national-scale runs under contention (each also runs with one)")
	fs.IntVar(&o.goCount, "count", 5, "runs of each Go benchmark, for benchstat")
	fs.BoolVar(&o.skipGo, "skip-go", false, "skip the Go benchmarks")
	fs.BoolVar(&o.reuseDemo, "reuse-demo", false, "keep portal_demo and portal_bench_audit when they already hold the synthetic data")
	fs.IntVar(&o.demoCommit, "commitments", 10_000, "commitments in the national-scale data")
	fs.IntVar(&o.demoUpdate, "updates", 1_000_000, "updates in the national-scale data")
	fs.StringVar(&o.only, "only", "", "run only these steps, separated by commas (resources, ceiling, national, plans, sign-in, audit, go), for a quick look")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk not found: install Debian's wrk (make bench does so as root)")
	}
	root, err := pgdev.ModuleRoot()
	if err != nil {
		return err
	}
	b := &bench{opt: o, root: root}
	b.logf = func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	b.bin, _ = filepath.Abs(filepath.Join(o.out, "portal"))
	b.logf("building %s", b.bin)
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", b.bin, "./cmd/portal").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.cluster, err = pgdev.Ensure(ctx, filepath.Join(root, ".data", "postgres"), logger)
	if err != nil {
		return err
	}
	b.r.started = time.Now()
	b.r.machine = machine(ctx, b.cluster.DatabaseURL("postgres"))

	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"resources", b.resources},
		{"ceiling", b.ceiling},
		{"national", b.national},
		{"plans", b.plans},
		{"sign-in", b.signIns},
		{"audit", b.auditLog},
		{"go", b.goBenchmarks},
	}
	for _, s := range steps {
		if o.only != "" && !slices.Contains(strings.Split(o.only, ","), s.name) {
			continue
		}
		b.logf("== %s", s.name)
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	b.r.finished = time.Now()
	b.r.loadEnd = loadAvg()
	return b.write()
}
