package pgdev

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testLogger sends the package's log lines to the test's log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// needServer skips the test when no server binaries are installed; `make
// test` installs them.
func needServer(t *testing.T) {
	t.Helper()
	if _, err := FindBinDir(); err != nil {
		t.Skipf("%v", err)
	}
}

// newCluster makes a cluster of the test's own, stopped at the end.
func newCluster(t *testing.T) *Cluster {
	t.Helper()
	needServer(t)
	dir := filepath.Join(t.TempDir(), "postgres")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Ensure(ctx, dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Kill(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return c
}

func query(t *testing.T, url, sql string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var s string
	err = conn.QueryRow(ctx, sql).Scan(&s)
	return s, err
}

func mustQuery(t *testing.T, url, sql string) string {
	t.Helper()
	s, err := query(t, url, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func TestEnsureCreatesAClusterAndReusesIt(t *testing.T) {
	t.Parallel()
	c := newCluster(t)

	if got := mustQuery(t, c.URL(), "SELECT current_database()"); got != Database {
		t.Errorf("URL connects to %q, want %q", got, Database)
	}
	if got := mustQuery(t, c.URL(), "SHOW listen_addresses"); got != Host {
		t.Errorf("listen_addresses = %q, want %q", got, Host)
	}
	if got := mustQuery(t, c.URL(), "SHOW unix_socket_directories"); got != "" {
		t.Errorf("unix_socket_directories = %q, want none", got)
	}
	if got := mustQuery(t, c.URL(), "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"); got != "true" {
		t.Errorf("connected as a superuser = %s", got)
	}
	if c.Port() < portMin || c.Port() > portMax {
		t.Errorf("port %d outside %d-%d", c.Port(), portMin, portMax)
	}

	// The password is private, and required.
	info, err := os.Stat(c.Dir() + ".password")
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("password file mode %v, want 0600", perm)
	}
	wrong := strings.Replace(c.URL(), c.password, "wrong", 1)
	if _, err := query(t, wrong, "SELECT 1::text"); err == nil {
		t.Error("connected with a wrong password")
	}

	// The server runs as the postgres user when we are root, else as us.
	wantUID := os.Geteuid()
	if wantUID == 0 {
		u, err := user.Lookup(ServerUser)
		if err != nil {
			t.Fatal(err)
		}
		wantUID, _ = strconv.Atoi(u.Uid)
	}
	st, err := os.Stat(c.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if uid := int(st.Sys().(*syscall.Stat_t).Uid); uid != wantUID {
		t.Errorf("data directory owned by uid %d, want %d", uid, wantUID)
	}
	pid, _ := c.postmaster(false)
	if uid := processUID(t, pid); uid != wantUID {
		t.Errorf("postmaster runs as uid %d, want %d", uid, wantUID)
	}

	// A second Ensure reuses the running server.
	again, err := Ensure(context.Background(), c.Dir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if again.URL() != c.URL() {
		t.Errorf("second Ensure gave %s, want %s", again.URL(), c.URL())
	}
	if pid2, _ := again.postmaster(false); pid2 != pid {
		t.Errorf("second Ensure restarted the server: pid %d, was %d", pid2, pid)
	}
}

func processUID(t *testing.T, pid int) int {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			uid, _ := strconv.Atoi(strings.Fields(rest)[0])
			return uid
		}
	}
	t.Fatalf("no Uid in /proc/%d/status", pid)
	return -1
}

// TestLifecycle takes one cluster through what a developer's machine and
// the reliability tests put it through.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	ctx := context.Background()

	t.Run("stop and start", func(t *testing.T) {
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if c.Running() {
			t.Fatal("running after Stop")
		}
		if _, err := query(t, c.URL(), "SELECT 1::text"); err == nil {
			t.Fatal("connected to a stopped cluster")
		}
		if err := c.Stop(ctx); err != nil {
			t.Fatalf("Stop when stopped: %v", err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		mustQuery(t, c.URL(), "SELECT 1::text")
	})

	t.Run("recovers from a crash", func(t *testing.T) {
		if err := c.Kill(ctx); err != nil {
			t.Fatal(err)
		}
		// The next `make run` calls Ensure.
		if _, err := Ensure(ctx, c.Dir(), testLogger(t)); err != nil {
			t.Fatal(err)
		}
		mustQuery(t, c.URL(), "SELECT 1::text")
	})

	t.Run("ignores a stale pid file", func(t *testing.T) {
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		// A crash leaves postmaster.pid behind, and after a reboot its pid
		// may belong to an unrelated live process: this test's own.
		pidFile := filepath.Join(c.Dir(), "postmaster.pid")
		stale := fmt.Sprintf("%d\n%s\n0\n%d\n\n127.0.0.1\n0 0\nready\n", os.Getpid(), c.Dir(), c.Port())
		if err := os.WriteFile(pidFile, []byte(stale), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := c.owner.chown(pidFile); err != nil {
			t.Fatal(err)
		}
		if c.Running() {
			t.Fatal("a stale pid file counts as running")
		}
		if _, err := Ensure(ctx, c.Dir(), testLogger(t)); err != nil {
			t.Fatal(err)
		}
		mustQuery(t, c.URL(), "SELECT 1::text")
	})

	t.Run("moves when its port is taken", func(t *testing.T) {
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		old := c.Port()
		l, err := netListen(old)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if c.Port() == old {
			t.Fatalf("still on port %d", old)
		}
		mustQuery(t, c.URL(), "SELECT 1::text")
		again, err := Ensure(ctx, c.Dir(), testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		if again.Port() != c.Port() {
			t.Errorf("the new port %d was not recorded: Ensure gave %d", c.Port(), again.Port())
		}
	})
}

func TestConcurrentEnsure(t *testing.T) {
	t.Parallel()
	needServer(t)
	dir := filepath.Join(t.TempDir(), "postgres")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const n = 4
	var wg sync.WaitGroup
	urls := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			c, err := Ensure(ctx, dir, testLogger(t))
			errs[i] = err
			if err == nil {
				urls[i] = c.URL()
			}
		})
	}
	wg.Wait()
	t.Cleanup(func() {
		c, err := Ensure(context.Background(), dir, testLogger(t))
		if err == nil {
			err = c.Kill(context.Background())
		}
		if err != nil {
			t.Error(err)
		}
	})
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Ensure %d: %v", i, errs[i])
		}
		if urls[i] != urls[0] {
			t.Errorf("Ensure %d gave %s, Ensure 0 gave %s", i, urls[i], urls[0])
		}
	}
	mustQuery(t, urls[0], "SELECT 1::text")
}

func TestFindBinDir(t *testing.T) {
	needServer(t)
	dir, err := FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range serverTools {
		if _, err := os.Stat(filepath.Join(dir, tool)); err != nil {
			t.Error(err)
		}
	}
}

func TestMissingBinariesSaySo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := debianRoot
	debianRoot = t.TempDir()
	t.Cleanup(func() { debianRoot = old })

	_, err := FindBinDir()
	if !errors.Is(err, ErrNoServer) {
		t.Fatalf("got %v, want ErrNoServer", err)
	}
	_, err = Ensure(context.Background(), filepath.Join(t.TempDir(), "postgres"), testLogger(t))
	if !errors.Is(err, ErrNoServer) {
		t.Fatalf("Ensure: got %v, want ErrNoServer", err)
	}
	if !strings.Contains(err.Error(), "PostgreSQL server binaries not found") {
		t.Errorf("message %q does not say what is missing", err)
	}
}

func TestVersionOrder(t *testing.T) {
	if !(versionKey("/usr/lib/postgresql/10/bin") > versionKey("/usr/lib/postgresql/9.6/bin")) {
		t.Error("10 should sort above 9.6")
	}
	if !(versionKey("/usr/lib/postgresql/17/bin") > versionKey("/usr/lib/postgresql/15/bin")) {
		t.Error("17 should sort above 15")
	}
}

func netListen(port int) (net.Listener, error) {
	return net.Listen("tcp", net.JoinHostPort(Host, strconv.Itoa(port)))
}
