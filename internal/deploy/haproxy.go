package deploy

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

//go:embed haproxy.cfg.tmpl
var haproxyTemplate string

// HAProxyConfig is what haproxy.cfg.tmpl is filled in with.
type HAProxyConfig struct {
	Listen  string   // host:port HAProxy listens on
	Servers []string // host:port of each portal instance
	Dir     string   // where its pid file goes
}

// HAProxyCfg returns haproxy.cfg for c.
func HAProxyCfg(c HAProxyConfig) (string, error) { return render("haproxy.cfg", haproxyTemplate, c) }

// HAProxy starts HAProxy from haproxy.cfg.tmpl on a free loopback port in front of the servers,
// and returns its address. It stops HAProxy when the test ends.
func HAProxy(t testing.TB, servers []string) string {
	t.Helper()
	bin := Binary(t, "haproxy", "haproxy", "/usr/sbin/haproxy")
	addr, _ := freeAddr(t)
	dir := t.TempDir()
	cfg, err := HAProxyCfg(HAProxyConfig{Listen: addr, Servers: servers, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", file)
	serve(t, "haproxy", cmd, addr, nil)
	return addr
}
