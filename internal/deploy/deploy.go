// Package deploy holds the reference deployment's configuration files (PgBouncer, HAProxy,
// systemd), and starts PgBouncer and HAProxy from them for the tests that run the portal through
// them.
package deploy

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"text/template"
	"time"
)

// render fills in the configuration file template text, named name, with data.
func render(name, text string, data any) (string, error) {
	t, err := template.New(name).Parse(text)
	if err != nil {
		return "", fmt.Errorf("deploy: %s template: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("deploy: %s template: %w", name, err)
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

// serve starts cmd, the named program, for the test, waits until it accepts connections at addr
// and stops it when the test ends. logs, when not nil, reads the log the program keeps in a file
// of its own: it is shown with the program's output when the test fails.
func serve(t testing.TB, name string, cmd *exec.Cmd, addr string, logs func() string) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("deploy: start %s: %v", name, err)
	}
	output := func() string {
		if logs == nil {
			return out.String()
		}
		return out.String() + "\n" + logs()
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s's output:\n%s", name, output())
		}
	})
	if err := waitListening(addr, 10*time.Second); err != nil {
		t.Fatalf("deploy: %s does not listen on %s: %v\n%s", name, addr, err, output())
	}
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

// freeAddr returns a loopback address, host and port, that was free a moment ago, and its port.
func freeAddr(t testing.TB) (string, int) {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port
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
