package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestUnreachableDatabaseIsUnavailable checks that every kind of call to a store whose database
// cannot be reached, reads, writes and the checks the server makes on every request alike, fails
// with tracker.EUNAVAILABLE, and that the connection error stays in the chain.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Nothing listens on port 1.
	pool, err := postgres.Open(ctx, "postgres://portal@127.0.0.1:1/tracker?sslmode=disable", postgres.Config{ConnectTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := postgres.New(pool)
	calls := map[string]func() error{
		"Ping":        func() error { return store.Ping(ctx) },
		"DataVersion": func() error { _, err := store.DataVersion(ctx); return err },
		"CurrentPlan": func() error { _, err := store.CurrentPlan(ctx); return err },
		"Commitments": func() error { _, err := store.Commitments(ctx, postgres.CommitmentFilter{}); return err },
		"UpdatePlan": func() error {
			_, err := store.UpdatePlan(ctx, staffActor, tracker.Plan{ID: 1, Slug: "x", Version: 1})
			return err
		},
		"CreateOrganisation": func() error {
			_, err := store.CreateOrganisation(ctx, staffActor, tracker.Organisation{Code: "X", Name: "X"})
			return err
		},
		"Audit": func() error { return store.Audit(ctx, staffActor, postgres.AuditEntry{Action: "test"}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if got := tracker.ErrorCode(err); got != tracker.EUNAVAILABLE {
				t.Fatalf("code = %q, want %q (err %v)", got, tracker.EUNAVAILABLE, err)
			}
			var connectErr *pgconn.ConnectError
			if !errors.As(err, &connectErr) {
				t.Errorf("%v does not hold the connection error", err)
			}
		})
	}
}

// TestStatementTimeoutIsUnavailable checks that a write that waits past the statement timeout,
// or past its context's deadline, for a row another transaction holds fails with
// tracker.EUNAVAILABLE, and changes nothing.
func TestStatementTimeoutIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	holder := dbtest.Connect(t, url)
	pool, err := postgres.Open(ctx, url, postgres.Config{StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.ApplySettings(ctx, pool, postgres.Config{StatementTimeout: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool)
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Another transaction holds the plan's row.
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT 1 FROM plans WHERE id = $1 FOR UPDATE`, plan.ID); err != nil {
		t.Fatal(err)
	}

	changed := plan
	changed.Title = "Changed"
	_, err = store.UpdatePlan(ctx, staffActor, changed)
	var pgErr *pgconn.PgError
	if tracker.ErrorCode(err) != tracker.EUNAVAILABLE || !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Errorf("UpdatePlan past the statement timeout = %v, want EUNAVAILABLE from 57014", err)
	}

	deadline, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	err = store.MakeCurrent(deadline, staffActor, plan.ID, plan.Version, "")
	if tracker.ErrorCode(err) != tracker.EUNAVAILABLE || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("MakeCurrent past its deadline = %v, want EUNAVAILABLE from the deadline", err)
	}

	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := store.PlanByID(ctx, plan.ID); err != nil || got.Title != plan.Title || got.Version != plan.Version {
		t.Errorf("after the timeouts the plan is %+v, %v; want it unchanged", got, err)
	}
}

// TestTerminatedConnectionIsUnavailable checks that a query on a connection the server ends, as
// it does when it shuts down, fails with tracker.EUNAVAILABLE.
func TestTerminatedConnectionIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	admin := dbtest.Connect(t, url)
	// One connection, never checked before it is handed out, so that the query meets the
	// connection the server ended.
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	pc.MaxConns = 1
	pc.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := postgres.New(pool)
	var pid int32
	if err := pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	var ended bool
	if err := admin.QueryRow(ctx, `SELECT pg_terminate_backend($1, 5000)`, pid).Scan(&ended); err != nil || !ended {
		t.Fatalf("terminate backend %d: %v, %v", pid, ended, err)
	}
	_, err = store.DataVersion(ctx)
	if tracker.ErrorCode(err) != tracker.EUNAVAILABLE {
		t.Errorf("DataVersion on a terminated connection = %v, want EUNAVAILABLE", err)
	}
	// The pool then replaces the broken connection by itself.
	if _, err := store.DataVersion(ctx); err != nil {
		t.Errorf("DataVersion after the pool recovered = %v", err)
	}
}

// TestViolationsNameRealConstraints checks that every constraint whose violation the store turns
// into words exists under that name.
func TestViolationsNameRealConstraints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	for _, name := range postgres.ViolationConstraints() {
		var n int
		err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_constraint WHERE conname = $1) +
			(SELECT count(*) FROM pg_indexes WHERE indexname = $1 AND indexdef LIKE 'CREATE UNIQUE%')`, name).Scan(&n)
		if err != nil || n == 0 {
			t.Errorf("constraint %s: %d found, %v", name, n, err)
		}
	}
}
