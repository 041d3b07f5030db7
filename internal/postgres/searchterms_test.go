package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// refsOf is the refs of a page, in order.
func refsOf(cs []tracker.Commitment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Ref
	}
	return out
}

// sameAsRanked fails the test unless a search for plain words (answered from commitment_terms)
// finds, counts and orders what the same words, each as a quoted phrase, do (the same query,
// answered by ranking every document found), page by page.
func sameAsRanked(t *testing.T, store *postgres.Store, q postgres.CommitmentSearch, pageSize int) {
	t.Helper()
	ctx := context.Background()
	ranked := q
	ranked.Text = `"` + strings.ReplaceAll(q.Text, " ", `" "`) + `"`
	for offset := 0; ; offset += pageSize {
		got, err := store.SearchCommitments(ctx, q, pageSize, offset)
		if err != nil {
			t.Fatal(err)
		}
		want, err := store.SearchCommitments(ctx, ranked, pageSize, offset)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || !slices.Equal(refsOf(got.Commitments), refsOf(want.Commitments)) {
			t.Fatalf("%q (statuses %v) at %d: %d found, %v; ranked: %d found, %v", q.Text, q.Statuses, offset,
				got.Total, refsOf(got.Commitments), want.Total, refsOf(want.Commitments))
		}
		for i := range got.Commitments {
			if g, w := got.Commitments[i], want.Commitments[i]; len(g.Leads) != len(w.Leads) || g.Reported == nil != (w.Reported == nil) {
				t.Errorf("%q: %s differs from the ranked search's: %+v, %+v", q.Text, g.Ref, g, w)
			}
		}
		if !q.CountsApart() {
			t.Fatalf("%q: not counted apart", q.Text)
		}
		// CountSearch counts as the search does, and the search given that count finds the same.
		n, err := store.CountSearch(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		counted := q
		counted.Total = &n
		given, err := store.SearchCommitments(ctx, counted, pageSize, offset)
		if err != nil {
			t.Fatal(err)
		}
		if n != want.Total || given.Total != n || !slices.Equal(refsOf(given.Commitments), refsOf(want.Commitments)) {
			t.Fatalf("%q (statuses %v) at %d: CountSearch %d, and given it %d found, %v; ranked: %d found, %v", q.Text,
				q.Statuses, offset, n, given.Total, refsOf(given.Commitments), want.Total, refsOf(want.Commitments))
		}
		if len(got.Commitments) < pageSize {
			return
		}
	}
}

// TestOneWordSearchMatchesTheRanking: a search for one plain word finds, counts and orders
// exactly as ranking every commitment it finds would, with and without other filters, on every
// page, including words found only in narratives and words found nowhere.
func TestOneWordSearchMatchesTheRanking(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t, 300)
	for _, word := range []string{"digital", "data", "health", "care", "records", "Workforce", "the", "hippogriffs"} {
		q := postgres.CommitmentSearch{PlanID: f.plan.ID, Text: word, Sort: postgres.SortRelevance}
		sameAsRanked(t, f.store, q, 7)
		q.Statuses = []tracker.Status{tracker.OnTrack, tracker.NoUpdate}
		sameAsRanked(t, f.store, q, 7)
		q.Statuses, q.Overdue = nil, true
		sameAsRanked(t, f.store, q, 7)
	}
}

// TestPlainWordsSearchMatchesTheRanking: a search for several plain words finds, counts and
// orders exactly as ranking every commitment it finds would, with and without other filters, on
// every page: words the commitments' own words hold, words found only in narratives, stop words,
// a word twice, words found nowhere and text of stop words alone.
func TestPlainWordsSearchMatchesTheRanking(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t, 300)
	for _, text := range []string{"generated services", "telecare records", "generated progress", "digital health",
		"health care records", "Data digital", "the data", "data data", "workforce digital of", "digital hippogriffs",
		"the and"} {
		q := postgres.CommitmentSearch{PlanID: f.plan.ID, Text: text, Sort: postgres.SortRelevance}
		sameAsRanked(t, f.store, q, 7)
		q.Statuses = []tracker.Status{tracker.OnTrack, tracker.NoUpdate}
		sameAsRanked(t, f.store, q, 7)
		q.Statuses, q.Overdue = nil, true
		sameAsRanked(t, f.store, q, 7)
	}
	// Some words are found in many commitments, some in their narratives alone: the sample
	// tells something.
	for text, least := range map[string]int{"generated services": 300, "telecare records": 10, "generated progress": 10} {
		page, err := f.store.SearchCommitments(context.Background(),
			postgres.CommitmentSearch{PlanID: f.plan.ID, Text: text, Sort: postgres.SortRelevance}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total < least {
			t.Errorf("%q: %d found, want at least %d", text, page.Total, least)
		}
		// A page past the end is empty, with the true count.
		past, err := f.store.SearchCommitments(context.Background(),
			postgres.CommitmentSearch{PlanID: f.plan.ID, Text: text, Sort: postgres.SortRelevance}, 10, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(past.Commitments) != 0 || past.Total != page.Total {
			t.Errorf("%q past the end: %d commitments of %d, want none of %d", text, len(past.Commitments), past.Total, page.Total)
		}
	}
}

// TestSearchTermsKeptByWrites: the words a one-word search looks up follow the commitment's
// words, its lead lines, its published narratives, its ref and its retirement.
func TestSearchTermsKeptByWrites(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	staff := rp.user(tracker.RoleStaff, "")
	as := tracker.Actor{User: staff}
	find := func(word string) []string {
		t.Helper()
		q := postgres.CommitmentSearch{PlanID: rp.plan.ID, Text: word, Sort: postgres.SortRelevance}
		sameAsRanked(t, rp.store, q, 5)
		page, err := rp.store.SearchCommitments(rp.ctx, q, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		return refsOf(page.Commitments)
	}
	if got := find("zeppelins"); len(got) != 0 {
		t.Fatalf("zeppelins found before any write: %v", got)
	}

	// A published narrative: found, ranked after commitments that say it themselves.
	rp.mustSave(staff, "4.1", tracker.ActionPublish, report(tracker.OnTrack, "Zeppelins were considered."))
	if got := find("zeppelins"); !slices.Equal(got, []string{"4.1"}) {
		t.Errorf("after a narrative: %v, want [4.1]", got)
	}
	// A draft is not public.
	rp.mustSave(staff, "4.2", tracker.ActionDraft, report(tracker.OnTrack, "More zeppelins."))
	if got := find("zeppelins"); !slices.Equal(got, []string{"4.1"}) {
		t.Errorf("after a draft: %v, want [4.1]", got)
	}
	// The commitment's own words rank it first.
	c := rp.commitment("4.3")
	c.Deliver = "Zeppelins for every health board, zeppelins for all."
	if _, err := rp.store.UpdateCommitment(rp.ctx, as, c); err != nil {
		t.Fatal(err)
	}
	if got := find("zeppelins"); !slices.Equal(got, []string{"4.3", "4.1"}) {
		t.Errorf("after an edit: %v, want [4.3 4.1]", got)
	}
	// Two words: found where the whole document holds both; the commitment whose own words hold
	// both ranks first, one that has them only in narratives after it.
	if got := find("zeppelins dirigibles"); len(got) != 0 {
		t.Fatalf("zeppelins dirigibles found before any says dirigibles: %v", got)
	}
	rp.mustSave(staff, "4.1", tracker.ActionPublish, report(tracker.OnTrack, "Zeppelins were considered, dirigibles were not."))
	c = rp.commitment("4.3")
	c.Deliver = "Zeppelins for every health board, zeppelins and dirigibles for all."
	if _, err := rp.store.UpdateCommitment(rp.ctx, as, c); err != nil {
		t.Fatal(err)
	}
	if got := find("zeppelins dirigibles"); !slices.Equal(got, []string{"4.3", "4.1"}) {
		t.Errorf("two words: %v, want [4.3 4.1]", got)
	}
	// A new ref moves it in the order of equals; a retired commitment is found no more.
	c = rp.commitment("4.1")
	c.Ref = "4.99"
	if _, err := rp.store.UpdateCommitment(rp.ctx, as, c); err != nil {
		t.Fatal(err)
	}
	if got := find("zeppelins"); !slices.Equal(got, []string{"4.3", "4.99"}) {
		t.Errorf("after a new ref: %v, want [4.3 4.99]", got)
	}
	if got := find("zeppelins dirigibles"); !slices.Equal(got, []string{"4.3", "4.99"}) {
		t.Errorf("two words after a new ref: %v, want [4.3 4.99]", got)
	}
	c = rp.commitment("4.3")
	if err := rp.store.RetireCommitment(rp.ctx, as, c.ID, c.Version, ""); err != nil {
		t.Fatal(err)
	}
	if got := find("zeppelins"); !slices.Equal(got, []string{"4.99"}) {
		t.Errorf("after retiring 4.3: %v, want [4.99]", got)
	}
	if got := find("zeppelins dirigibles"); !slices.Equal(got, []string{"4.99"}) {
		t.Errorf("two words after retiring 4.3: %v, want [4.99]", got)
	}
	rp.clock.Set(reportAt.Add(time.Hour))
}
