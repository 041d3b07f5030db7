package deploy

import (
	"bytes"
	_ "embed"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"text/template"
	"time"
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
func HAProxyCfg(c HAProxyConfig) (string, error) {
	t, err := template.New("haproxy.cfg").Parse(haproxyTemplate)
	if err != nil {
		return "", fmt.Errorf("deploy: haproxy template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, c); err != nil {
		return "", fmt.Errorf("deploy: haproxy template: %w", err)
	}
	return b.String(), nil
}

// HAProxy starts HAProxy from haproxy.cfg.tmpl on a free loopback port in front of the servers,
// and returns its address. It stops HAProxy when the test ends.
func HAProxy(t testing.TB, servers []string) string {
	t.Helper()
	bin := Binary(t, "haproxy", "haproxy", "/usr/sbin/haproxy")
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cfg, err := HAProxyCfg(HAProxyConfig{Listen: addr, Servers: servers, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", file)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("deploy: start haproxy: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy's output:\n%s", out.String())
		}
	})
	if err := waitListening(addr, 10*time.Second); err != nil {
		t.Fatalf("deploy: haproxy does not listen on %s: %v\n%s", addr, err, out.String())
	}
	return addr
}
