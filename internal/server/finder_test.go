package server_test

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// finderEnv is a server over the seed plus generated commitments, with what tests need to judge
// its answers independently: the store, the pool and every commitment with its searchable text.
type finderEnv struct {
	h     http.Handler
	pool  *pgxpool.Pool
	store *postgres.Store
	plan  tracker.Plan
	all   []tracker.Commitment
	text  map[string]string // by ref: what, why, lead lines and published narratives, lower case
	now   time.Time
}

func newFinderEnv(t *testing.T, now time.Time, generated int) *finderEnv {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if generated > 0 {
		dbtest.GenerateCommitments(t, pool, generated)
	}
	store := postgres.New(pool, postgres.WithClock(nowFunc(now)))
	e := &finderEnv{
		h:    server.New(server.Config{Store: store, Now: nowFunc(now), BaseURL: "https://tracker.example.gov.scot"}),
		pool: pool, store: store, text: map[string]string{}, now: now,
	}
	var err error
	if e.plan, err = store.CurrentPlan(ctx); err != nil {
		t.Fatal(err)
	}
	e.load(t)
	return e
}

// load reads every commitment of the plan afresh.
func (e *finderEnv) load(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var err error
	if e.all, err = e.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: e.plan.ID}); err != nil {
		t.Fatal(err)
	}
	for _, c := range e.all {
		parts := append([]string{c.Deliver}, c.Why...)
		for _, l := range c.Leads {
			parts = append(parts, l.Text)
		}
		us, err := e.store.PublishedUpdates(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			parts = append(parts, u.Narrative)
		}
		e.text[c.Ref] = strings.ToLower(strings.Join(parts, " "))
	}
}

func compareRefs(a, b string) int {
	a1, a2, _ := strings.Cut(a, ".")
	b1, b2, _ := strings.Cut(b, ".")
	n := func(s string) int { i, _ := strconv.Atoi(s); return i }
	return cmp.Or(cmp.Compare(n(a1), n(b1)), cmp.Compare(n(a2), n(b2)))
}

// expect returns the refs the finder should list for the parameters, in order, judged in Go by
// the domain's rules. Search text must be one word absent from the seed, or a ref.
func (e *finderEnv) expect(t *testing.T, q url.Values) []string {
	t.Helper()
	var out []tracker.Commitment
	for _, c := range e.all {
		if s := q.Get("q"); s != "" && !strings.Contains(e.text[c.Ref], strings.ToLower(s)) && c.Ref != s {
			continue
		}
		if p := q.Get("priority"); p != "" && strconv.Itoa(c.PriorityNumber) != p {
			continue
		}
		if st := q["status"]; len(st) > 0 {
			s := string(c.Status)
			if s == "" {
				s = "none"
			}
			if !slices.Contains(st, s) {
				continue
			}
		}
		if o := q.Get("org"); o != "" && !slices.Contains(c.LeadOrganisationCodes(), o) {
			continue
		}
		if d := q.Get("due"); d != "" {
			p, err := tracker.ParsePeriod(d)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Contains(c.ExpectedBy()) {
				continue
			}
		}
		if q.Get("overdue") == "yes" && !c.Overdue(e.now) || q.Get("update_due") == "yes" && !c.UpdateDue(e.now) {
			continue
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b tracker.Commitment) int {
		switch q.Get("sort") {
		case "due":
			if a.ExpectedBy() != b.ExpectedBy() {
				if a.ExpectedBy().Before(b.ExpectedBy()) {
					return -1
				}
				return 1
			}
		case "updated":
			switch {
			case a.LastPublishedAt == nil && b.LastPublishedAt != nil:
				return 1
			case a.LastPublishedAt != nil && b.LastPublishedAt == nil:
				return -1
			case a.LastPublishedAt != nil && !a.LastPublishedAt.Equal(*b.LastPublishedAt):
				return b.LastPublishedAt.Compare(*a.LastPublishedAt)
			}
		}
		return compareRefs(a.Ref, b.Ref)
	})
	refs := []string{}
	for _, c := range out {
		refs = append(refs, c.Ref)
	}
	return refs
}

// walk reads the finder's results from path, following the pagination's Next link page by page,
// and checks each page's count line and numbering on the way.
func walk(t *testing.T, h http.Handler, path string) (refs []string, total string) {
	t.Helper()
	for pages := 0; path != ""; pages++ {
		if pages > 50 {
			t.Fatal("more than 50 pages")
		}
		rec, doc := get(t, h, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		items := doc.Find(".app-finder__result .app-commitment__ref")
		if items.Length() > 25 {
			t.Fatalf("GET %s lists %d commitments, want at most 25", path, items.Length())
		}
		if start := doc.Find("ol.ds_search-results__list").AttrOr("start", ""); items.Length() > 0 && start != strconv.Itoa(len(refs)+1) {
			t.Errorf("GET %s numbers from %s, want %d", path, start, len(refs)+1)
		}
		refs = append(refs, texts(items)...)
		total = text(doc.Find("#results"))
		path = doc.Find(`.ds_pagination a[rel="next"]`).AttrOr("href", "")
	}
	return refs, total
}

func TestFinderCombinations(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 240)
	tests := []string{
		"",
		"sort=due",
		"sort=updated",
		"priority=4",
		"status=on_track&status=at_risk",
		"status=none",
		"org=NES",
		"due=2024-25",
		"due=2025-26-q3",
		"overdue=yes",
		"update_due=yes",
		"overdue=yes&update_due=yes&sort=due",
		"q=telecare",
		"q=telecare&sort=updated",
		"q=analytics&priority=3&status=on_track&status=withdrawn",
		"q=4.2",
		"priority=2&org=NES&due=2026-27&sort=due",
		"q=telecare&sort=ref",
		"status=delayed&status=none&overdue=yes&priority=1",
	}
	for _, query := range tests {
		t.Run(query, func(t *testing.T) {
			q, err := url.ParseQuery(query)
			if err != nil {
				t.Fatal(err)
			}
			want := e.expect(t, q)
			if len(want) == 0 {
				t.Fatal("the expectation is empty: the case tests nothing")
			}
			got, total := walk(t, e.h, "/commitments?"+query)
			if q.Get("q") != "" && q.Get("sort") == "" {
				// Best match first: the order is the search engine's to judge, the set is not.
				slices.SortFunc(got, compareRefs)
			}
			if !slices.Equal(got, want) {
				t.Errorf("results =\n%q\nwant\n%q", got, want)
			}
			if len(want) > 25 {
				wantTotal := "Showing 1 to 25 of " + strconv.Itoa(len(want)) + " commitments"
				if _, doc := get(t, e.h, "/commitments?"+query); text(doc.Find("#results")) != wantTotal {
					t.Errorf("first page says %q, want %q", text(doc.Find("#results")), wantTotal)
				}
			} else if want := strconv.Itoa(len(want)) + " commitment"; !strings.HasPrefix(total, want) {
				t.Errorf("count = %q, want %q", total, want)
			}
		})
	}
}

func TestFinderPage(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	path := "/commitments?q=pathways&status=delivered&status=none&priority=4&sort=due"
	rec, doc := get(t, e.h, path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, rec.Code)
	}
	checkPage(t, path, doc, "Commitments: 1 found for “pathways”")
	if got := texts(doc.Find(".app-finder__result .app-commitment__ref")); !slices.Equal(got, []string{"4.2"}) {
		t.Errorf("results = %q, want [4.2]", got)
	}
	// The form shows what was asked for.
	if got := doc.Find("#q").AttrOr("value", ""); got != "pathways" {
		t.Errorf("search box = %q", got)
	}
	if got := doc.Find("#priority option[selected]").AttrOr("value", ""); got != "4" {
		t.Errorf("priority selected = %q", got)
	}
	var checked []string
	doc.Find(`input[name="status"][checked]`).Each(func(_ int, s *goquery.Selection) { checked = append(checked, s.AttrOr("value", "")) })
	if !slices.Equal(checked, []string{"none", "delivered"}) {
		t.Errorf("statuses checked = %q", checked)
	}
	if got := doc.Find("#sort option[selected]").AttrOr("value", ""); got != "due" {
		t.Errorf("sort selected = %q", got)
	}
	// Each filter in force can be removed, keeping the others.
	removes := map[string]string{}
	doc.Find(".ds_facet").Each(func(_ int, s *goquery.Selection) {
		removes[text(s.Contents().First())] = s.Find("a").AttrOr("href", "")
	})
	for label, want := range map[string]url.Values{
		"“pathways”":                       {"status": {"none", "delivered"}, "priority": {"4"}, "sort": {"due"}},
		"Delivered":                        {"q": {"pathways"}, "status": {"none"}, "priority": {"4"}, "sort": {"due"}},
		"No update yet":                    {"q": {"pathways"}, "status": {"delivered"}, "priority": {"4"}, "sort": {"due"}},
		"4. Digital Skills and Leadership": {"q": {"pathways"}, "status": {"none", "delivered"}, "sort": {"due"}},
	} {
		href, ok := removes[label]
		if !ok {
			t.Errorf("no filter %q in force; have %v", label, removes)
			continue
		}
		u, err := url.Parse(href)
		if err != nil || u.Path != "/commitments" {
			t.Errorf("remove %q links to %q", label, href)
			continue
		}
		if got := u.Query(); got.Encode() != want.Encode() {
			t.Errorf("remove %q gives %v, want %v", label, got, want)
		}
	}
	if href := doc.Find(".ds_facets__clear-button").AttrOr("href", ""); href != "/commitments" {
		t.Errorf("clear all links to %q", href)
	}
	// The results can be taken away, with the same filters.
	if href := doc.Find(`.app-finder__downloads a[type="text/csv"]`).AttrOr("href", ""); href != "/commitments.csv?priority=4&q=pathways&sort=due&status=none&status=delivered" {
		t.Errorf("CSV link = %q", href)
	}
	// The form is one GET form and its fields are labelled.
	if doc.Find("form").Length() != 1 || !strings.EqualFold(doc.Find("form").AttrOr("method", ""), "get") {
		t.Error("the finder is not one GET form")
	}
	doc.Find("form input:not([type=hidden]), form select").Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("id", "")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s (%s) has no label", id, s.AttrOr("name", ""))
		}
	})
	if doc.Find(`head link[rel="alternate"][type="application/atom+xml"]`).Length() == 0 {
		t.Error("the finder does not advertise the feed")
	}
}

func TestFinderEmptyResults(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	tests := []struct {
		path   string
		says   []string
		remove string
	}{
		{"/commitments?q=zebra", []string{"No commitments match “zebra”.", "check the spelling", "reference, such as 4.2"}, "/commitments"},
		{"/commitments?q=pathways&status=on_track", []string{"No commitments match “pathways” with the filter you chose.", "remove some of the filters"}, ""},
		{"/commitments?priority=1", []string{"No commitments match the filters you chose.", "remove the filter “Priority area: 1. Digital Access”"}, "/commitments"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec, doc := get(t, e.h, tt.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, rec.Code)
			}
			if got := text(doc.Find("#results")); got != "No commitments found" {
				t.Errorf("heading = %q", got)
			}
			empty := text(doc.Find(".app-finder__empty"))
			for _, s := range tt.says {
				if !strings.Contains(empty, s) {
					t.Errorf("empty results say %q, want it to say %q", empty, s)
				}
			}
			if tt.remove != "" && doc.Find(`.app-finder__empty a[href="`+tt.remove+`"]`).Length() == 0 {
				t.Errorf("no link to %s among the ways to widen the search", tt.remove)
			}
			if doc.Find(".app-finder__downloads").Length() != 0 {
				t.Error("offers to download nothing")
			}
		})
	}
}

func TestFinderPagination(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 60) // 66 commitments: three pages
	_, doc := get(t, e.h, "/commitments?page=2&sort=due")
	if got := text(doc.Find("#results")); got != "Showing 26 to 50 of 66 commitments" {
		t.Errorf("page 2 says %q", got)
	}
	if got := doc.Find(`.ds_pagination a[aria-current="page"]`).AttrOr("href", ""); got != "/commitments?page=2&sort=due" {
		t.Errorf("current page links to %q", got)
	}
	if got := doc.Find(`.ds_pagination a[rel="prev"]`).AttrOr("href", ""); got != "/commitments?sort=due" {
		t.Errorf("previous page links to %q", got)
	}
	checkPage(t, "page 2", doc, "Commitments: 66 found, page 2 of 3")

	rec, doc := get(t, e.h, "/commitments?page=9")
	if rec.Code != http.StatusOK {
		t.Fatalf("page past the end = %d", rec.Code)
	}
	if !strings.Contains(text(doc.Find("main")), "There is no page 9: the results fill 3 pages.") ||
		doc.Find(`a[href="/commitments?page=3"]`).Length() == 0 {
		t.Errorf("page past the end says %q", text(doc.Find(".ds_search-results")))
	}
}

func TestFinderRejectsBadInput(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	tests := []struct {
		query string
		field string
		says  string
	}{
		{"priority=99", "priority", "Choose a priority area from the list"},
		{"priority=abc", "priority", "Choose a priority area from the list"},
		{"status=done", "status", "Choose statuses from the list"},
		{"org=NOPE", "org", "Choose a lead organisation from the list"},
		{"org=%3Cscript%3E", "org", "Choose a lead organisation from the list"},
		{"due=2024", "due", "Choose a financial year such as 2024-25"},
		{"due=2024-25-q9", "due", "Choose a financial year such as 2024-25"},
		{"overdue=maybe", "only", "Choose whether to show only overdue commitments"},
		{"sort=name", "results", "Choose how to sort the commitments from the list"},
		{"page=0", "results", "Page must be a whole number"},
		{"page=-1", "results", "Page must be a whole number"},
		{"page=1e9", "results", "Page must be a whole number"},
		{"q=" + strings.Repeat("a", 201), "q", "Search must be 200 characters or fewer"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			path := "/commitments?" + tt.query + "&q2=x"
			rec, doc := get(t, e.h, path)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("GET %s = %d, want 422", path, rec.Code)
			}
			checkPage(t, path, doc, "Error: Commitments")
			summary := doc.Find(".ds_error-summary a")
			if summary.Length() != 1 || !strings.Contains(text(summary), tt.says) || summary.AttrOr("href", "") != "#"+tt.field {
				t.Errorf("error summary = %q linking to %q, want %q linking to #%s", text(summary), summary.AttrOr("href", ""), tt.says, tt.field)
			}
			if doc.Find("#"+tt.field).Length() != 1 {
				t.Errorf("the error links to #%s, which is not on the page", tt.field)
			}
		})
	}
	// Odd text is searched for, not refused: SQL, markup and search syntax. (Control characters
	// and invalid UTF-8 may be refused before they reach the finder; never with a server error.)
	for _, q := range []string{"\x00\x01", "\xff\xfe", "'; DROP TABLE commitments; --", `<script>alert(1)</script>`, `"unbalanced`, "a | b & !c", "-"} {
		path := "/commitments?q=" + url.QueryEscape(q)
		rec, doc := get(t, e.h, path)
		if rec.Code != http.StatusOK && !(rec.Code == http.StatusBadRequest && (strings.Contains(q, "\x00") || !utf8.ValidString(q))) {
			t.Errorf("GET %s = %d, want 200", path, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "<script>alert") {
			t.Errorf("GET %s: the search text is not escaped", path)
		}
		_ = doc
	}
}

func TestFinderEscapesWhatItShows(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	payload := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	if _, err := e.pool.Exec(context.Background(), `UPDATE commitments SET deliver = $1 || ' telecare' WHERE ref = '4.4'`, payload); err != nil {
		t.Fatal(err)
	}
	rec, doc := get(t, e.h, "/commitments?q=telecare")
	if strings.Contains(rec.Body.String(), payload) {
		t.Fatal("the payload reached the page unescaped")
	}
	if got := text(doc.Find(".app-finder__result h3")); !strings.Contains(got, payload) {
		t.Errorf("the result shows %q, want the text as written", got)
	}
}

// TestFinderForOtherPlans checks that an old plan's finder lives under its own address.
func TestFinderForOtherPlans(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	rec, doc := get(t, e.h, "/plans/2023-24/commitments?priority=5")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /plans/2023-24/commitments = %d", rec.Code)
	}
	if got := texts(doc.Find(".app-commitment__ref")); !slices.Equal(got, []string{"5.1"}) {
		t.Errorf("results = %q", got)
	}
	rec, _ = get(t, e.h, "/plans/1999-00/commitments")
	if rec.Code != http.StatusNotFound {
		t.Errorf("an unknown plan's finder = %d, want 404", rec.Code)
	}
}
