package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// newDemoApp returns the portal over a database holding the synthetic plan of internal/demo at
// the size o, made the current plan so that organisation pages show it too.
func newDemoApp(t *testing.T, o demo.Options) *testApp {
	t.Helper()
	serving, owner := dbtest.ServingPool(t)
	if _, err := demo.Load(t.Context(), owner, o); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(t.Context(), `UPDATE plans SET is_current = (slug = $1)`, demo.PlanSlug); err != nil {
		t.Fatal(err)
	}
	app := &testApp{Pool: serving, clock: clocktest.New(fixedNow)}
	app.Store = postgres.New(serving, postgres.WithClock(app.clock.Now))
	app.Config = server.Config{Store: app.Store, BaseURL: "http://example.com", Now: app.clock.Now, Password: password.Fast}
	app.Handler = server.New(app.Config)
	return app
}

// TestPublicPagesStaySmall builds a plan of thousands of commitments, hundreds in each priority
// area and hundreds led by each organisation, and checks that every public page of it, each page
// of each priority area and organisation included, stays under its size limit.
func TestPublicPagesStaySmall(t *testing.T) {
	t.Parallel()
	app := newDemoApp(t, demo.Options{Commitments: 2000, Updates: 6000, Organisations: 8, Priorities: 2})
	c := anonymous(t, app)
	const pageLimit, overviewLimit = 100 << 10, 60 << 10
	get := func(path string, limit int) *goquery.Document {
		t.Helper()
		rec, doc := c.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		if n := rec.Body.Len(); n > limit {
			t.Errorf("GET %s: %.1f KB, more than %d KB", path, float64(n)/1024, limit>>10)
		}
		return doc
	}
	overview := get("/", overviewLimit)
	var lists []string
	overview.Find(".app-priority__title a").Each(func(_ int, a *goquery.Selection) { lists = append(lists, a.AttrOr("href", "")) })
	if len(lists) < 2 {
		t.Fatalf("overview links to %d priority areas, want them all", len(lists))
	}
	for i := 1; i <= 8; i++ {
		lists = append(lists, "/organisations/DEMO-"+strconv.Itoa(i))
	}
	for _, first := range lists {
		pages, rows := 0, 0
		for path := first; path != ""; pages++ {
			doc := get(path, pageLimit)
			rows += doc.Find(".app-commitment").Length()
			path = doc.Find(`.ds_pagination a[rel="next"]`).AttrOr("href", "")
			if pages > 100 {
				t.Fatalf("%s: more than 100 pages", first)
			}
		}
		if pages < 2 {
			t.Errorf("%s: %d page, want the list split into pages", first, pages)
		}
		if rows < 200 {
			t.Errorf("%s: %d commitments over its pages, want hundreds", first, rows)
		}
	}

	// The national scale's twenty priority areas: the overview shows them as one table, each
	// area a link to its page, and stays under its limit.
	national := anonymous(t, newDemoApp(t, demo.Options{Commitments: 4000, Updates: 8000, Organisations: 20, Priorities: 20}))
	rec, doc := national.get("/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / at national scale: %d", rec.Code)
	}
	if n := rec.Body.Len(); n > overviewLimit {
		t.Errorf("GET / at national scale: %.1f KB, more than %d KB", float64(n)/1024, overviewLimit>>10)
	}
	areas := doc.Find(`#priorities ~ .app-table-scroll tbody th[scope="row"] a[href^="/priorities/"]`)
	if areas.Length() != 20 {
		t.Errorf("the overview at national scale links to %d priority areas in its table, want 20", areas.Length())
	}
	if n := doc.Find(".app-chart__table").Length(); n != 2 {
		t.Errorf("the overview at national scale has %d tables of figures, want the areas' and the timeline's", n)
	}
}

// TestPriorityPagination checks the pages of a long priority area: each shows its place in the
// list, links to its neighbours and to the finder, names itself as canonical, and a page beyond
// the end or not a number is not found.
func TestPriorityPagination(t *testing.T) {
	t.Parallel()
	app := newDemoApp(t, demo.Options{Commitments: 120, Updates: 0, Organisations: 4, Priorities: 1})
	c := anonymous(t, app)
	base := "/priorities/synthetic-area-1"
	link := func(doc *goquery.Document, rel string) string {
		return doc.Find(`head link[rel="`+rel+`"]`).AttrOr("href", "")
	}
	rec, doc := c.get(base)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", base, rec.Code)
	}
	if n := doc.Find(".app-commitment").Length(); n != 25 {
		t.Errorf("first page lists %d commitments, want 25", n)
	}
	if got := link(doc, "canonical"); got != "http://example.com"+base {
		t.Errorf("first page canonical = %q", got)
	}
	if got := link(doc, "prev"); got != "" {
		t.Errorf("first page has rel=prev %q", got)
	}
	if got := link(doc, "next"); got != "http://example.com"+base+"?page=2" {
		t.Errorf("first page rel=next = %q", got)
	}
	if got := doc.Find(`.ds_pagination a[aria-current="page"]`).AttrOr("href", ""); got != base {
		t.Errorf("current page link = %q, want %q", got, base)
	}
	if got := doc.Find(".app-list-page").Text(); !strings.Contains(strings.Join(strings.Fields(got), " "), "Showing commitments 1 to 25 of 120") {
		t.Errorf("first page says %q", got)
	}
	if got := doc.Find(".app-list-page a").AttrOr("href", ""); got != "/commitments?priority=1" {
		t.Errorf("finder link = %q", got)
	}

	rec, doc = c.get(base + "?page=5")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET page 5: %d", rec.Code)
	}
	if n := doc.Find(".app-commitment").Length(); n != 20 {
		t.Errorf("last page lists %d commitments, want 20", n)
	}
	if got := doc.Find(".app-commitment__ref").First().Text(); got != "1.101" {
		t.Errorf("last page starts at %q, want 1.101", got)
	}
	if got := link(doc, "canonical"); got != "http://example.com"+base+"?page=5" {
		t.Errorf("last page canonical = %q", got)
	}
	if got := link(doc, "prev"); got != "http://example.com"+base+"?page=4" {
		t.Errorf("last page rel=prev = %q", got)
	}
	if got := link(doc, "next"); got != "" {
		t.Errorf("last page has rel=next %q", got)
	}
	if got := doc.Find(`.ds_pagination a[rel="prev"]`).AttrOr("href", ""); got != base+"?page=4" {
		t.Errorf("previous link = %q", got)
	}
	if got := doc.Find("title").Text(); !strings.Contains(got, "page 5 of 5") {
		t.Errorf("last page title = %q", got)
	}
	for _, q := range []string{"?page=6", "?page=0", "?page=two"} {
		if rec, _ := c.get(base + q); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s%s: %d, want 404", base, q, rec.Code)
		}
	}
}
