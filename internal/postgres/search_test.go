package postgres_test

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// searchNow is the clock of the search tests: 23 November 2026.
var searchNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

type searchFixture struct {
	store *postgres.Store
	pool  *pgxpool.Pool
	plan  tracker.Plan
	all   []tracker.Commitment
	text  map[int64]string // each commitment's searchable text, lower case
	orgs  map[string]int64
	prios map[int]int64
}

// newSearchFixture seeds a database with the plan and n generated commitments and loads what an
// oracle needs to judge searches independently of the search SQL.
func newSearchFixture(t *testing.T, n int) *searchFixture {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	dbtest.GenerateCommitments(t, pool, n)
	f := &searchFixture{store: postgres.New(pool, postgres.WithClock(func() time.Time { return searchNow })), pool: pool, text: map[int64]string{}, orgs: map[string]int64{}, prios: map[int]int64{}}
	var err error
	if f.plan, err = f.store.CurrentPlan(ctx); err != nil {
		t.Fatal(err)
	}
	if f.all, err = f.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: f.plan.ID}); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.all {
		var b strings.Builder
		b.WriteString(c.Deliver + " " + strings.Join(c.Why, " "))
		for _, l := range c.Leads {
			b.WriteString(" " + l.Text)
		}
		us, err := f.store.PublishedUpdates(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			b.WriteString(" " + u.Narrative)
		}
		f.text[c.ID] = strings.ToLower(b.String())
	}
	orgs, err := f.store.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		f.orgs[o.Code] = o.ID
	}
	ps, err := f.store.Priorities(ctx, f.plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		f.prios[p.Number] = p.ID
	}
	return f
}

func refKey(ref string) (int, int) {
	a, b, _ := strings.Cut(ref, ".")
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x, y
}

func compareRefs(a, b string) int {
	a1, a2 := refKey(a)
	b1, b2 := refKey(b)
	return cmp.Or(cmp.Compare(a1, b1), cmp.Compare(a2, b2))
}

// oracle returns the refs the search should find, in order, judged in Go with the domain's rules.
// It understands text that is a single word of GeneratedWords or a ref.
func (f *searchFixture) oracle(q postgres.CommitmentSearch, orgCode string) []string {
	var hits []tracker.Commitment
	for _, c := range f.all {
		if q.Text != "" && !strings.Contains(f.text[c.ID], strings.ToLower(q.Text)) && c.Ref != q.Text {
			continue
		}
		if q.PriorityID != 0 && c.PriorityID != q.PriorityID {
			continue
		}
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, c.Status) {
			continue
		}
		if orgCode != "" && !slices.Contains(c.LeadOrganisationCodes(), orgCode) {
			continue
		}
		if q.DueFrom != nil && c.ExpectedBy().Before(*q.DueFrom) || q.DueTo != nil && q.DueTo.Before(c.ExpectedBy()) {
			continue
		}
		if q.Overdue && !c.Overdue(searchNow) || q.UpdateDue && !c.UpdateDue(searchNow) {
			continue
		}
		hits = append(hits, c)
	}
	slices.SortStableFunc(hits, func(a, b tracker.Commitment) int {
		byRef := compareRefs(a.Ref, b.Ref)
		switch q.Sort {
		case postgres.SortDue:
			ea, eb := a.ExpectedBy(), b.ExpectedBy()
			if ea != eb {
				if ea.Before(eb) {
					return -1
				}
				return 1
			}
		case postgres.SortUpdated:
			switch {
			case a.LastPublishedAt == nil && b.LastPublishedAt != nil:
				return 1
			case a.LastPublishedAt != nil && b.LastPublishedAt == nil:
				return -1
			case a.LastPublishedAt != nil && !a.LastPublishedAt.Equal(*b.LastPublishedAt):
				return b.LastPublishedAt.Compare(*a.LastPublishedAt)
			}
		}
		return byRef
	})
	refs := make([]string, len(hits))
	for i, c := range hits {
		refs[i] = c.Ref
	}
	return refs
}

func monthOf(y int, m time.Month) *tracker.Month { return &tracker.Month{Year: y, Month: m} }

func TestSearchCommitmentsCombinations(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t, 240)
	ctx := context.Background()
	q1from, q1to := tracker.Period{StartYear: 2025, Quarter: 1}.Months()
	fyFrom, fyTo := tracker.Period{StartYear: 2024}.Months()
	tests := []struct {
		name string
		q    postgres.CommitmentSearch
		org  string
	}{
		{"everything", postgres.CommitmentSearch{}, ""},
		{"priority 2", postgres.CommitmentSearch{PriorityID: f.prios[2]}, ""},
		{"on track or at risk", postgres.CommitmentSearch{Statuses: []tracker.Status{tracker.OnTrack, tracker.AtRisk}}, ""},
		{"no update yet", postgres.CommitmentSearch{Statuses: []tracker.Status{tracker.NoUpdate}}, ""},
		{"no update yet or delivered", postgres.CommitmentSearch{Statuses: []tracker.Status{tracker.NoUpdate, tracker.Delivered}}, ""},
		{"led by NES", postgres.CommitmentSearch{OrganisationID: f.orgs["NES"]}, "NES"},
		{"led by NES, by due date", postgres.CommitmentSearch{OrganisationID: f.orgs["NES"], Sort: postgres.SortDue}, "NES"},
		{"led by NES, on track or no update", postgres.CommitmentSearch{OrganisationID: f.orgs["NES"],
			Statuses: []tracker.Status{tracker.OnTrack, tracker.NoUpdate}}, "NES"},
		{"due in Q1 2025-26", postgres.CommitmentSearch{DueFrom: &q1from, DueTo: &q1to}, ""},
		{"due in 2024-25, overdue", postgres.CommitmentSearch{DueFrom: &fyFrom, DueTo: &fyTo, Overdue: true}, ""},
		{"overdue", postgres.CommitmentSearch{Overdue: true}, ""},
		{"update due", postgres.CommitmentSearch{UpdateDue: true}, ""},
		{"overdue and update due, by due date", postgres.CommitmentSearch{Overdue: true, UpdateDue: true, Sort: postgres.SortDue}, ""},
		{"telecare", postgres.CommitmentSearch{Text: "telecare"}, ""},
		{"analytics in priority 3, last updated first", postgres.CommitmentSearch{Text: "analytics", PriorityID: f.prios[3], Sort: postgres.SortUpdated}, ""},
		{"analytics, on track, led by DHI", postgres.CommitmentSearch{Text: "analytics", Statuses: []tracker.Status{tracker.OnTrack}, OrganisationID: f.orgs["DHI"]}, "DHI"},
		{"telecare, delayed or no update, priority 5, by due date", postgres.CommitmentSearch{Text: "telecare",
			Statuses: []tracker.Status{tracker.Delayed, tracker.NoUpdate}, PriorityID: f.prios[5], Sort: postgres.SortDue}, ""},
		{"by due date", postgres.CommitmentSearch{Sort: postgres.SortDue}, ""},
		{"last updated first", postgres.CommitmentSearch{Sort: postgres.SortUpdated}, ""},
		{"ref 4.2", postgres.CommitmentSearch{Text: "4.2"}, ""},
		{"due before April 2024, not overdue-only", postgres.CommitmentSearch{DueTo: monthOf(2024, time.March)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.PlanID = f.plan.ID
			want := f.oracle(q, tt.org)
			if len(want) == 0 {
				t.Fatalf("the oracle finds nothing: the case tests nothing")
			}
			// Walk the pages as a reader would, 25 at a time.
			var got []string
			for offset := 0; ; offset += 25 {
				page, err := f.store.SearchCommitments(ctx, q, 25, offset)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(want) {
					t.Fatalf("total = %d, want %d", page.Total, len(want))
				}
				if len(page.Commitments) > 25 {
					t.Fatalf("page at %d has %d results", offset, len(page.Commitments))
				}
				for _, c := range page.Commitments {
					got = append(got, c.Ref)
					if c.Leads == nil && len(c.Ref) > 0 && c.Ref != "4.4" {
						t.Errorf("%s has no lead lines loaded", c.Ref)
					}
				}
				if len(page.Commitments) < 25 {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("results =\n%v\nwant\n%v", got, want)
			}
			var exported []string
			err := f.store.EachCommitment(ctx, q, func(c tracker.Commitment) error {
				exported = append(exported, c.Ref)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(exported, want) {
				t.Errorf("export =\n%v\nwant\n%v", exported, want)
			}
		})
	}
	page, err := f.store.SearchCommitments(ctx, postgres.CommitmentSearch{PlanID: f.plan.ID}, 25, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Commitments) != 0 || page.Total != len(f.all) {
		t.Errorf("past the end: %d results, total %d; want none of %d", len(page.Commitments), page.Total, len(f.all))
	}
	// A lead organisation's page past the end carries its count too.
	nes := postgres.CommitmentSearch{PlanID: f.plan.ID, OrganisationID: f.orgs["NES"]}
	page, err = f.store.SearchCommitments(ctx, nes, 25, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(f.oracle(nes, "NES")); len(page.Commitments) != 0 || page.Total != want {
		t.Errorf("past the end of NES's: %d results, total %d; want none of %d", len(page.Commitments), page.Total, want)
	}
}

// TestSearchText checks what full-text search finds in the seed: stemming, each searched field,
// phrases, exclusions and refs.
func TestSearchText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t), postgres.WithClock(func() time.Time { return searchNow }))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"pathway", []string{"4.2"}},                  // stemmed; in 4.2's published 2025-26 narrative
		{"\"learner pathways\"", []string{"4.2"}},     // a phrase
		{"CivTech", []string{"4.5"}},                  // a lead line
		{"international engagement", []string{"5.1"}}, // a narrative
		{"4.2", []string{"4.2"}},                      // a ref
		{"9.9", nil},
		{"pathway -learner", nil},
		{"the", nil}, // only a stop word
		{"zzzyyyxxx", nil},
		{"'; DROP TABLE commitments; --", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			page, err := store.SearchCommitments(ctx, postgres.CommitmentSearch{PlanID: plan.ID, Text: tt.text, Sort: postgres.SortRelevance}, 25, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range page.Commitments {
				got = append(got, c.Ref)
			}
			if !slices.Equal(got, tt.want) || page.Total != len(tt.want) {
				t.Errorf("search %q = %v (total %d), want %v", tt.text, got, page.Total, tt.want)
			}
		})
	}
}

// TestSearchDocumentFollowsChanges checks that search finds what is published after the plan was
// loaded, never what is not yet published, and follows edits to lead lines.
func TestSearchDocumentFollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool, postgres.WithClock(func() time.Time { return searchNow }))
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	find := func(text string) []string {
		t.Helper()
		page, err := store.SearchCommitments(ctx, postgres.CommitmentSearch{PlanID: plan.ID, Text: text}, 25, 0)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, c := range page.Commitments {
			refs = append(refs, c.Ref)
		}
		return refs
	}
	c44, err := store.CommitmentByRef(ctx, plan.ID, "4.4")
	if err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{"draft", "submitted", "returned"} {
		_, err := pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, submitted_at, returned_at)
			VALUES ($1, $2, 'on_track', 'Secret hippogriff progress', now(), now())`, c44.ID, state)
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := find("hippogriff"); got != nil {
		t.Errorf("unpublished narratives are searchable: %v", got)
	}
	before, err := store.OpenDataVersion(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Publishing a submitted update, as review does, makes it searchable and changes the version.
	if _, err := pool.Exec(ctx, `UPDATE updates SET state = 'published', published_at = now()
		WHERE commitment_id = $1 AND state = 'submitted'`, c44.ID); err != nil {
		t.Fatal(err)
	}
	if got := find("hippogriffs"); !slices.Equal(got, []string{"4.4"}) {
		t.Errorf("published narrative: search = %v, want [4.4]", got)
	}
	after, err := store.OpenDataVersion(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version == before.Version || after.Changed.Before(before.Changed) {
		t.Errorf("version did not move on publishing: %+v then %+v", before, after)
	}
	// A new lead line is found at once; so is a changed deliver text.
	if _, err := pool.Exec(ctx, `INSERT INTO commitment_leads (commitment_id, position, line) VALUES ($1, 1, 'Basilisk Trust')`, c44.ID); err != nil {
		t.Fatal(err)
	}
	if got := find("basilisk"); !slices.Equal(got, []string{"4.4"}) {
		t.Errorf("new lead line: search = %v, want [4.4]", got)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM commitment_leads WHERE commitment_id = $1`, c44.ID); err != nil {
		t.Fatal(err)
	}
	if got := find("basilisk"); got != nil {
		t.Errorf("deleted lead line still found: %v", got)
	}
	if _, err := pool.Exec(ctx, `UPDATE commitments SET deliver = 'Deliver a griffin registry' WHERE id = $1`, c44.ID); err != nil {
		t.Fatal(err)
	}
	if got := find("griffins"); !slices.Equal(got, []string{"4.4"}) {
		t.Errorf("changed deliver text: search = %v, want [4.4]", got)
	}
	// The words of a search may come from the commitment's own text and its narratives at once.
	if got := find("griffin hippogriff"); !slices.Equal(got, []string{"4.4"}) {
		t.Errorf("words from the deliver text and a narrative: search = %v, want [4.4]", got)
	}
	if got := find("griffin -hippogriff"); got != nil {
		t.Errorf("a word left out by the search is in a narrative: search = %v, want none", got)
	}
}

// A commitment that says the words itself ranks above one whose updates say them, however often,
// and the page past the end of a text search still gives the true total.
func TestSearchRanksOwnWordsFirst(t *testing.T) {
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
	c44, err := store.CommitmentByRef(ctx, plan.ID, "4.4")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, submitted_at, published_at)
		VALUES ($1, 'published', 'on_track', 'Wyvern wyvern wyvern: the wyvern register is live.', now(), now())`, c41.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE commitments SET deliver = deliver || ' A wyvern register.' WHERE id = $1`, c44.ID); err != nil {
		t.Fatal(err)
	}
	q := postgres.CommitmentSearch{PlanID: plan.ID, Text: "wyverns", Sort: postgres.SortRelevance}
	page, err := store.SearchCommitments(ctx, q, 25, 0)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, c := range page.Commitments {
		refs = append(refs, c.Ref)
		if c.Ref == "4.1" && len(c.Leads) != 1 {
			t.Errorf("4.1 came with %d lead lines, want its 1", len(c.Leads))
		}
	}
	if !slices.Equal(refs, []string{"4.4", "4.1"}) || page.Total != 2 {
		t.Errorf("by relevance: %v of %d, want [4.4 4.1] of 2", refs, page.Total)
	}
	q.Sort = postgres.SortRef
	if page, err = store.SearchCommitments(ctx, q, 1, 1); err != nil {
		t.Fatal(err)
	}
	if len(page.Commitments) != 1 || page.Commitments[0].Ref != "4.4" || page.Total != 2 {
		t.Errorf("by ref, second page of one: %+v", page)
	}
	if page, err = store.SearchCommitments(ctx, q, 25, 25); err != nil {
		t.Fatal(err)
	}
	if len(page.Commitments) != 0 || page.Total != 2 {
		t.Errorf("past the end: %d commitments of %d, want none of 2", len(page.Commitments), page.Total)
	}
}
