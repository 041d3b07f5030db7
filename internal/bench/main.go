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
//   - the Go benchmarks (testing.B), whose raw output benchstat reads.
//
// The report goes to bench/out/report.md (git-ignored) and internal/bench/REPORT.md, with the
// raw figures in bench/out/raw.txt in the benchmark format benchstat reads.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/demo"
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
	fs.BoolVar(&o.reuseDemo, "reuse-demo", false, "keep portal_demo when it already holds the synthetic plan")
	fs.IntVar(&o.demoCommit, "commitments", 10_000, "commitments in the national-scale data")
	fs.IntVar(&o.demoUpdate, "updates", 1_000_000, "updates in the national-scale data")
	fs.StringVar(&o.only, "only", "", "run only these steps, separated by commas (resources, ceiling, national, plans, sign-in, go), for a quick look")
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

// ---- databases and servers -------------------------------------------------

// freshDatabase drops and creates a database on the project-local cluster and returns its URL.
func (b *bench) freshDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, b.cluster.DatabaseURL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	id := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+id); err != nil {
		return "", err
	}
	return b.cluster.DatabaseURL(name), nil
}

// portal runs the binary with args and the environment given, and waits for it.
func (b *bench) portal(ctx context.Context, env []string, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("portal %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// server is a running `portal serve`.
type server struct {
	cmd   *exec.Cmd
	base  string
	ready time.Duration // from exec to the first 200 from /readyz
	log   *os.File

	stopped bool
}

// serve starts `portal serve` on a free loopback port and waits until it is ready.
func (b *bench) serve(ctx context.Context, dbURL, logName string, env ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	logFile, err := os.Create(filepath.Join(b.opt.out, logName))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(b.bin, "serve")
	cmd.Env = append(os.Environ(), append([]string{"DATABASE_URL=" + dbURL, "ADDR=" + addr, "LOG_FORMAT=json",
		"METRICS_ADDR="}, env...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s := &server{cmd: cmd, base: "http://" + addr, log: logFile}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	client := &http.Client{Timeout: 200 * time.Millisecond}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(start)
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return nil, fmt.Errorf("portal serve did not become ready: see %s", logFile.Name())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (s *server) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.log.Close()
}

// memory returns the server's resident memory now and its peak, in bytes, from /proc.
func (s *server) memory() (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

func (s *server) get(path string, header http.Header) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// ---- wrk ---------------------------------------------------------------------

// wrkScript makes wrk take its paths in turn from the arguments after "--", and print its
// figures as JSON at the end.
const wrkScript = `
local paths = {}
local i = 0
init = function(args)
  for _, a in ipairs(args) do table.insert(paths, a) end
  i = math.random(#paths > 0 and #paths or 1) - 1
end
request = function()
  if #paths == 0 then return wrk.request() end
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"status_errors":%d,' ..
    '"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
`

// load is what wrk measured.
type load struct {
	Requests     int64   `json:"requests"`
	DurationUS   int64   `json:"duration_us"`
	Bytes        int64   `json:"bytes"`
	Errors       int64   `json:"errors"`
	StatusErrors int64   `json:"status_errors"`
	P50, P90     int64   // microseconds
	P95, P99     int64   //
	Max          int64   `json:"max"`
	Mean         float64 `json:"mean"`
}

func (l load) rps() float64 { return float64(l.Requests) / (float64(l.DurationUS) / 1e6) }

// wrk drives base+paths[0] (taking paths in turn when there are several) with conns
// connections for the run's duration, after a short warm-up.
func (b *bench) wrk(ctx context.Context, base string, conns int, header []string, paths ...string) (load, error) {
	script := filepath.Join(b.opt.out, "wrk.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		return load{}, err
	}
	threads := min(2, conns)
	args := func(d time.Duration) []string {
		a := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s",
			"--timeout", "5s", "-s", script}
		for _, h := range header {
			a = append(a, "-H", h)
		}
		a = append(a, base+paths[0])
		if len(paths) > 1 {
			a = append(a, "--")
			a = append(a, paths...)
		}
		return a
	}
	if out, err := exec.CommandContext(ctx, "wrk", args(2*time.Second)...).CombinedOutput(); err != nil {
		return load{}, fmt.Errorf("wrk warm-up: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, "wrk", args(b.opt.duration)...).CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads the figures wrkScript prints.
func parseWrk(out string) (load, error) {
	_, js, ok := strings.Cut(out, "WRKJSON ")
	if !ok {
		return load{}, fmt.Errorf("wrk printed no figures:\n%s", out)
	}
	js, _, _ = strings.Cut(js, "\n")
	var raw struct {
		load
		P50 int64 `json:"p50"`
		P90 int64 `json:"p90"`
		P95 int64 `json:"p95"`
		P99 int64 `json:"p99"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(js)), &raw); err != nil {
		return load{}, fmt.Errorf("wrk figures: %v\n%s", err, out)
	}
	l := raw.load
	l.P50, l.P90, l.P95, l.P99 = raw.P50, raw.P90, raw.P95, raw.P99
	return l, nil
}

// record adds a load figure to the raw output in the benchmark format benchstat reads.
func (b *bench) record(name string, l load) {
	fmt.Fprintf(&b.raw, "BenchmarkHTTP/%s %d %.0f ns/op %.1f req/s %.3f p50-ms %.3f p95-ms %.3f p99-ms %d errors\n",
		name, l.Requests, l.Mean*1000, l.rps(), ms(l.P50), ms(l.P95), ms(l.P99), l.Errors+l.StatusErrors)
}

func ms(us int64) float64 { return float64(us) / 1000 }

// ---- machine -----------------------------------------------------------------

type machineInfo struct {
	cpu, kernel, memory, goVersion, postgres, commit, loadStart string
	cores                                                       int
}

func machine(ctx context.Context, adminURL string) machineInfo {
	m := machineInfo{cores: runtime.NumCPU(), goVersion: runtime.Version(), loadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				m.memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if conn, err := pgx.Connect(ctx, adminURL); err == nil {
		_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&m.postgres)
		conn.Close(ctx)
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.commit = strings.TrimSpace(string(out))
		if out, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(out) > 0 {
			m.commit += " (with uncommitted changes)"
		}
	}
	return m
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// ---- resources -----------------------------------------------------------------

func (b *bench) resources(ctx context.Context) error {
	for range 3 {
		url, err := b.freshDatabase(ctx, "portal_bench_empty")
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, "", "migrate"); err != nil {
			return err
		}
		b.r.migrate = append(b.r.migrate, time.Since(start))
	}
	b.logf("migrate and seed an empty database: %v", b.r.migrate)
	fmt.Fprintf(&b.raw, "BenchmarkMigrateAndSeed 1 %d ns/op\n", slowest(b.r.migrate).Nanoseconds())

	url, err := b.freshDatabase(ctx, "portal_bench")
	if err != nil {
		return err
	}
	if _, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, "", "migrate"); err != nil {
		return err
	}
	for i := range 5 {
		s, err := b.serve(ctx, url, fmt.Sprintf("server-start-%d.log", i))
		if err != nil {
			return err
		}
		b.r.ready = append(b.r.ready, s.ready)
		s.stop()
	}
	b.logf("start to ready: %v", b.r.ready)
	fmt.Fprintf(&b.raw, "BenchmarkStartToReady 1 %d ns/op\n", slowest(b.r.ready).Nanoseconds())
	return nil
}

func slowest(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// ---- the ceiling -------------------------------------------------------------------

// ceilingPages are the pages compared with the same bytes served as a static file.
var ceilingPages = []struct{ name, path string }{
	{"overview", "/"},
	{"priority", "/priorities/digital-skills-and-leadership"},
	{"commitment", "/commitments/4.2"},
	{"commitments", "/commitments"},
}

type ceilingRow struct {
	name, path   string
	bytes        int
	page, static load
	uncached     load
	missing      string // why the page could not be measured
}

func (b *bench) ceiling(ctx context.Context) error {
	url := b.cluster.DatabaseURL("portal_bench")
	dir, err := filepath.Abs(filepath.Join(b.opt.out, "static"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s, err := b.serve(ctx, url, "server-ceiling.log", "PORTAL_BENCH_STATIC_DIR="+dir)
	if err != nil {
		return err
	}
	defer s.stop()
	for _, p := range ceilingPages {
		row := ceilingRow{name: p.name, path: p.path}
		status, body, err := s.get(p.path, nil)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			row.missing = fmt.Sprintf("GET %s answers %d on this build", p.path, status)
			b.r.ceiling = append(b.r.ceiling, row)
			continue
		}
		row.bytes = len(body)
		if err := os.WriteFile(filepath.Join(dir, p.name+".html"), body, 0o644); err != nil {
			return err
		}
		b.logf("%s (%d bytes): page", p.path, len(body))
		if row.page, err = b.wrk(ctx, s.base, b.opt.conns, nil, p.path); err != nil {
			return err
		}
		b.record("ceiling/"+p.name+"/page", row.page)
		b.logf("  %.0f req/s, p99 %.1f ms; static file", row.page.rps(), ms(row.page.P99))
		if row.static, err = b.wrk(ctx, s.base, b.opt.conns, nil, "/_bench/static/"+p.name+".html"); err != nil {
			return err
		}
		b.record("ceiling/"+p.name+"/static", row.static)
		b.logf("  %.0f req/s, p99 %.1f ms", row.static.rps(), ms(row.static.P99))
		b.r.ceiling = append(b.r.ceiling, row)
	}
	_, b.r.ceilingHWM = s.memory()

	// The same pages with the page cache off: every request queries the database and renders.
	s2, err := b.serve(ctx, url, "server-ceiling-uncached.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s2.stop()
	for i, row := range b.r.ceiling {
		if row.missing != "" {
			continue
		}
		b.logf("%s without the page cache", row.path)
		if b.r.ceiling[i].uncached, err = b.wrk(ctx, s2.base, b.opt.conns, nil, row.path); err != nil {
			return err
		}
		b.record("ceiling/"+row.name+"/uncached", b.r.ceiling[i].uncached)
	}
	_, hwm := s2.memory()
	b.r.ceilingHWM = max(b.r.ceilingHWM, hwm)
	return nil
}

// ---- national scale ----------------------------------------------------------------

// nationalTarget is a page measured at national scale: the first of its candidate path sets
// that the build answers with 200 is used, requests taking the paths in turn.
type nationalTarget struct {
	name       string
	candidates [][]string
	staff      bool // needs a signed-in member of staff
}

var nationalTargets = []nationalTarget{
	{name: "overview", candidates: [][]string{{"/plans/" + demo.PlanSlug}}},
	{name: "filtered list", candidates: [][]string{
		{"/plans/" + demo.PlanSlug + "/commitments?status=at_risk", "/plans/" + demo.PlanSlug + "/commitments?priority=3&status=on_track",
			"/plans/" + demo.PlanSlug + "/commitments?org=DEMO-17", "/plans/" + demo.PlanSlug + "/commitments?overdue=1&page=2",
			"/plans/" + demo.PlanSlug + "/commitments?status=delayed&sort=due"},
		{"/commitments?plan=" + demo.PlanSlug + "&status=at_risk", "/commitments?plan=" + demo.PlanSlug + "&priority=3&status=on_track",
			"/commitments?plan=" + demo.PlanSlug + "&org=DEMO-17", "/commitments?plan=" + demo.PlanSlug + "&overdue=1&page=2",
			"/commitments?plan=" + demo.PlanSlug + "&status=delayed&sort=due"},
	}},
	{name: "text search", candidates: [][]string{
		{"/plans/" + demo.PlanSlug + "/commitments?q=telehealth", "/plans/" + demo.PlanSlug + "/commitments?q=cyber+resilience",
			"/plans/" + demo.PlanSlug + "/commitments?q=dementia+pathways", "/plans/" + demo.PlanSlug + "/commitments?q=3.17",
			"/plans/" + demo.PlanSlug + "/commitments?q=vaccination&status=on_track"},
		{"/commitments?plan=" + demo.PlanSlug + "&q=telehealth", "/commitments?plan=" + demo.PlanSlug + "&q=cyber+resilience",
			"/commitments?plan=" + demo.PlanSlug + "&q=dementia+pathways", "/commitments?plan=" + demo.PlanSlug + "&q=3.17",
			"/commitments?plan=" + demo.PlanSlug + "&q=vaccination&status=on_track"},
	}},
	// Not a target of its own: a word in nearly every commitment, the most a search can have to
	// rank, to show how the cost grows with the number found.
	{name: "text search, a word in nearly every commitment", candidates: [][]string{
		{"/plans/" + demo.PlanSlug + "/commitments?q=digital"}, {"/commitments?plan=" + demo.PlanSlug + "&q=digital"}}},
	{name: "staff dashboard", staff: true, candidates: [][]string{{"/dashboard?plan=" + demo.PlanSlug}, {"/dashboard"}}},
	{name: "priority page", candidates: [][]string{{"/plans/" + demo.PlanSlug + "/priorities/synthetic-area-3"}}},
	{name: "commitment page", candidates: [][]string{{"/plans/" + demo.PlanSlug + "/commitments/3.17",
		"/plans/" + demo.PlanSlug + "/commitments/5.200", "/plans/" + demo.PlanSlug + "/commitments/8.400"}}},
}

// csvCandidates are where the CSV of every commitment of the synthetic plan may be.
var csvCandidates = []string{"/plans/" + demo.PlanSlug + "/commitments.csv", "/commitments.csv?plan=" + demo.PlanSlug}

type nationalRow struct {
	name    string
	paths   []string
	bytes   int
	single  load // one connection: the latency one reader sees, judged against the target
	load    load // latency-conns connections: the same under contention for the two cores
	missing string
}

type csvFigures struct {
	path           string
	bytes, rows    int
	took           time.Duration
	rssBefore      int64
	hwmSmall       int64 // peak after streaming a small CSV
	hwmAfter       int64 // peak after streaming the whole CSV
	missing        string
	smallPath      string
	smallRows      int
	smallBytes     int
	repeatHWMAfter int64
}

func (b *bench) national(ctx context.Context) error {
	url := b.cluster.DatabaseURL(cmdDemoDatabase)
	if !b.opt.reuseDemo || !b.hasDemo(ctx, url) {
		b.logf("portal demo-data --fresh --commitments %d --updates %d", b.opt.demoCommit, b.opt.demoUpdate)
		start := time.Now()
		out, err := b.portal(ctx, []string{"LOG_FORMAT=text", "PORTAL_DATA_DIR=" + filepath.Join(b.root, ".data")}, "",
			"demo-data", "--fresh", "--commitments", strconv.Itoa(b.opt.demoCommit), "--updates", strconv.Itoa(b.opt.demoUpdate))
		if err != nil {
			return err
		}
		b.r.demoLoad = time.Since(start)
		b.r.demoOutput = out
	}
	header, err := b.staffSession(ctx, url)
	if err != nil {
		return err
	}
	s, err := b.serve(ctx, url, "server-national.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s.stop()
	var cookie []string
	if header != "" {
		if c, err := signIn(s.base); err == nil {
			cookie = []string{"Cookie: " + c}
		} else {
			b.logf("sign-in as staff failed: %v", err)
		}
	}
	for _, t := range nationalTargets {
		row := nationalRow{name: t.name}
		var h []string
		hdr := http.Header{}
		if t.staff {
			h = cookie
			if len(cookie) > 0 {
				hdr.Set("Cookie", strings.TrimPrefix(cookie[0], "Cookie: "))
			}
		}
	candidates:
		for _, paths := range t.candidates {
			for _, p := range paths {
				status, body, err := s.get(p, hdr)
				if err != nil {
					return err
				}
				if status != http.StatusOK {
					row.missing = fmt.Sprintf("GET %s answers %d on this build", p, status)
					continue candidates
				}
				row.bytes = max(row.bytes, len(body))
			}
			row.paths, row.missing = paths, ""
			break
		}
		if row.missing == "" {
			b.logf("%s: %s", t.name, strings.Join(row.paths, " "))
			if err := b.nationalLoad(ctx, s.base, h, "national/"+strings.ReplaceAll(t.name, " ", "-"), &row); err != nil {
				return err
			}
		} else {
			b.logf("%s: %s", t.name, row.missing)
		}
		b.r.national = append(b.r.national, row)
	}
	_, b.r.nationalHWM = s.memory()

	// The overview as visitors get it, with the page cache on: the page changes only when the
	// data does, so all but the first request after a change are served from memory.
	s.stop()
	sc, err := b.serve(ctx, url, "server-national-cached.log")
	if err != nil {
		return err
	}
	row := nationalRow{name: "overview, page cache on", paths: []string{"/plans/" + demo.PlanSlug}}
	b.logf("%s: %s", row.name, row.paths[0])
	if err := b.nationalLoad(ctx, sc.base, nil, "national/overview-cached", &row); err != nil {
		sc.stop()
		return err
	}
	_, body, _ := sc.get(row.paths[0], nil)
	row.bytes = len(body)
	b.r.national = append(b.r.national, row)
	_, hwm := sc.memory()
	b.r.nationalHWM = max(b.r.nationalHWM, hwm)
	sc.stop()

	// The CSV of every commitment, on a server of its own so that its memory is the CSV's.
	s.stop()
	cs, err := b.serve(ctx, url, "server-csv.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer cs.stop()
	b.r.csv = b.csv(cs)
	return nil
}

// cmdDemoDatabase is the database portal demo-data fills on the project-local cluster.
const cmdDemoDatabase = "portal_demo"

func (b *bench) hasDemo(ctx context.Context, url string) bool {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM commitments c JOIN plans p ON p.id = c.plan_id WHERE p.slug = $1`, demo.PlanSlug).Scan(&n)
	return err == nil && n == b.opt.demoCommit
}

// benchStaff is the member of staff the bench signs in as, on the demonstration database only.
const (
	benchStaffEmail    = "bench-staff@example.invalid"
	benchStaffPassword = "synthetic-bench-password-not-secret"
)

// staffSession makes the bench's member of staff on the demonstration database, when this build
// has accounts, and returns a note of it ("" when it has none).
func (b *bench) staffSession(ctx context.Context, url string) (string, error) {
	out, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, benchStaffPassword+"\n",
		"user", "add", "--email", benchStaffEmail, "--name", "Bench staff member (synthetic)", "--role", "staff", "--password-stdin")
	if err != nil {
		if strings.Contains(out, "unknown command") {
			return "", nil
		}
		if strings.Contains(strings.ToLower(out), "already") || strings.Contains(strings.ToLower(out), "exists") {
			return "staff", nil
		}
		return "", err
	}
	return "staff", nil
}

// nationalLoad runs the row's paths with one connection and then with latency-conns, and
// records both under name.
func (b *bench) nationalLoad(ctx context.Context, base string, header []string, name string, row *nationalRow) error {
	var err error
	if row.single, err = b.wrk(ctx, base, 1, header, row.paths...); err != nil {
		return err
	}
	b.record(name+"/conns=1", row.single)
	b.logf("  one connection: %.0f req/s, p95 %.1f ms", row.single.rps(), ms(row.single.P95))
	if row.load, err = b.wrk(ctx, base, b.opt.latConns, header, row.paths...); err != nil {
		return err
	}
	b.record(name, row.load)
	b.logf("  %d connections: %.0f req/s, p95 %.1f ms", b.opt.latConns, row.load.rps(), ms(row.load.P95))
	return nil
}

// signIn signs the bench's member of staff in and returns the session cookie.
func signIn(base string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/sign-in", url.Values{"email": {benchStaffEmail}, "password": {benchStaffPassword}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("POST /sign-in answered %d", resp.StatusCode)
	}
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("no session cookie")
	}
	return strings.Join(parts, "; "), nil
}

// csv streams a small and then the whole CSV of the synthetic plan, noting the time and the
// server's peak memory after each.
func (b *bench) csv(s *server) csvFigures {
	var f csvFigures
	for _, p := range csvCandidates {
		status, _, err := s.get(p+sep(p)+"q=telehealth+dementia", nil)
		if err == nil && status == http.StatusOK {
			f.path = p
			break
		}
	}
	if f.path == "" {
		f.missing = "no CSV of the commitments on this build (tried " + strings.Join(csvCandidates, ", ") + ")"
		return f
	}
	f.rssBefore, _ = s.memory()
	f.smallPath = f.path + sep(f.path) + "status=delayed&priority=2"
	_, small, _ := s.get(f.smallPath, nil)
	f.smallBytes, f.smallRows = len(small), csvRecords(bytes.NewReader(small))
	_, f.hwmSmall = s.memory()
	start := time.Now()
	resp, err := http.Get(s.base + f.path)
	if err != nil {
		f.missing = err.Error()
		return f
	}
	counted := &byteCounter{r: resp.Body}
	f.rows = csvRecords(counted)
	n := counted.n
	resp.Body.Close()
	f.took = time.Since(start)
	f.bytes = int(n)
	_, f.hwmAfter = s.memory()
	for range 3 {
		if resp, err := http.Get(s.base + f.path); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	_, f.repeatHWMAfter = s.memory()
	fmt.Fprintf(&b.raw, "BenchmarkCSV/all-commitments 1 %d ns/op %d B/file %d rows %d peak-rss-B\n",
		f.took.Nanoseconds(), f.bytes, f.rows, f.hwmAfter)
	b.logf("CSV: %d rows, %d bytes in %v; peak RSS %d MB (small CSV: %d MB)", f.rows, f.bytes, f.took,
		f.hwmAfter>>20, f.hwmSmall>>20)
	return f
}

func sep(p string) string {
	if strings.Contains(p, "?") {
		return "&"
	}
	return "?"
}

// byteCounter counts the bytes read through it.
type byteCounter struct {
	r io.Reader
	n int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvRecords counts the records of a CSV file, header included, reading it as it streams.
func csvRecords(r io.Reader) int {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	n := 0
	for {
		if _, err := cr.Read(); err != nil {
			_, _ = io.Copy(io.Discard, r)
			return n
		}
		n++
	}
}

// ---- query plans and Go benchmarks ---------------------------------------------------

func (b *bench) plans(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^TestListQueriesUseIndexes$", "-v", "./internal/postgres/")
	cmd.Env = append(os.Environ(), "EXPLAIN_DATABASE_URL="+b.cluster.DatabaseURL(cmdDemoDatabase))
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(b.opt.out, "explain.txt"), out, 0o644)
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "--- PASS: TestListQueriesUseIndexes/") || strings.HasPrefix(line, "--- FAIL: TestListQueriesUseIndexes/") {
			b.r.explain = append(b.r.explain, line)
		}
	}
	b.r.explainOK = err == nil
	b.logf("query plans at national scale: ok=%v (%d queries checked)", b.r.explainOK, len(b.r.explain))
	return nil
}

func (b *bench) goBenchmarks(ctx context.Context) error {
	if b.opt.skipGo {
		return nil
	}
	pkgs := []string{"./web/", "./internal/postgres/", "./internal/server/"}
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(b.opt.goCount)}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	// The store's benchmarks run on the national-scale database.
	cmd.Env = append(os.Environ(), "BENCH_DATABASE_URL="+b.cluster.DatabaseURL(cmdDemoDatabase))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(b.opt.out, "gobench.txt"), out, 0o644); err != nil {
		return err
	}
	b.raw.Write(out)
	b.r.goBench = summariseGoBench(string(out))
	return nil
}

// goBench is the median of a Go benchmark's runs.
type goBench struct {
	name                string
	nsOp, bOp, allocsOp float64
}

func summariseGoBench(out string) []goBench {
	runs := map[string][][3]float64{}
	var order []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		var v [3]float64
		for i := 2; i+1 < len(f); i += 2 {
			x, _ := strconv.ParseFloat(f[i], 64)
			switch f[i+1] {
			case "ns/op":
				v[0] = x
			case "B/op":
				v[1] = x
			case "allocs/op":
				v[2] = x
			}
		}
		if _, ok := runs[name]; !ok {
			order = append(order, name)
		}
		runs[name] = append(runs[name], v)
	}
	var res []goBench
	for _, name := range order {
		rs := runs[name]
		med := func(k int) float64 {
			xs := make([]float64, len(rs))
			for i, r := range rs {
				xs[i] = r[k]
			}
			sort.Float64s(xs)
			return xs[len(xs)/2]
		}
		res = append(res, goBench{name: name, nsOp: med(0), bOp: med(1), allocsOp: med(2)})
	}
	return res
}
