package deploy

import (
	_ "embed"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
	return render("pgbouncer.ini", pgbouncerTemplate, c)
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
	addr, port := freeAddr(t)
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
	serve(t, "pgbouncer", cmd, addr, func() string {
		log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
		return string(log)
	})
	u.Host = addr
	q := u.Query()
	q.Set("default_query_exec_mode", "simple_protocol")
	u.RawQuery = q.Encode()
	return u.String()
}
