package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
)

func TestDBConfig(t *testing.T) {
	tests := []struct {
		max     string
		wantMax int32
		wantErr bool
	}{
		{"", defaultMaxConns(), false},
		{"12", 12, false},
		{"0", 0, true},
		{"1001", 0, true},
		{"many", 0, true},
	}
	for _, tt := range tests {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "DB_MAX_CONNS": tt.max}
		c, err := loadConfig(func(k string) string { return env[k] })
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "DB_MAX_CONNS") {
				t.Errorf("DB_MAX_CONNS=%q: err = %v, want one naming it", tt.max, err)
			}
			continue
		}
		if err != nil || c.DBMaxConns != tt.wantMax {
			t.Errorf("DB_MAX_CONNS=%q: %d, %v; want %d", tt.max, c.DBMaxConns, err, tt.wantMax)
		}
	}
}

// TestDBMaxConnsSetsThePool starts the portal with DB_MAX_CONNS and reads the pool's size, and
// the time requests waited for a connection, from /metrics.
func TestDBMaxConnsSetsThePool(t *testing.T) {
	p := startPortal(t, dbtest.URL(t), "DB_MAX_CONNS=3")
	client := &http.Client{Timeout: 30 * time.Second}
	if code, _, err := getStatus(client, p.url("/commitments/4.2")); err != nil || code != http.StatusOK {
		t.Fatalf("GET /commitments/4.2 = %d %v", code, err)
	}
	code, body, err := getStatus(client, p.url("/metrics"))
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET /metrics = %d %v", code, err)
	}
	for _, want := range []string{"portal_db_pool_max_conns 3\n", "portal_db_pool_empty_acquires_total ",
		"portal_db_pool_empty_acquire_wait_seconds_total ", "portal_db_pool_acquire_duration_seconds_total "} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
}
