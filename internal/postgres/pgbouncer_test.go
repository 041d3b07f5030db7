package postgres_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/deploy"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// TestPublishRaceThroughPgBouncer runs reviewers publishing one update at once through PgBouncer
// in transaction mode: exactly one wins, as on a direct connection.
func TestPublishRaceThroughPgBouncer(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Connect(t, deploy.PgBouncer(t, dbtest.URL(t)))
	store, clock := storeAt(pool, reportAt)
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rp := &reporting{t: t, ctx: ctx, pool: pool, store: store, clock: clock, plan: plan}
	publishRace(t, rp, " through PgBouncer")
}

// TestMigrateThroughPgBouncer migrates an empty database from three instances at once through
// PgBouncer in transaction mode, where a session's advisory lock would not hold.
func TestMigrateThroughPgBouncer(t *testing.T) {
	ctx := context.Background()
	url := deploy.PgBouncer(t, dbtest.EmptyURL(t))
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			pool, err := postgres.Open(ctx, url, postgres.Config{})
			if err != nil {
				errs <- err
				return
			}
			defer pool.Close()
			if err := postgres.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
				errs <- err
				return
			}
			errs <- postgres.ApplySettings(ctx, pool, postgres.Config{})
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	store := postgres.New(dbtest.Connect(t, url))
	if _, err := store.CurrentPlan(ctx); err != nil {
		t.Errorf("current plan after migrating through PgBouncer: %v", err)
	}
}
