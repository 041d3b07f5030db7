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
		max, readMax string
		wantMax      int32
		wantReadMax  int32
		wantErr      string
	}{
		{"", "", defaultMaxConns(), defaultMaxConns(), ""},
		{"12", "", 12, 12, ""},
		{"12", "30", 12, 30, ""},
		{"0", "", 0, 0, "DB_MAX_CONNS"},
		{"many", "", 0, 0, "DB_MAX_CONNS"},
		{"5", "-1", 0, 0, "DB_READ_MAX_CONNS"},
	}
	for _, tt := range tests {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "DB_MAX_CONNS": tt.max, "DB_READ_MAX_CONNS": tt.readMax}
		c, err := loadConfig(func(k string) string { return env[k] })
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DB_MAX_CONNS=%q DB_READ_MAX_CONNS=%q: err = %v, want one naming %s", tt.max, tt.readMax, err, tt.wantErr)
			}
			continue
		}
		if err != nil || c.DBMaxConns != tt.wantMax || c.DBReadMaxConns != tt.wantReadMax {
			t.Errorf("DB_MAX_CONNS=%q DB_READ_MAX_CONNS=%q: %d, %d, %v; want %d, %d", tt.max, tt.readMax,
				c.DBMaxConns, c.DBReadMaxConns, err, tt.wantMax, tt.wantReadMax)
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
