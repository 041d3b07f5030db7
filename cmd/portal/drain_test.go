package main

import (
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
)

// TestDrain sends SIGTERM and checks that /readyz fails at once while pages are still served for
// DRAIN_DELAY, and only then does the portal stop accepting connections and exit.
func TestDrain(t *testing.T) {
	const delay = 4 * time.Second
	p := startPortal(t, dbtest.URL(t), "DRAIN_DELAY="+delay.String())
	client := &http.Client{Timeout: 10 * time.Second}
	if code, _, err := getStatus(client, p.url("/readyz")); err != nil || code != http.StatusOK {
		t.Fatalf("GET /readyz before SIGTERM = %d %v, want 200", code, err)
	}
	signalled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	clocktest.WaitFor(t, "/readyz answers 503", delay/4, func() bool { // a second, on a busy machine
		code, _, err := getStatus(client, p.url("/readyz"))
		return err == nil && code == http.StatusServiceUnavailable
	})
	// Until the delay is nearly over, pages are served as before, on new connections.
	for time.Since(signalled) < delay*3/4 {
		code, _, err := getStatus(client, p.url("/commitments/4.2"))
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET /commitments/4.2 %s after SIGTERM = %d %v, want 200 while draining", time.Since(signalled), code, err)
		}
		if code, _, err := getStatus(client, p.url("/readyz")); err != nil || code != http.StatusServiceUnavailable {
			t.Fatalf("GET /readyz %s after SIGTERM = %d %v, want 503 while draining", time.Since(signalled), code, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	clocktest.WaitFor(t, "the portal stops accepting connections", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err != nil {
			return true
		}
		_ = c.Close()
		return false
	})
	if d := time.Since(signalled); d < delay {
		t.Errorf("the portal stopped accepting connections %s after SIGTERM, want no sooner than DRAIN_DELAY %s", d, delay)
	}
	if err := p.waitExit(t, 30*time.Second); err != nil {
		t.Errorf("portal exited with %v, want success", err)
	}
	if len(p.logged("draining: /readyz answers 503 while the portal serves on")) != 1 {
		t.Error("portal did not log that it was draining")
	}
}

func TestDrainDelayConfig(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", 5 * time.Second, false},
		{"0", 0, false},
		{"15s", 15 * time.Second, false},
		{"-1s", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "DRAIN_DELAY": tt.value}
		c, err := loadConfig(func(k string) string { return env[k] })
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "DRAIN_DELAY") {
				t.Errorf("DRAIN_DELAY=%q: err = %v, want one naming it", tt.value, err)
			}
			continue
		}
		if err != nil || c.DrainDelay != tt.want {
			t.Errorf("DRAIN_DELAY=%q: %s, %v; want %s", tt.value, c.DrainDelay, err, tt.want)
		}
	}
}
