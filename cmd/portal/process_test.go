package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// These tests build the portal and run it as its own process, as it runs in production, to see
// what happens at start and at shutdown.

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// portalBinary builds the portal once per test run.
func portalBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "portal-test-")
		if buildErr != nil {
			return
		}
		binary = filepath.Join(buildDir, "portal")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// process is a running `portal serve`.
type process struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done

	mu   sync.Mutex
	logs []map[string]any
	raw  strings.Builder
}

// startPortal starts `portal serve` on the database at dbURL, listening on a free port, with
// extra environment variables, and returns once it serves.
func startPortal(t *testing.T, dbURL string, env ...string) *process {
	t.Helper()
	p := launchPortal(t, dbURL, env...)
	p.waitServing(t)
	return p
}

// launchPortal starts `portal serve` without waiting for it to serve.
func launchPortal(t *testing.T, dbURL string, env ...string) *process {
	t.Helper()
	return launchPortalBinary(t, portalBinary(t), dbURL, env...)
}

// startPortalBinary starts the portal built at bin, and returns once it serves.
func startPortalBinary(t *testing.T, bin, dbURL string, env ...string) *process {
	t.Helper()
	p := launchPortalBinary(t, bin, dbURL, env...)
	p.waitServing(t)
	return p
}

// launchPortalBinary starts `serve` of the portal built at bin without waiting for it to serve.
func launchPortalBinary(t *testing.T, bin, dbURL string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + dbURL, "ADDR=127.0.0.1:0", "LOG_FORMAT=json"}, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line map[string]any
			p.mu.Lock()
			p.raw.WriteString(sc.Text() + "\n")
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				p.logs = append(p.logs, line)
			}
			p.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() {
		<-read
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("portal's log:\n%s", p.log())
		}
	})
	return p
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.raw.String()
}

// logged returns the log lines with the message.
func (p *process) logged(msg string) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	for _, l := range p.logs {
		if l["msg"] == msg {
			out = append(out, l)
		}
	}
	return out
}

// waitServing waits until the process logs the address it serves on.
func (p *process) waitServing(t *testing.T) {
	t.Helper()
	clocktest.WaitFor(t, "the portal serves", time.Minute, func() bool {
		select {
		case <-p.done:
			t.Fatalf("portal exited before serving: %v\n%s", p.err, p.log())
		default:
		}
		if l := p.logged("serving"); len(l) > 0 {
			p.addr, _ = l[0]["addr"].(string)
			return true
		}
		return false
	})
}

// waitExit waits for the process to exit and returns its exit status.
func (p *process) waitExit(t *testing.T, deadline time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(deadline):
		t.Fatalf("portal still running %s after it was told to stop\n%s", deadline, p.log())
		return nil
	}
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

func getStatus(client *http.Client, u string) (int, string, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func dbConnect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// portalConnections counts the portal's connections to the current database, all or only those
// waiting on a lock. conn must not be in a transaction, which would keep seeing the activity as it
// was when the transaction first looked.
func portalConnections(t *testing.T, conn *pgx.Conn, waitingOnLock bool) int {
	t.Helper()
	q := `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'delivery-tracker' AND datname = current_database()`
	if waitingOnLock {
		q += ` AND wait_event_type = 'Lock'`
	}
	var n int
	if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGracefulShutdown stops the portal with a request in flight, held up by a lock on a table it
// reads: the portal stops accepting connections at once, lets the request finish, closes its
// database connections and exits cleanly.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dbURL := dbtest.URL(t)
			p := startPortal(t, dbURL, "DRAIN_DELAY=0")
			client := &http.Client{Timeout: time.Minute}
			if code, _, err := getStatus(client, p.url("/readyz")); err != nil || code != http.StatusOK {
				t.Fatalf("GET /readyz = %d %v", code, err)
			}

			conn, watch := dbConnect(t, dbURL), dbConnect(t, dbURL)
			ctx := context.Background()
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `LOCK TABLE commitments IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			type result struct {
				code int
				body string
				err  error
			}
			inFlight := make(chan result, 1)
			go func() {
				code, body, err := getStatus(client, p.url("/commitments/4.2"))
				inFlight <- result{code, body, err}
			}()
			clocktest.WaitFor(t, "the request waits on the lock", 30*time.Second, func() bool {
				return portalConnections(t, watch, true) == 1
			})

			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			clocktest.WaitFor(t, "the portal stops accepting connections", 30*time.Second, func() bool {
				c, err := net.DialTimeout("tcp", p.addr, time.Second)
				if err != nil {
					return true
				}
				_ = c.Close()
				return false
			})
			select {
			case r := <-inFlight:
				t.Fatalf("the request in flight ended before the lock was released: %d %v", r.code, r.err)
			case <-p.done:
				t.Fatalf("the portal exited with a request in flight: %v", p.err)
			default:
			}

			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			r := <-inFlight
			if r.err != nil || r.code != http.StatusOK || !strings.Contains(r.body, "Commitment 4.2") {
				t.Errorf("request in flight at shutdown = %d %v, want 200 and the page", r.code, r.err)
			}
			if err := p.waitExit(t, 30*time.Second); err != nil {
				t.Errorf("portal exited with %v, want success", err)
			}
			for _, msg := range []string{"shutting down: finishing requests in flight", "stopped", "database pool closed"} {
				if len(p.logged(msg)) != 1 {
					t.Errorf("portal did not log %q", msg)
				}
			}
			clocktest.WaitFor(t, "the portal's database connections end", 30*time.Second, func() bool {
				return portalConnections(t, watch, false) == 0
			})
		})
	}

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		dbURL := dbtest.URL(t)
		p := startPortal(t, dbURL, "SHUTDOWN_TIMEOUT=1s", "DRAIN_DELAY=0")
		conn, watch := dbConnect(t, dbURL), dbConnect(t, dbURL)
		ctx := context.Background()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := tx.Exec(ctx, `LOCK TABLE commitments IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		inFlight := make(chan error, 1)
		go func() {
			_, _, err := getStatus(&http.Client{Timeout: time.Minute}, p.url("/commitments/4.2"))
			inFlight <- err
		}()
		clocktest.WaitFor(t, "the request waits on the lock", 30*time.Second, func() bool {
			return portalConnections(t, watch, true) == 1
		})
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		// The lock is never released: the portal must give up on the request and exit.
		err = p.waitExit(t, 30*time.Second)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("portal exited with %v, want exit status 1 after the shutdown timeout", err)
		}
		if len(p.logged("requests still in flight at the shutdown timeout: cancelling them")) != 1 {
			t.Error("portal did not log that it cancelled requests in flight")
		}
		// The cancelled query's server process ends once it notices.
		clocktest.WaitFor(t, "the portal's database connections end", 30*time.Second, func() bool {
			return portalConnections(t, watch, false) == 0
		})
		<-inFlight
	})
}

// TestInstancesStartTogether starts two portals at once on one empty database: the migrations run
// once, both serve, and a session started on one works on the other.
func TestInstancesStartTogether(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.EmptyURL(t)
	a := launchPortal(t, dbURL)
	b := launchPortal(t, dbURL)
	a.waitServing(t)
	b.waitServing(t)

	client := &http.Client{Timeout: 30 * time.Second}
	for _, p := range []*process{a, b} {
		for _, path := range []string{"/readyz", "/commitments/4.2"} {
			if code, _, err := getStatus(client, p.url(path)); err != nil || code != http.StatusOK {
				t.Errorf("GET %s on %s = %d %v, want 200", path, p.addr, code, err)
			}
		}
	}

	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn := dbConnect(t, dbURL)
	rows, _ := conn.Query(context.Background(),
		`SELECT version_id, count(*) FROM `+dbtest.VersionTable+` WHERE version_id > 0 GROUP BY version_id`)
	counts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		Version int64
		Count   int
	}])
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != len(files) {
		t.Errorf("%d migrations recorded, want %d", len(counts), len(files))
	}
	for _, c := range counts {
		if c.Count != 1 {
			t.Errorf("migration %d recorded %d times, want once", c.Version, c.Count)
		}
	}
	if applied := len(a.logged("migration applied")) + len(b.logged("migration applied")); applied != len(files) {
		t.Errorf("the two portals applied %d migrations between them, want %d", applied, len(files))
	}

	// Sign in on one portal; the session cookie works on the other.
	const email, pw = "admin@example.scot", "correct horse battery staple 42"
	hash, err := password.Hash(pw, password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	pool := dbtest.Connect(t, dbURL)
	if _, err := postgres.New(pool).CreateUser(context.Background(), tracker.Actor{Label: "test"},
		postgres.NewUser{Email: email, Name: "Ada Admin", Role: tracker.RoleAdmin, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(a.url("/sign-in"), url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == server.SessionCookieName(false) {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign in on %s = %d with cookies %v, want 303 and a session", a.addr, resp.StatusCode, resp.Cookies())
	}
	for _, withSession := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodGet, b.url("/admin/users"), nil)
		if withSession {
			req.AddCookie(session)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case withSession && (resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Ada Admin")):
			t.Errorf("GET /admin/users on %s with the session from %s = %d, want 200 and the users", b.addr, a.addr, resp.StatusCode)
		case !withSession && resp.StatusCode != http.StatusSeeOther:
			t.Errorf("GET /admin/users on %s without a session = %d, want 303 to sign in", b.addr, resp.StatusCode)
		}
	}
}

// TestMetricsAddr serves /metrics on METRICS_ADDR, and not on the portal's own address.
func TestMetricsAddr(t *testing.T) {
	t.Parallel()
	p := startPortal(t, dbtest.URL(t), "METRICS_ADDR=127.0.0.1:0")
	var metricsAddr string
	clocktest.WaitFor(t, "the portal serves its metrics", time.Minute, func() bool {
		if l := p.logged("serving metrics"); len(l) > 0 {
			metricsAddr, _ = l[0]["addr"].(string)
			return true
		}
		return false
	})
	client := &http.Client{Timeout: 30 * time.Second}
	if code, _, err := getStatus(client, p.url("/commitments/4.2")); err != nil || code != http.StatusOK {
		t.Fatalf("GET /commitments/4.2 = %d %v", code, err)
	}
	code, body, err := getStatus(client, "http://"+metricsAddr+"/metrics")
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET /metrics on METRICS_ADDR = %d %v", code, err)
	}
	for _, want := range []string{`portal_http_requests_total{code="2xx",method="GET",route="/commitments/{ref}"} 1`,
		"portal_db_pool_total_conns", "go_goroutines", "process_resident_memory_bytes",
		// GOMEMLIMIT is unset: the portal's own soft memory limit holds.
		"go_gc_gomemlimit_bytes " + strconv.FormatFloat(defaultMemoryLimit, 'g', -1, 64) + "\n",
		// GOGC is unset too: the portal's own GC percent holds.
		"go_gc_gogc_percent " + strconv.Itoa(defaultGCPercent) + "\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics does not have %s", want)
		}
	}
	if code, _, err := getStatus(client, p.url("/metrics")); err != nil || code != http.StatusNotFound {
		t.Errorf("GET /metrics on ADDR with METRICS_ADDR set = %d %v, want 404", code, err)
	}
}
