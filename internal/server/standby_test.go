package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// TestReadyzFailsOnAStandby points a server at a streaming replica made with pg_basebackup:
// /readyz fails, since the portal cannot write there, while on the primary it succeeds.
func TestReadyzFailsOnAStandby(t *testing.T) {
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
	for _, tt := range []struct {
		name, url string
		want      int
	}{
		{"primary", dbURL, http.StatusOK},
		{"standby", u.String(), http.StatusServiceUnavailable},
	} {
		pool := dbtest.Connect(t, tt.url)
		var inRecovery bool
		if err := pool.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&inRecovery); err != nil || inRecovery != (tt.name == "standby") {
			t.Fatalf("the %s: in recovery %v, %v", tt.name, inRecovery, err)
		}
		store := postgres.New(pool)
		srv := httptest.NewServer(server.New(server.Config{Store: store}))
		resp, err := http.Get(srv.URL + "/readyz")
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET /readyz on the %s = %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
}
