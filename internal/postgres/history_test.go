package postgres_test

import (
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestCommitmentRecordPagesTheHistory pages every seeded commitment's history, one update a page: the pages run
// through the whole history in its order, and each says how long it is and its latest period.
func TestCommitmentRecordPagesTheHistory(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := postgres.New(dbtest.Pool(t))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	paged := 0
	for _, c := range cs {
		all, err := store.PublishedUpdates(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for offset := 0; ; offset++ {
			r, err := store.CommitmentRecord(ctx, c.ID, 1, offset)
			if err != nil {
				t.Fatal(err)
			}
			h := r.History
			if len(h.Updates) == 0 {
				break
			}
			if h.Total != len(all) || h.LatestPeriod != tracker.LatestReportedPeriod(all) {
				t.Errorf("%s at %d: total %d, latest period %q; want %d, %q", c.Ref, offset, h.Total, h.LatestPeriod,
					len(all), tracker.LatestReportedPeriod(all))
			}
			for _, u := range h.Updates {
				got = append(got, u.ID)
			}
		}
		if len(got) != len(all) {
			t.Fatalf("%s: the pages hold %d updates, the history %d", c.Ref, len(got), len(all))
		}
		for i, u := range all {
			if got[i] != u.ID {
				t.Errorf("%s: update %d of the pages is %d, of the history %d", c.Ref, i, got[i], u.ID)
			}
		}
		if len(all) > 1 {
			paged++
		}
	}
	if paged == 0 {
		t.Fatal("no seeded commitment has a history of more than one page")
	}
}
