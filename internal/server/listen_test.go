package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// queryCounter counts the queries a pool sends, alone or in batches.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchQuery counts each query of a batch (pgx.BatchTracer).
func (c *queryCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.n.Add(1)
}

func (c *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// instance is one portal server over a pool of its own.
type instance struct {
	url     string
	pool    *pgxpool.Pool
	watch   *server.VersionWatch
	queries *queryCounter
}

func startInstance(t *testing.T, ctx context.Context, dbURL string, listen bool) *instance {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{queries: &queryCounter{}, watch: server.NewVersionWatch()}
	cfg.ConnConfig.Tracer = in.queries
	if in.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.pool.Close)
	store := postgres.New(in.pool, postgres.WithClock(nowFunc(fixedNow)))
	if listen {
		go store.ListenDataVersion(ctx, "", in.watch.Heard, in.watch.Lost)
	}
	srv := httptest.NewServer(server.New(server.Config{Store: store, Now: nowFunc(fixedNow), Versions: in.watch}))
	t.Cleanup(srv.Close)
	in.url = srv.URL
	return in
}

func (in *instance) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(in.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// waitShows polls the page on the instance until it has want, and returns how long that took.
func (in *instance) waitShows(t *testing.T, path, want string, deadline time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if _, body := in.get(t, path); strings.Contains(body, want) {
			return time.Since(start)
		}
		if time.Since(start) > deadline {
			t.Fatalf("%s on %s does not show %q after %s", path, in.url, want, deadline)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestInstancesHearOfChanges runs three servers on one database, each listening for new data
// versions: pages served from their caches cost no query, and a change committed through one
// instance's pool shows on the other two within a second (PostgreSQL announces it at commit).
func TestInstancesHearOfChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL := dbtest.URL(t)
	var ins []*instance
	for range 3 {
		ins = append(ins, startInstance(t, ctx, dbURL, true))
	}
	for _, in := range ins {
		deadline := time.Now().Add(30 * time.Second)
		for !in.watch.Live() {
			if time.Now().After(deadline) {
				t.Fatal("the listener did not connect")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	const path = "/commitments/4.2"
	for _, in := range ins {
		if resp, _ := in.get(t, path); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		// Past the bound of a version read without a listener: only the listener can answer.
		time.Sleep(server.FallbackStaleness + 50*time.Millisecond)
		before := in.queries.n.Load()
		if resp, _ := in.get(t, path); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s again = %d", path, resp.StatusCode)
		}
		if n := in.queries.n.Load() - before; n != 0 {
			t.Errorf("a page served from the cache sent %d queries, want none", n)
		}
	}

	const changed = "Changed on the first instance."
	if _, err := ins[0].pool.Exec(ctx, `UPDATE commitments SET deliver = deliver || ' `+changed+`' WHERE ref = '4.2'`); err != nil {
		t.Fatal(err)
	}
	for _, in := range ins[1:] {
		if d := in.waitShows(t, path, changed, 10*time.Second); d > time.Second {
			t.Errorf("the change showed on another instance after %s, want within a second", d)
		}
	}
}

// TestVersionFallbackAndStalePages checks a server whose listener is not connected: a change
// shows within server.FallbackStaleness of the version being read, and when the database cannot
// be reached a page already rendered is served with its age instead of an error.
func TestVersionFallbackAndStalePages(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.URL(t)
	in := startInstance(t, ctx, dbURL, false)
	const path = "/commitments/4.2"
	if resp, _ := in.get(t, path); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	const changed = "Changed while nobody listens."
	if _, err := in.pool.Exec(ctx, `UPDATE commitments SET deliver = deliver || ' `+changed+`' WHERE ref = '4.2'`); err != nil {
		t.Fatal(err)
	}
	if d := in.waitShows(t, path, changed, 10*time.Second); d > server.FallbackStaleness+time.Second {
		t.Errorf("the change showed after %s, want within %s and the time to render", d, server.FallbackStaleness)
	}

	// The database goes away: the page is served from the cache, saying how old it is.
	in.pool.Close()
	time.Sleep(server.FallbackStaleness + 50*time.Millisecond)
	start := time.Now()
	resp, body := in.get(t, path)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Age") == "" || !strings.Contains(body, changed) ||
		!strings.Contains(body, "We cannot check for changes at the moment") {
		t.Errorf("GET %s with the database gone = %d, Age %q; want 200, an Age and the stored page with a notice",
			path, resp.StatusCode, resp.Header.Get("Age"))
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the stored page took %s, want no stall", d)
	}
	if resp, _ := in.get(t, "/commitments/4.3"); resp.StatusCode == http.StatusOK {
		t.Errorf("GET a page never rendered with the database gone = %d, want an error", resp.StatusCode)
	}
}
