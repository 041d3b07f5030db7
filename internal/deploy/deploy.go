// Package deploy holds the reference deployment's configuration files (PgBouncer, HAProxy,
// systemd), and starts PgBouncer from its file for the tests that run the portal through it.
package deploy

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"
)

//go:embed pgbouncer.ini.tmpl
var pgbouncerTemplate string

// PgBouncerConfig is what pgbouncer.ini.tmpl is filled in with.
type PgBouncerConfig struct {
	ServerHost, ServerPort string
	ListenHost             string
	ListenPort             int
	Dir                    string
	PoolSize               int
	MaxClientConn          int
}

// PgBouncerINI returns pgbouncer.ini for c.
func PgBouncerINI(c PgBouncerConfig) (string, error) {
	t, err := template.New("pgbouncer.ini").Parse(pgbouncerTemplate)
	if err != nil {
		return "", fmt.Errorf("deploy: pgbouncer template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, c); err != nil {
		return "", fmt.Errorf("deploy: pgbouncer template: %w", err)
	}
	return b.String(), nil
}

// Binary returns the path of a Debian package's program, or skips the test when it is not
// installed, unless CI is true: there the Makefile installs it, and its absence fails the test.
func Binary(t testing.TB, pkg string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s is not installed: install Debian's %s (make test installs it when run as root)", pkg, pkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// PgBouncer starts PgBouncer in transaction mode on a free loopback port in front of the server
// that dbURL names, and returns dbURL rewritten to go through it, with the query mode PgBouncer
// needs. It stops PgBouncer when the test ends.
func PgBouncer(t testing.TB, dbURL string) string {
	t.Helper()
	bin := Binary(t, "pgbouncer", "pgbouncer", "/usr/sbin/pgbouncer")
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		t.Fatalf("deploy: database URL %q has no user", dbURL)
	}
	password, _ := u.User.Password()
	// Not t.TempDir: PgBouncer may run as nobody, who must reach the directory.
	dir, err := os.MkdirTemp("", "pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	ini, err := PgBouncerINI(PgBouncerConfig{ServerHost: u.Hostname(), ServerPort: u.Port(), ListenHost: "127.0.0.1",
		ListenPort: port, Dir: dir, PoolSize: 20, MaxClientConn: 500})
	if err != nil {
		t.Fatal(err)
	}
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	users := quote(u.User.Username()) + " " + quote(password) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "userlist.txt"), []byte(users), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(conf, []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, conf)
	if os.Geteuid() == 0 {
		// PgBouncer will not run as root; run it as nobody, who must read its files.
		cmd = exec.Command(bin, "-u", "nobody", conf)
		for _, p := range []string{dir, conf, filepath.Join(dir, "userlist.txt")} {
			_ = os.Chown(p, 65534, 65534)
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("deploy: start pgbouncer: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			t.Logf("pgbouncer's output:\n%s\n%s", out.String(), log)
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if err := waitListening(addr, 10*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
		t.Fatalf("deploy: pgbouncer does not listen on %s: %v\n%s\n%s", addr, err, out.String(), log)
	}
	u.Host = addr
	q := u.Query()
	q.Set("default_query_exec_mode", "simple_protocol")
	u.RawQuery = q.Encode()
	return u.String()
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("deploy: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitListening waits until something accepts connections at addr.
func waitListening(addr string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}
