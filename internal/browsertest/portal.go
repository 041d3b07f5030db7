package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
)

var portalBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// buildPortal builds cmd/portal once per test binary.
func buildPortal(t testing.TB) string {
	t.Helper()
	portalBinary.once.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			portalBinary.err = err
			return
		}
		goCmd, err := exec.LookPath("go")
		if err != nil {
			portalBinary.err = err
			return
		}
		dir, err := os.MkdirTemp("", "browsertest-portal-")
		if err != nil {
			portalBinary.err = err
			return
		}
		portalBinary.dir = dir
		path := filepath.Join(dir, "portal")
		cmd := exec.Command(goCmd, "build", "-o", path, "./cmd/portal")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			portalBinary.err = fmt.Errorf("go build ./cmd/portal: %v\n%s", err, out)
			return
		}
		portalBinary.path = path
	})
	if portalBinary.err != nil {
		t.Fatalf("browsertest: %v", portalBinary.err)
	}
	return portalBinary.path
}

// removePortal deletes the built binary; Main calls it.
func removePortal() {
	if portalBinary.dir != "" {
		_ = os.RemoveAll(portalBinary.dir)
	}
}

// Portal is the portal as it is deployed: the `portal serve` command, in a
// process of its own, over a fresh database of the test's own, on a free port
// of 127.0.0.1. Its clock is the real one.
type Portal struct {
	URL  string
	logs *logBuffer
}

// StartPortal builds cmd/portal (once per test binary), starts `portal serve`
// with its JSON log, and waits until it says it is serving. The process is
// stopped, as by Ctrl-C, when the test ends.
func StartPortal(t testing.TB) *Portal {
	t.Helper()
	bin := buildPortal(t)
	dbURL := dbtest.URL(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	p := &Portal{URL: "http://" + addr, logs: &logBuffer{}}

	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL, "ADDR="+addr, "BASE_URL="+p.URL, "LOG_FORMAT=json",
		"PORTAL_DATA_DIR="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("browsertest: start portal serve: %v", err)
	}
	serving := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			_, _ = io.WriteString(p.logs, line+"\n")
			if strings.Contains(line, `"msg":"serving"`) {
				once.Do(func() { close(serving) })
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-done
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("browsertest: the portal's log:\n%s", p.logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	select {
	case <-serving:
	case <-done:
		t.Fatalf("browsertest: portal serve stopped before serving:\n%s", p.logs.String())
	case <-ctx.Done():
		t.Fatalf("browsertest: portal serve did not start serving in time:\n%s", p.logs.String())
	}
	return p
}

// Logs returns what the portal has logged so far.
func (p *Portal) Logs() string { return p.logs.String() }

// LogEntries returns the portal's log entries whose message contains msg,
// decoded from their JSON.
func (p *Portal) LogEntries(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(p.Logs(), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("browsertest: portal log line is not JSON: %v: %s", err, line)
		}
		if m, _ := e["msg"].(string); strings.Contains(m, msg) {
			out = append(out, e)
		}
	}
	return out
}
