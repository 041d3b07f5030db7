package server_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// readCounter counts the queries a pool sends, alone or in batches, leaving out a Replica's
// health checks.
type readCounter struct{ n atomic.Int64 }

func (c *readCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if !strings.Contains(d.SQL, "pg_last_wal_replay_lsn") {
		c.n.Add(1)
	}
	return ctx
}

func (c *readCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchQuery counts each query of a batch (pgx.BatchTracer), as pages send several at once.
func (c *readCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if !strings.Contains(d.SQL, "pg_last_wal_replay_lsn") {
		c.n.Add(1)
	}
}

func (c *readCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *readCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// replicated is a primary with a streaming replica made by pg_basebackup, both on a cluster of
// the test's own, and pools on each, as the serving role, that count their queries.
type replicated struct {
	standby          *pgdev.Cluster
	standbySuperuser string // the test database on the standby, as the superuser
	servingURL       string // the test database on the primary, as the serving role
	primary, replica *postgres.Store
	primaryReads     *readCounter
	replicaReads     *readCounter
	watch            *server.VersionWatch
}

func newReplicated(t *testing.T, ctx context.Context) *replicated {
	t.Helper()
	cluster := dbtest.NewCluster(t)
	dbURL := dbtest.NewDatabase(t, cluster.DatabaseURL("postgres"))
	standby, err := cluster.NewStandby(ctx, filepath.Join(t.TempDir(), "standby"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = standby.Kill(context.Background()) })
	rp := &replicated{standby: standby, servingURL: dbtest.ServingURL(t, dbURL),
		primaryReads: &readCounter{}, replicaReads: &readCounter{}, watch: server.NewVersionWatch()}
	u, err := url.Parse(rp.servingURL)
	if err != nil {
		t.Fatal(err)
	}
	rp.standbySuperuser = standby.DatabaseURL(strings.TrimPrefix(u.Path, "/"))
	u.Host = "127.0.0.1:" + strconv.Itoa(standby.Port())
	rp.primary = postgres.New(countedPool(t, ctx, rp.servingURL, rp.primaryReads), postgres.WithClock(nowFunc(fixedNow)))
	rp.replica = postgres.New(countedPool(t, ctx, u.String(), rp.replicaReads), postgres.WithClock(nowFunc(fixedNow)))
	// The listener has a connection of its own, outside the counted pool.
	go rp.primary.ListenDataVersion(ctx, rp.servingURL, rp.watch.Heard, rp.watch.Lost)
	waitFor(t, "the listener to connect", rp.watch.Live)
	return rp
}

func countedPool(t *testing.T, ctx context.Context, dbURL string, c *readCounter) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = c
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// app returns a portal reading from the replica, skipped beyond maxLag.
func (rp *replicated) app(t *testing.T, ctx context.Context, maxLag time.Duration) *testApp {
	t.Helper()
	replica := server.NewReplica(rp.replica, maxLag, nil)
	go replica.Run(ctx)
	a := &testApp{Pool: rp.primary.Pool(), Store: rp.primary, clock: clocktest.New(fixedNow)}
	a.Config = server.Config{Store: rp.primary, Replica: replica, Versions: rp.watch, BaseURL: "http://example.com",
		Now: a.clock.Now, Password: password.Fast, ServeMetrics: true}
	a.Handler = server.New(a.Config)
	return a
}

// onStandby runs a query on the standby as the superuser, and returns the text of its one value.
func (rp *replicated) onStandby(t *testing.T, ctx context.Context, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, rp.standbySuperuser)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var out string
	if err := conn.QueryRow(ctx, `SELECT coalesce((`+sql+`)::text, '')`).Scan(&out); err != nil {
		t.Fatalf("%s on the standby: %v", sql, err)
	}
	return out
}

// readsFrom serves an anonymous GET of path and says which databases it read from.
func (rp *replicated) readsFrom(t *testing.T, h http.Handler, path string) (primary, replica bool, body string) {
	t.Helper()
	p, r := rp.primaryReads.n.Load(), rp.replicaReads.n.Load()
	rec := request(h, path)
	if rec.Code != http.StatusOK {
		t.Fatalf("anonymous GET %s = %d, want 200", path, rec.Code)
	}
	return rp.primaryReads.n.Load() > p, rp.replicaReads.n.Load() > r, rec.Body.String()
}

// metric returns the value of an unlabelled metric at /metrics.
func metric(t *testing.T, h http.Handler, name string) float64 {
	t.Helper()
	rec := request(h, "/metrics")
	sc := bufio.NewScanner(strings.NewReader(rec.Body.String()))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// waitFor polls until cond holds, for at most a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func inUse(t *testing.T, h http.Handler) func() bool {
	return func() bool { return metric(t, h, "portal_db_replica_in_use") == 1 }
}

// TestReadReplica serves the portal from a primary and a streaming replica of it: anonymous
// pages, downloads and feeds read from the replica, and nothing else does; a replica that lags
// beyond MAX_REPLICA_LAG, or has not replayed the latest publish, is skipped until it catches
// up, so the publish shows at once; and a replica that stops is skipped without a failed page.
func TestReadReplica(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rp := newReplicated(t, ctx)
	// The version decides here, not the lag: see "lagging beyond MAX_REPLICA_LAG" for the lag.
	app := rp.app(t, ctx, time.Hour)
	waitFor(t, "the replica to be used", inUse(t, app))

	t.Run("anonymous pages, downloads and feeds read from the replica", func(t *testing.T) {
		for _, path := range []string{"/", "/commitments/4.2", "/priorities/digital-skills-and-leadership",
			"/organisations/NES", "/commitments?q=workforce", "/data", "/commitments.csv", "/updates.json",
			"/updates.atom", "/commitments/4.2/updates.atom"} {
			primary, replica, _ := rp.readsFrom(t, app, path)
			if primary || !replica {
				t.Errorf("anonymous GET %s read from the primary %v, the replica %v; want the replica alone", path, primary, replica)
			}
		}
		if got := metric(t, app, "portal_db_read_pool_acquires_total"); got == 0 {
			t.Error("/metrics shows no connection acquired from the read pool")
		}
	})

	t.Run("signed-in pages and writes use the primary", func(t *testing.T) {
		before := rp.replicaReads.n.Load()
		staff := signIn(t, app, tracker.RoleStaff, "")
		for _, path := range []string{"/", "/commitments/4.2", "/commitments?q=workforce", "/updates.atom", "/report/4.2"} {
			if rec, _ := staff.get(path); rec.Code != http.StatusOK {
				t.Errorf("staff GET %s = %d", path, rec.Code)
			}
		}
		mustRedirect(t, "publish", staff.post("/report/4.2", with(staff.openForm("4.2"), "action", "publish",
			"status", "on_track", "narrative", "Published while the replica keeps up.")), "/commitments/4.2")
		if n := rp.replicaReads.n.Load() - before; n != 0 {
			t.Errorf("signing in, signed-in pages and a publish sent %d queries to the replica, want none", n)
		}
	})

	t.Run("lagging beyond MAX_REPLICA_LAG", func(t *testing.T) {
		tight := rp.app(t, ctx, time.Millisecond)
		// The lag is the age of the last transaction replayed: have one replayed first.
		createUser(t, app, tracker.RoleStaff, "")
		waitFor(t, "a transaction to be replayed", func() bool {
			return rp.onStandby(t, ctx, `SELECT pg_last_xact_replay_timestamp() IS NOT NULL`) == "true"
		})
		waitFor(t, "the replica to catch up", inUse(t, app))
		waitFor(t, "the replica to be used with a tight bound", inUse(t, tight))
		rp.onStandby(t, ctx, `SELECT 'paused' FROM (SELECT pg_wal_replay_pause()) p`)
		waitFor(t, "replay to pause", func() bool {
			return rp.onStandby(t, ctx, `SELECT pg_get_wal_replay_pause_state()`) == "paused"
		})
		// A change the public does not see: the replica falls behind, at the same data version.
		createUser(t, app, tracker.RolePartner, "NES")
		waitFor(t, "the lag to pass the tight bound", func() bool {
			return metric(t, tight, "portal_db_replica_lag_seconds") > 0.001 && metric(t, tight, "portal_db_replica_in_use") == 0
		})
		if primary, replica, _ := rp.readsFrom(t, tight, "/commitments/4.3"); !primary || replica {
			t.Errorf("beyond its bound: read from the primary %v, the replica %v; want the primary alone", primary, replica)
		}
		if primary, replica, _ := rp.readsFrom(t, app, "/commitments/4.4"); primary || !replica {
			t.Errorf("within its bound: read from the primary %v, the replica %v; want the replica alone", primary, replica)
		}
	})

	t.Run("a replica behind the latest publish is skipped until it catches up", func(t *testing.T) {
		const narrative = "Published while replay is paused."
		staff := signIn(t, app, tracker.RoleStaff, "")
		mustRedirect(t, "publish", staff.post("/report/4.2", with(staff.openForm("4.2"), "action", "publish",
			"status", "delayed", "narrative", narrative)), "/commitments/4.2")
		// The instance hears of the publish from the primary within milliseconds (as every
		// instance does); from then on the replica, which has not replayed it, is not used.
		waitFor(t, "the instance to hear of the publish", func() bool { return !inUse(t, app)() })
		primary, replica, body := rp.readsFrom(t, app, "/commitments/4.2")
		if !strings.Contains(body, narrative) {
			t.Error("the public page does not show the publish the replica has not replayed")
		}
		if !primary || replica {
			t.Errorf("read from the primary %v, the replica %v; want the primary alone", primary, replica)
		}
		if got := rp.onStandby(t, ctx, `SELECT pg_get_wal_replay_pause_state()`); got != "paused" {
			t.Fatalf("replay is %s, want paused: the test proves nothing", got)
		}

		rp.onStandby(t, ctx, `SELECT 'resumed' FROM (SELECT pg_wal_replay_resume()) p`)
		waitFor(t, "the replica to be used again", inUse(t, app))
		primary, replica, body = rp.readsFrom(t, app, "/commitments/4.2/updates.atom")
		if !strings.Contains(body, narrative) {
			t.Error("the feed read from the replica lacks the publish")
		}
		if primary || !replica {
			t.Errorf("caught up: read from the primary %v, the replica %v; want the replica alone", primary, replica)
		}
	})

	t.Run("a stopped replica is skipped", func(t *testing.T) {
		if err := rp.standby.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		// The first read finds it gone and is made again from the primary: no page fails.
		for _, path := range []string{"/commitments/4.2/updates.atom", "/plans/2023-24/commitments/4.3",
			"/commitments?q=digital", "/updates.atom"} {
			if primary, _, _ := rp.readsFrom(t, app, path); !primary {
				t.Errorf("GET %s with the replica stopped did not read from the primary", path)
			}
		}
		if rec := request(app, "/readyz"); rec.Code != http.StatusOK {
			t.Errorf("/readyz = %d with the replica stopped, want 200: the primary serves", rec.Code)
		}
		waitFor(t, "the check to find the replica down", func() bool { return metric(t, app, "portal_db_replica_up") == 0 })
		if got := metric(t, app, "portal_db_replica_in_use"); got != 0 {
			t.Errorf("portal_db_replica_in_use = %v with the replica stopped, want 0", got)
		}
	})
}
