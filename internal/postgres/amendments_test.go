package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestAmendCommitment: a change with a note is saved with the note as an amendment, newest
// first, by whom, and audited with it; a change without one is not an amendment; a stale change
// records nothing.
func TestAmendCommitment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	plan, _, orgs := seedPlan(t, store)
	staff, err := store.CreateUser(ctx, staffActor, postgres.NewUser{Email: "staff@example.scot", Name: "Staff", Role: tracker.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	actor := tracker.Actor{User: &staff, RemoteAddr: "192.0.2.1"}
	c, err := store.CommitmentByRef(ctx, plan.ID, "4.3")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := store.Amendments(ctx, c.ID); err != nil || len(got) != 0 {
		t.Fatalf("amendments of a seeded commitment = %v, %v", got, err)
	}

	comma := c
	comma.Deliver = "Support the development of our specialist Digital, Data and Technology (DDaT) professional workforce."
	saved, err := store.AmendCommitment(ctx, actor, comma, tracker.Amendment{Fields: []string{"what it will deliver"}, Note: "removed a comma"})
	if err != nil {
		t.Fatal(err)
	}
	d := auditDetails(t, pool, "commitment.update", itoa(c.ID))
	if d["note"] != "removed a comma" || d["after"].(map[string]any)["deliver"] != comma.Deliver {
		t.Errorf("audit details = %v", d)
	}

	// A change without a note, such as to the source, is audited but is not an amendment.
	source := saved
	source.SourceURL = "https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/7/"
	if saved, err = store.AmendCommitment(ctx, actor, source, tracker.Amendment{}); err != nil {
		t.Fatal(err)
	}
	if d := auditDetails(t, pool, "commitment.update", itoa(c.ID)); d["note"] != nil {
		t.Errorf("audit details without a note = %v", d)
	}

	leads := saved
	leads.Leads = []tracker.LeadLine{{Text: "NES", Organisations: []tracker.Organisation{orgs["NES"]}}}
	if _, err := store.AmendCommitment(ctx, actor, leads, tracker.Amendment{Fields: []string{"who leads it"}, Note: "corrected the lead organisation"}); err != nil {
		t.Fatal(err)
	}
	// Someone who started from an older version changes nothing, and adds no amendment.
	if _, err := store.AmendCommitment(ctx, actor, comma, tracker.Amendment{Fields: []string{"why"}, Note: "stale"}); !errors.Is(err, tracker.ErrConflict) {
		t.Errorf("stale amendment: err = %v, want ErrConflict", err)
	}

	got, err := store.Amendments(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, a := range got {
		notes = append(notes, a.Note)
		if a.CommitmentID != c.ID || a.At.IsZero() {
			t.Errorf("amendment = %+v", a)
		}
	}
	if !slices.Equal(notes, []string{"corrected the lead organisation", "removed a comma"}) {
		t.Errorf("notes, newest first = %q", notes)
	}
	if !slices.Equal(got[0].Fields, []string{"who leads it"}) {
		t.Errorf("fields = %q", got[0].Fields)
	}
	var by int64
	if err := pool.QueryRow(ctx, `SELECT user_id FROM commitment_amendments WHERE id = $1`, got[0].ID).Scan(&by); err != nil || by != staff.ID {
		t.Errorf("amended by %d (%v), want %d", by, err, staff.ID)
	}
	// Other commitments have none.
	other, _ := store.CommitmentByRef(ctx, plan.ID, "4.2")
	if got, _ := store.Amendments(ctx, other.ID); len(got) != 0 {
		t.Errorf("4.2's amendments = %v", got)
	}
}
