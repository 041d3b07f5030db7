package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
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

func TestReplicaConfig(t *testing.T) {
	tests := []struct {
		env     map[string]string
		wantURL string
		wantMax int32
		wantLag time.Duration
		wantErr string
	}{
		{env: map[string]string{}, wantMax: defaultMaxConns(), wantLag: 5 * time.Second},
		{env: map[string]string{"DATABASE_READ_URL": "postgres://replica/x", "DB_READ_MAX_CONNS": "7", "MAX_REPLICA_LAG": "500ms"},
			wantURL: "postgres://replica/x", wantMax: 7, wantLag: 500 * time.Millisecond},
		{env: map[string]string{"DB_READ_MAX_CONNS": "0"}, wantErr: "DB_READ_MAX_CONNS"},
		{env: map[string]string{"MAX_REPLICA_LAG": "0"}, wantErr: "MAX_REPLICA_LAG"},
		{env: map[string]string{"MAX_REPLICA_LAG": "soon"}, wantErr: "MAX_REPLICA_LAG"},
	}
	for _, tt := range tests {
		tt.env["DATABASE_URL"] = "postgres://localhost/x"
		c, err := loadConfig(func(k string) string { return tt.env[k] })
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err = %v, want one naming %s", tt.env, err, tt.wantErr)
			}
			continue
		}
		if err != nil || c.ReadDatabaseURL != tt.wantURL || c.DBReadMaxConns != tt.wantMax || c.MaxReplicaLag != tt.wantLag {
			t.Errorf("%v: %q %d %s, %v; want %q %d %s", tt.env, c.ReadDatabaseURL, c.DBReadMaxConns, c.MaxReplicaLag, err,
				tt.wantURL, tt.wantMax, tt.wantLag)
		}
	}
}

// TestServeWithAReadReplica starts the portal with DATABASE_READ_URL naming a streaming replica
// made with pg_basebackup: it checks the replica and uses it, with a read pool of
// DB_READ_MAX_CONNS, and shows both in /metrics. Which requests read from it is
// TestReadReplica's (internal/server).
func TestServeWithAReadReplica(t *testing.T) {
	cluster := dbtest.NewCluster(t)
	dbURL := dbtest.NewDatabase(t, cluster.DatabaseURL("postgres"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	standby, err := cluster.NewStandby(ctx, filepath.Join(t.TempDir(), "standby"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = standby.Kill(context.Background()) })
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = "127.0.0.1:" + strconv.Itoa(standby.Port())
	p := startPortal(t, dbURL, "DATABASE_READ_URL="+u.String(), "DB_READ_MAX_CONNS=3", "MAX_REPLICA_LAG=2s")
	client := &http.Client{Timeout: 30 * time.Second}
	metrics := func() string {
		t.Helper()
		code, body, err := getStatus(client, p.url("/metrics"))
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET /metrics = %d %v", code, err)
		}
		return body
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(metrics(), "portal_db_replica_in_use 1\n") {
		if time.Now().After(deadline) {
			t.Fatalf("the replica is not in use after a minute:\n%s", p.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, _, err := getStatus(client, p.url("/commitments/4.2")); err != nil || code != http.StatusOK {
		t.Fatalf("GET /commitments/4.2 = %d %v", code, err)
	}
	body := metrics()
	for _, want := range []string{"portal_db_read_pool_max_conns 3\n", "portal_db_replica_up 1\n", "portal_db_replica_lag_seconds ",
		"portal_db_read_pool_empty_acquire_wait_seconds_total ", "portal_db_pool_empty_acquire_wait_seconds_total "} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
	if len(p.logged("anonymous public pages, downloads and feeds read from the replica while it is healthy")) != 1 {
		t.Errorf("the portal did not log that it reads from the replica:\n%s", p.log())
	}
}
