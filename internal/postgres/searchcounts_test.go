package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestExpectedMonthCounts(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t, 60)
	ctx := context.Background()
	for _, priority := range []int{0, 4} {
		t.Run(fmt.Sprint("priority ", priority), func(t *testing.T) {
			counts, err := f.store.ExpectedMonthCounts(ctx, f.plan.ID, f.prios[priority])
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			total := 0
			for _, mc := range counts {
				got[mc.Month.String()+" "+string(mc.Status)] += mc.Count
				total += mc.Count
			}
			want := map[string]int{}
			wantTotal := 0
			for _, c := range f.all {
				if priority == 0 || c.PriorityNumber == priority {
					want[c.ExpectedBy().String()+" "+string(c.Status)]++
					wantTotal++
				}
			}
			if total != wantTotal || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("counts = %v (%d), want %v (%d)", got, total, want, wantTotal)
			}
		})
	}
}

func TestFeedAndExportUpdatesArePublishedOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool, postgres.WithClock(func() time.Time { return searchNow }))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c41, err := store.CommitmentByRef(ctx, plan.ID, "4.1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at) VALUES
		($1, 'draft', 'at_risk', 'draft words', NULL),
		($1, 'submitted', 'at_risk', 'submitted words', NULL),
		($1, 'returned', 'at_risk', 'returned words', NULL),
		($1, 'published', 'on_track', 'older words', '2026-01-05 10:00:00+00'),
		($1, 'published', 'on_track', 'newer words', '2026-03-05 10:00:00+00')`, c41.ID)
	if err != nil {
		t.Fatal(err)
	}
	var exported []string
	err = store.EachPublishedUpdate(ctx, postgres.UpdateFilter{PlanID: plan.ID}, func(u postgres.PublishedUpdate) error {
		if u.State != tracker.StatePublished {
			t.Errorf("exported update %d is %s", u.ID, u.State)
		}
		exported = append(exported, u.CommitmentRef+" "+u.Narrative)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var published int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM updates WHERE state = 'published'`).Scan(&published); err != nil {
		t.Fatal(err)
	}
	if len(exported) != published || !slices.Contains(exported, "4.1 newer words") {
		t.Errorf("export = %q, want all %d published updates", exported, published)
	}
	for _, f := range []postgres.UpdateFilter{
		{PlanID: plan.ID}, {PlanID: plan.ID, PriorityID: c41.PriorityID}, {PlanID: plan.ID, CommitmentID: c41.ID},
	} {
		feed, err := store.FeedUpdates(ctx, f, 50)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range feed {
			got = append(got, u.Narrative)
		}
		if !slices.Equal(got, []string{"newer words", "older words"}) {
			t.Errorf("feed %+v = %q, want the two portal updates, newest first", f, got)
		}
	}
}

// TestSearchDocumentIsBounded checks that a commitment with a long history of wordy updates can
// still be published to: the search document never outgrows PostgreSQL's limit.
func TestSearchDocumentIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	// 80 updates of 1,000 distinct four-letter words each: 400,000 characters.
	_, err := pool.Exec(ctx, `
		INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		SELECT c.id, 'published', 'on_track',
		       (SELECT string_agg(substr(md5(u::text || '-' || w::text), 1, 4), ' ') FROM generate_series(1, 1000) AS w),
		       now()
		FROM commitments c, generate_series(1, 80) AS u WHERE c.ref = '4.1'`)
	if err != nil {
		t.Fatalf("publishing a long history: %v", err)
	}
	var size int
	if err := pool.QueryRow(ctx, `SELECT pg_column_size(search) FROM commitments WHERE ref = '4.1'`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size > 1<<20 {
		t.Errorf("search document is %d bytes", size)
	}
}

// TestEachPublishedUpdateReadsInChunks checks that an export longer than one chunk has every
// published update once, in order. It changes the package's chunk size, so it does not run in
// parallel: the parallel tests start only once it has put the size back.
func TestEachPublishedUpdateReadsInChunks(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool, postgres.WithClock(func() time.Time { return searchNow }))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer postgres.SetExportChunk(100)()
	if _, err := pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		SELECT c.id, 'published', 'on_track', 'Progress ' || g, now() - g * interval '1 minute'
		FROM commitments c, generate_series(1, 1000) AS g WHERE c.ref = '4.3'`); err != nil {
		t.Fatal(err)
	}
	var want int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM updates WHERE state = 'published'`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	var last int64
	n := 0
	err = store.EachPublishedUpdate(ctx, postgres.UpdateFilter{PlanID: plan.ID}, func(u postgres.PublishedUpdate) error {
		if u.ID <= last {
			t.Fatalf("update %d after %d", u.ID, last)
		}
		last = u.ID
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("exported %d updates, want %d", n, want)
	}
}
