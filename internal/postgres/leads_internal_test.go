package postgres

import (
	"reflect"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestLeadsReadAgainWhenThePageChanged: when the lead lines read beside a page of commitments are
// not those of the page's commitments, as when a change commits between the two statements, they
// are read again by ID, and every commitment gets its own; so too when none were read, as for a
// lead organisation's page.
func TestLeadsReadAgainWhenThePageChanged(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.Pool(t)
	store := New(pool)
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.Commitments(ctx, CommitmentFilter{PlanID: plan.ID, Limit: 5, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	withLeads := 0
	for _, c := range want {
		withLeads += min(len(c.Leads), 1)
	}
	if len(want) != 5 || withLeads == 0 {
		t.Fatalf("the page has %d commitments, %d with lead lines; want 5, some with", len(want), withLeads)
	}
	for name, leads := range map[string]pageLeads{
		"one missing":   {want[0].ID: want[0].Leads, want[1].ID: nil, want[2].ID: nil, want[3].ID: nil},
		"another found": {want[0].ID: want[0].Leads, want[1].ID: nil, want[2].ID: nil, want[3].ID: nil, -1: nil},
		"none":          {},
		"not read":      nil,
	} {
		got := make([]tracker.Commitment, len(want))
		for i, c := range want {
			got[i] = c
			got[i].Leads = nil
		}
		if err := leads.addTo(ctx, pool, got, false); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !reflect.DeepEqual(got[i].Leads, want[i].Leads) {
				t.Errorf("%s: %s has lead lines %+v, want %+v", name, want[i].Ref, got[i].Leads, want[i].Leads)
			}
		}
	}
}
