package postgres_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/deploy"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
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
	partner := rp.user(tracker.RolePartner, "NES")
	const reviewers = 8
	var staff []*tracker.User
	for range reviewers {
		staff = append(staff, rp.user(tracker.RoleStaff, ""))
	}
	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Cohort 3 delayed."))
	c := rp.commitment("4.1")
	errs := race(reviewers, func(i int) error {
		_, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff[i]}, u.ID, u.Version, c.Version)
		return err
	})
	ok, conflicts, other := split(errs)
	if ok != 1 || len(conflicts) != reviewers-1 || len(other) > 0 {
		t.Fatalf("%d reviewers publishing one update through PgBouncer: %d succeeded, conflicts %q, other errors %v", reviewers, ok, conflicts, other)
	}
	for _, msg := range conflicts {
		if !strings.HasPrefix(msg, "This update has already been published by staff ") {
			t.Errorf("loser told %q", msg)
		}
	}
	if after := rp.commitment("4.1"); after.Version != c.Version+1 || after.Status != tracker.AtRisk {
		t.Errorf("commitment after the race: version %d (want %d), status %s", after.Version, c.Version+1, after.Status)
	}
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
