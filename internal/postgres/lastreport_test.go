package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// checkLastReports fails the test unless every commitment's kept latest report
// (commitment_last_reports) is its latest published update as publishedOrder finds it among
// all of its updates, with that update's time, period and organisation, and commitments with no
// published update have none.
func checkLastReports(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT c.ref, lr.update_id, latest.id
		FROM commitments c
		LEFT JOIN commitment_last_reports lr ON lr.commitment_id = c.id
		LEFT JOIN LATERAL (SELECT u.id FROM updates u WHERE u.commitment_id = c.id AND u.state = 'published'
			ORDER BY u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST,
			         u.source_period DESC NULLS LAST, u.id DESC LIMIT 1) latest ON true
		LEFT JOIN updates u ON u.id = lr.update_id
		WHERE lr.update_id IS DISTINCT FROM latest.id
		   OR (lr.update_id IS NOT NULL AND (lr.published_at IS DISTINCT FROM u.published_at
		       OR lr.source_period IS DISTINCT FROM u.source_period OR lr.organisation_id IS DISTINCT FROM u.organisation_id))`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref string
		var kept, latest *int64
		if err := rows.Scan(&ref, &kept, &latest); err != nil {
			t.Fatal(err)
		}
		t.Errorf("commitment %s keeps update %v as its latest report, but its latest published update is %v "+
			"(or it keeps another time, period or organisation than the update's)", ref, deref64(kept), deref64(latest))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func deref64(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}

// TestLastReportKeptByWrites: the "Last reported" line of a commitment follows each write that
// publishes an update, and no other: drafts, submissions, returns and corrections leave it, as
// do the commitment's own edits and retirement. Updates written straight into the table, as
// imports and older plans' reports are, count too.
func TestLastReportKeptByWrites(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	checkLastReports(t, rp.pool) // the migration's backfill of the seed plan
	partner := rp.user(tracker.RolePartner, "NES")
	staff := rp.user(tracker.RoleStaff, "")
	nes, err := rp.store.OrganisationByCode(rp.ctx, "NES")
	if err != nil {
		t.Fatal(err)
	}
	seeded := rp.commitment("4.1").Reported
	if seeded == nil || seeded.Period != "2025-26" || seeded.At != nil {
		t.Fatalf("4.1 reported before = %+v, want the 2025-26 plan", seeded)
	}
	unchanged := func(step string) {
		t.Helper()
		if r := rp.commitment("4.1").Reported; r == nil || *r != *seeded {
			t.Errorf("after %s, 4.1 reported = %+v, want %+v", step, r, seeded)
		}
		checkLastReports(t, rp.pool)
	}

	rp.mustSave(partner, "4.1", tracker.ActionDraft, report(tracker.AtRisk, "Teh first go."))
	unchanged("a draft")
	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Teh cohort starts in June."))
	unchanged("a submission")
	returned, err := rp.store.ReturnUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, "Say which cohort.")
	if err != nil {
		t.Fatal(err)
	}
	_ = returned
	unchanged("a return")
	u = rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Teh third cohort starts in June."))
	fields, errs := tracker.ParseCorrection(tracker.CorrectionInput{Narrative: "The third cohort starts in June."}, u)
	if errs != nil {
		t.Fatal(errs)
	}
	corrected, err := rp.store.CorrectUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, fields)
	if err != nil {
		t.Fatal(err)
	}
	unchanged("a correction")

	before := rp.commitment("4.1")
	if _, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, corrected.ID, corrected.Version, before.Version); err != nil {
		t.Fatal(err)
	}
	if r := rp.commitment("4.1").Reported; r == nil || r.At == nil || !r.At.Equal(reportAt) || r.By != nes.Name || r.Period != "" {
		t.Errorf("4.1 reported after publishing = %+v, want NES at %s", r, reportAt)
	}
	checkLastReports(t, rp.pool)

	// Staff publishing themselves, later: the newer update is the latest, by no organisation.
	later := reportAt.Add(48 * time.Hour)
	rp.clock.Set(later)
	rp.mustSave(staff, "4.1", tracker.ActionPublish, report(tracker.Delayed, "Now in July."))
	if r := rp.commitment("4.1").Reported; r == nil || r.At == nil || !r.At.Equal(later) || r.By != "" {
		t.Errorf("4.1 reported after staff published = %+v, want staff at %s", r, later)
	}
	checkLastReports(t, rp.pool)

	// A published plan's report written straight into the table, as an import does.
	if _, err := rp.pool.Exec(rp.ctx, `INSERT INTO updates (commitment_id, state, status, narrative, source_title, source_period)
		VALUES ($1, 'published', 'on_track', 'From the 2026-27 plan.', 'Delivery Plan 2026-27', '2026-27')`, rp.commitment("4.3").ID); err != nil {
		t.Fatal(err)
	}
	if r := rp.commitment("4.3").Reported; r == nil || r.Period != "2026-27" || r.At != nil {
		t.Errorf("4.3 reported after a newer plan's report = %+v, want the 2026-27 plan", r)
	}
	checkLastReports(t, rp.pool)

	// Editing and retiring the commitment leave its history, and its latest report, as they were.
	c := rp.commitment("4.1")
	c.Deliver += " (reworded)"
	if _, err := rp.store.UpdateCommitment(rp.ctx, tracker.Actor{User: staff}, c); err != nil {
		t.Fatal(err)
	}
	if r := rp.commitment("4.1").Reported; r == nil || r.At == nil || !r.At.Equal(later) {
		t.Errorf("4.1 reported after an edit = %+v", r)
	}
	c = rp.commitment("4.1")
	if err := rp.store.RetireCommitment(rp.ctx, tracker.Actor{User: staff}, c.ID, c.Version, ""); err != nil {
		t.Fatal(err)
	}
	checkLastReports(t, rp.pool)
}

// TestLastReportOfCarriedForward: carrying a commitment forward publishes an update on the old
// commitment, which becomes its latest report; the copy has the history of its own, none yet.
func TestLastReportOfCarriedForward(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	old, _, _ := seedPlan(t, store)
	staff, err := store.CreateUser(ctx, staffActor, postgres.NewUser{Email: "staff@example.scot", Name: "Staff", Role: tracker.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	published := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	next, err := store.CreatePlan(ctx, staffActor, postgres.NewPlan{
		Plan:       tracker.Plan{Slug: "2024-25", Title: "Care in the Digital Age: Delivery Plan 2024-25", Period: "2024-25", PublishedOn: &published},
		PreviousID: old.ID, CopyPriorities: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	c41, err := store.CommitmentByRef(ctx, old.ID, "4.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CarryForward(ctx, tracker.Actor{User: &staff}, next.ID, []int64{c41.ID}); err != nil {
		t.Fatal(err)
	}
	for _, plan := range []tracker.Plan{old, next} {
		c, err := store.CommitmentByRef(ctx, plan.ID, "4.1")
		if err != nil {
			t.Fatal(err)
		}
		history, err := store.PublishedUpdates(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if plan.ID == next.ID {
			if len(history) != 0 || c.Reported != nil {
				t.Errorf("the copy of 4.1 reported = %+v, history %+v, want none", c.Reported, history)
			}
			continue
		}
		if r := c.Reported; len(history) == 0 || r == nil || r.At == nil || history[0].PublishedAt == nil || !r.At.Equal(*history[0].PublishedAt) {
			t.Errorf("4.1 in %s reported = %+v, want its carried forward update %+v", plan.Slug, r, history[0])
		}
	}
	checkLastReports(t, pool)
}
