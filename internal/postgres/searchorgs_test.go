package postgres_test

import (
	"slices"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestOrganisationListKeptByWrites: the finder's list of a lead organisation's commitments, read
// in order of ref from the rows migration 00089's triggers keep, follows the lead lines, the
// organisations they name, refs and retirement, and counts as it lists; the same list in another
// order, found through the lead lines themselves, agrees with it.
func TestOrganisationListKeptByWrites(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	staff := rp.user(tracker.RoleStaff, "")
	as := tracker.Actor{User: staff}
	var zep tracker.Organisation
	if err := rp.pool.QueryRow(rp.ctx, `INSERT INTO organisations (code, name) VALUES ('ZEP', 'Zeppelin Board')
		RETURNING id, code, name`).Scan(&zep.ID, &zep.Code, &zep.Name); err != nil {
		t.Fatal(err)
	}
	led := func() []string {
		t.Helper()
		q := postgres.CommitmentSearch{PlanID: rp.plan.ID, OrganisationID: zep.ID}
		page, err := rp.store.SearchCommitments(rp.ctx, q, 25, 0)
		if err != nil {
			t.Fatal(err)
		}
		n, err := rp.store.CountSearch(rp.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		q.Sort = postgres.SortDue
		other, err := rp.store.SearchCommitments(rp.ctx, q, 25, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, found := refsOf(page.Commitments), refsOf(other.Commitments)
		slices.SortFunc(found, compareRefs)
		if page.Total != len(got) || n != len(got) || !slices.Equal(got, found) {
			t.Errorf("ZEP leads %v (total %d, counted %d); found through the lead lines: %v", got, page.Total, n, found)
		}
		for _, c := range page.Commitments {
			if !slices.ContainsFunc(c.Leads, func(l tracker.LeadLine) bool {
				return slices.ContainsFunc(l.Organisations, func(o tracker.Organisation) bool { return o.ID == zep.ID })
			}) {
				t.Errorf("%s is listed without a lead line naming ZEP: %+v", c.Ref, c.Leads)
			}
		}
		return got
	}
	name := func(ref string, lines ...tracker.LeadLine) {
		t.Helper()
		c := rp.commitment(ref)
		c.Leads = lines
		if _, err := rp.store.UpdateCommitment(rp.ctx, as, c); err != nil {
			t.Fatal(err)
		}
	}
	zepLine := tracker.LeadLine{Text: "Zeppelin Board", Organisations: []tracker.Organisation{zep}}
	if got := led(); len(got) != 0 {
		t.Fatalf("ZEP leads %v before any lead line names it", got)
	}
	name("4.3", zepLine)
	name("4.1", rp.commitment("4.1").Leads[0], zepLine)
	if got := led(); !slices.Equal(got, []string{"4.1", "4.3"}) {
		t.Errorf("after two lead lines name ZEP: %v, want [4.1 4.3]", got)
	}
	// A lead line naming it twice lists the commitment once; a new ref moves it.
	name("4.3", zepLine, zepLine)
	c := rp.commitment("4.1")
	c.Ref = "4.99"
	if _, err := rp.store.UpdateCommitment(rp.ctx, as, c); err != nil {
		t.Fatal(err)
	}
	if got := led(); !slices.Equal(got, []string{"4.3", "4.99"}) {
		t.Errorf("after a new ref: %v, want [4.3 4.99]", got)
	}
	// Lead lines that no longer name it, and retirement, take commitments off the list.
	name("4.3", tracker.LeadLine{Text: "Partners to be named"})
	if got := led(); !slices.Equal(got, []string{"4.99"}) {
		t.Errorf("after 4.3's lead lines change: %v, want [4.99]", got)
	}
	c = rp.commitment("4.99")
	if err := rp.store.RetireCommitment(rp.ctx, as, c.ID, c.Version, ""); err != nil {
		t.Fatal(err)
	}
	if got := led(); len(got) != 0 {
		t.Errorf("after retiring 4.99: %v, want none", got)
	}
}
