package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// storeAt returns a store over pool whose clock stands at now until the test moves it.
func storeAt(pool *pgxpool.Pool, now time.Time) (*postgres.Store, *clocktest.Clock) {
	c := clocktest.New(now)
	return postgres.New(pool, postgres.WithClock(c.Now)), c
}

// auditTimes returns when the audit log says each action on the record happened.
func auditTimes(t *testing.T, pool *pgxpool.Pool, recordType, recordID string) map[string]time.Time {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT action, at FROM audit_log WHERE record_type = $1 AND record_id = $2`,
		recordType, recordID)
	out := map[string]time.Time{}
	var action string
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&action, &at}, func() error { out[action] = at; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWritesAndTheAuditLogShareTheClock checks that with a fixed clock, the time a change stores
// and the time its audit entry records are the clock's, for closing a round and publishing an
// update.
func TestWritesAndTheAuditLogShareTheClock(t *testing.T) {
	t.Parallel()
	// Far from the real time, and to the microsecond, as PostgreSQL keeps it.
	at := time.Date(2031, 5, 14, 9, 30, 15, 123456000, time.UTC)
	rp := newReporting(t)
	rp.clock.Set(at)
	ctx := rp.ctx

	t.Run("close a round", func(t *testing.T) {
		r, err := rp.store.CreateRound(ctx, staffActor, tracker.Round{PlanID: rp.plan.ID, Name: "Q1 2031-32",
			Opens: time.Date(2031, 4, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2031, 6, 30, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if err := rp.store.CloseRound(ctx, staffActor, r.ID, r.Version, ""); err != nil {
			t.Fatal(err)
		}
		closed, err := rp.store.RoundByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if closed.ClosedAt == nil || !closed.ClosedAt.Equal(at) || !closed.CreatedAt.Equal(at) {
			t.Errorf("round closed at %v, created at %v; want both %v", closed.ClosedAt, closed.CreatedAt, at)
		}
		audited := auditTimes(t, rp.pool, "round", itoa(r.ID))
		for _, action := range []string{"round.create", "round.close"} {
			if got := audited[action]; !got.Equal(at) {
				t.Errorf("audit log has %s at %v, want %v", action, got, at)
			}
		}
	})

	t.Run("publish an update", func(t *testing.T) {
		partner := rp.user(tracker.RolePartner, "NES")
		staff := rp.user(tracker.RoleStaff, "")
		submitted := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.OnTrack, "Going well."))
		c := rp.commitment("4.1")
		published, err := rp.store.PublishUpdate(ctx, tracker.Actor{User: staff}, submitted.ID, submitted.Version, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		c = rp.commitment("4.1")
		if published.SubmittedAt == nil || !published.SubmittedAt.Equal(at) || published.PublishedAt == nil ||
			!published.PublishedAt.Equal(at) || !published.CreatedAt.Equal(at) {
			t.Errorf("update submitted %v, published %v, created %v; want all %v", published.SubmittedAt,
				published.PublishedAt, published.CreatedAt, at)
		}
		if c.LastPublishedAt == nil || !c.LastPublishedAt.Equal(at) {
			t.Errorf("commitment last published %v, want %v", c.LastPublishedAt, at)
		}
		updates := auditTimes(t, rp.pool, "update", itoa(submitted.ID))
		commitment := auditTimes(t, rp.pool, "commitment", itoa(c.ID))
		for action, got := range map[string]time.Time{"update.submit": updates["update.submit"],
			"update.publish": updates["update.publish"], "commitment.publish_update": commitment["commitment.publish_update"]} {
			if !got.Equal(at) {
				t.Errorf("audit log has %s at %v, want %v", action, got, at)
			}
		}
	})
	t.Run("edit a record", func(t *testing.T) {
		o, err := rp.store.OrganisationByCode(ctx, "NES")
		if err != nil {
			t.Fatal(err)
		}
		o.Name += " (renamed)"
		if _, err := rp.store.UpdateOrganisation(ctx, staffActor, o); err != nil {
			t.Fatal(err)
		}
		var updated time.Time
		if err := rp.pool.QueryRow(ctx, `SELECT updated_at FROM organisations WHERE id = $1`, o.ID).Scan(&updated); err != nil {
			t.Fatal(err)
		}
		if !updated.Equal(at) {
			t.Errorf("organisation updated at %v, want the clock's %v", updated, at)
		}
		if got := auditTimes(t, rp.pool, "organisation", itoa(o.ID))["organisation.update"]; !got.Equal(at) {
			t.Errorf("audit log has organisation.update at %v, want %v", got, at)
		}
	})
}
