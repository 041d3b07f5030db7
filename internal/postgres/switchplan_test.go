package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// nextPlan creates the 2024-25 plan after the seeded one, with its priority areas, published on
// the day given (none for nil), and a member of staff to act in it.
func nextPlan(t *testing.T, store *postgres.Store, published *time.Time) (old, next tracker.Plan, as tracker.Actor) {
	t.Helper()
	ctx := context.Background()
	old, _, _ = seedPlan(t, store)
	staff, err := store.CreateUser(ctx, staffActor, postgres.NewUser{Email: "staff@example.scot", Name: "Staff", Role: tracker.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	next, err = store.CreatePlan(ctx, staffActor, postgres.NewPlan{PreviousID: old.ID, CopyPriorities: true,
		Plan: tracker.Plan{Slug: "2024-25", Title: "Care in the Digital Age: Delivery Plan 2024-25", Period: "2024-25", PublishedOn: published}})
	if err != nil {
		t.Fatal(err)
	}
	return old, next, tracker.Actor{User: &staff}
}

// TestCarryForwardKeepsStatus checks that a commitment carried forward takes the status last
// published on it, and that the original says where it went in one sentence.
func TestCarryForwardKeepsStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, _ := storeAt(dbtest.Pool(t), time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	old, next, as := nextPlan(t, store, nil)
	c41, _ := store.CommitmentByRef(ctx, old.ID, "4.1")
	c45, _ := store.CommitmentByRef(ctx, old.ID, "4.5")
	mark, err := store.SubmissionMark(ctx, c41.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveReport(ctx, as, postgres.ReportWrite{CommitmentID: c41.ID, Action: tracker.ActionPublish,
		Report: tracker.Report{Status: tracker.AtRisk, Narrative: "Recruitment is slow."},
		Base:   tracker.ReportBase{Version: c41.Version, Seen: mark}}); err != nil {
		t.Fatal(err)
	}
	// A partner's update on 4.5, submitted before the carry forward and published after it.
	var late int64
	if err := store.Pool().QueryRow(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, submitted_at, submission)
		VALUES ($1, 'submitted', 'delayed', 'Waiting for funding.', $2, nextval('updates_submission_seq')) RETURNING id`,
		c45.ID, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)).Scan(&late); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CarryForward(ctx, as, next.ID, []int64{c41.ID, c45.ID}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ref  string
		want tracker.Status
	}{{"4.1", tracker.AtRisk}, {"4.5", c45.Status}} {
		c, err := store.CommitmentByRef(ctx, next.ID, tt.ref)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != tt.want {
			t.Errorf("carried forward %s has status %s, want %s, the last published on the original", tt.ref, c.Status, tt.want)
		}
	}
	was45, _ := store.CommitmentByRef(ctx, old.ID, "4.5")
	if _, err := store.PublishUpdate(ctx, as, late, 1, was45.Version); err != nil {
		t.Fatal(err)
	}
	was45, _ = store.CommitmentByRef(ctx, old.ID, "4.5")
	new45, _ := store.CommitmentByRef(ctx, next.ID, "4.5")
	if was45.Status != tracker.CarriedForward || new45.Status != tracker.Delayed {
		t.Errorf("after a late update on old 4.5: old is %s, new is %s; want carried_forward and delayed", was45.Status, new45.Status)
	}
	history, err := store.PublishedUpdates(ctx, c41.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) < 2 || history[0].Status != tracker.CarriedForward || history[1].Status != tracker.AtRisk {
		t.Fatalf("old 4.1's history = %+v, want the carried forward update over the At risk one", history)
	}
	carriedTo, reason, narrative := history[0].Sentences()
	if carriedTo != "" || narrative != "" || reason != "Carried forward to Care in the Digital Age: Delivery Plan 2024-25 as commitment 4.1." {
		t.Errorf("the carried forward update says %q, %q, %q; want one sentence", carriedTo, reason, narrative)
	}
}

// TestSwitchPlan makes the next plan current: refused without a publication date; the preview
// lists the rounds and updates in progress it leaves behind; the rounds stay open unless closed
// on purpose, with the reason in the audit log.
func TestSwitchPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store, _ := storeAt(pool, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	old, next, as := nextPlan(t, store, nil)
	_, _, orgs := seedPlan(t, store)
	round, err := store.CreateRound(ctx, staffActor, tracker.Round{PlanID: old.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	c43, _ := store.CommitmentByRef(ctx, old.ID, "4.3")
	if _, err := pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, organisation_id, submitted_at, returned_at, review_note)
		VALUES ($1, 'returned', 'on_track', 'Half the boards are live.', $2, $3, $3, 'Say which boards.')`,
		c43.ID, orgs["NES"].ID, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}

	err = store.SwitchPlan(ctx, as, next.ID, next.Version, "Published", true)
	if tracker.ErrorCode(err) != tracker.EINVALID || tracker.ErrorMessage(err) != next.Title+" "+tracker.MsgNoPublicationDate {
		t.Fatalf("making a plan with no publication date current = %v, want it refused", err)
	}
	if current, _ := store.CurrentPlan(ctx); current.ID != old.ID {
		t.Errorf("after the refusal the current plan is %s", current.Slug)
	}

	preview, err := store.SwitchPreview(ctx, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(preview.OpenRounds) != 1 || preview.OpenRounds[0].ID != round.ID {
		t.Errorf("open rounds = %+v, want Q3 2026-27", preview.OpenRounds)
	}
	if len(preview.InProgress) != 1 || preview.InProgress[0].CommitmentRef != "4.3" || preview.InProgress[0].State != tracker.StateReturned ||
		preview.InProgress[0].OrganisationCode != "NES" || preview.InProgress[0].PlanID != old.ID {
		t.Errorf("in progress = %+v, want NES's returned update on 2023-24's 4.3", preview.InProgress)
	}

	published := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	next.PublishedOn = &published
	if next, err = store.UpdatePlan(ctx, as, next); err != nil {
		t.Fatal(err)
	}
	// Without closing: the round stays open and partners still report in it.
	if err := store.SwitchPlan(ctx, as, next.ID, next.Version, "The 2024-25 plan is published", false); err != nil {
		t.Fatal(err)
	}
	if r, err := store.OpenRound(ctx, old.ID); err != nil || r.ID != round.ID {
		t.Errorf("2023-24's round after a switch that keeps it = %+v, %v", r, err)
	}
	// Back, and forward again closing the rounds on purpose.
	old, _ = store.PlanBySlug(ctx, old.Slug)
	if err := store.SwitchPlan(ctx, as, old.ID, old.Version, "Back", false); err != nil {
		t.Fatal(err)
	}
	next, _ = store.PlanBySlug(ctx, next.Slug)
	if err := store.SwitchPlan(ctx, as, next.ID, next.Version, "Closing the year", true); err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenRound(ctx, old.ID); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("2023-24's round after a switch that closes it: %v, want closed", err)
	}
	var reasons []string
	rows, _ := pool.Query(ctx, `SELECT details->>'reason' FROM audit_log WHERE action = 'round.close' AND record_id = $1`, postgres.RecordRef(round.ID))
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		reasons = append(reasons, s)
	}
	if !slices.Equal(reasons, []string{"Closing the year"}) {
		t.Errorf("round.close audited with reasons %q, want the switch's", reasons)
	}
	// The returned update is still NES's to finish.
	if open, err := store.OrganisationOpenUpdates(ctx, orgs["NES"].ID); err != nil || open[c43.ID].State != tracker.StateReturned {
		t.Errorf("NES's updates in progress after the switch = %+v, %v", open, err)
	}
}
