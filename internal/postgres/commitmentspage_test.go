package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// TestOrganisationPagesCountAsTheyGo checks a lead organisation's pages of commitments, whose
// statement counts them as it finds them: each page is the next part of the whole list, in
// order, with its lead lines and the whole list's count, and a page past the end has none and
// the same count.
func TestOrganisationPagesCountAsTheyGo(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t, 240)
	ctx := context.Background()
	all, err := f.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: f.plan.ID, OrganisationID: f.orgs["NES"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 15 {
		t.Fatalf("NES leads %d commitments: too few to page", len(all))
	}
	var got []string
	for offset := 0; offset <= len(all); offset += 7 {
		cs, total, err := f.store.CommitmentsPage(ctx, postgres.CommitmentFilter{PlanID: f.plan.ID,
			OrganisationID: f.orgs["NES"], Limit: 7, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(all) {
			t.Errorf("page at %d: total %d, want %d", offset, total, len(all))
		}
		for _, c := range cs {
			got = append(got, c.Ref)
			if len(c.Leads) == 0 {
				t.Errorf("%s has no lead lines", c.Ref)
			}
		}
	}
	var want []string
	for _, c := range all {
		want = append(want, c.Ref)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages =\n%v\nwant\n%v", got, want)
	}
	cs, total, err := f.store.CommitmentsPage(ctx, postgres.CommitmentFilter{PlanID: f.plan.ID,
		OrganisationID: f.orgs["NES"], Limit: 7, Offset: 1000})
	if err != nil || len(cs) != 0 || total != len(all) {
		t.Errorf("past the end: %d commitments, total %d (%v); want none of %d", len(cs), total, err, len(all))
	}
}
