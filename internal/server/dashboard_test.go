package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestDashboardCountsMatchTheirLists follows every count on the dashboard to the list it links
// to, the finder (through all its pages) or the review queue, and counts the rows there: each
// must equal the count. A count that is not a link must be 0.
func TestDashboardCountsMatchTheirLists(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	plan := mustPlan(t, app)
	// Some variety: 4.4 at risk and 4.5 delayed, published lately, and two updates waiting.
	for ref, status := range map[string]string{"4.4": "at_risk", "4.5": "delayed"} {
		if _, err := app.Pool.Exec(t.Context(), `UPDATE commitments SET status = $3, last_published_at = '2026-11-01'
			WHERE plan_id = $1 AND ref = $2`, plan.ID, ref, status); err != nil {
			t.Fatal(err)
		}
	}
	for _, ref := range []string{"4.1", "4.3"} {
		c, err := app.Store.CommitmentByRef(t.Context(), plan.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.Pool.Exec(t.Context(), `INSERT INTO updates (commitment_id, state, status, narrative, organisation_id, submitted_at)
			VALUES ($1, 'submitted', 'on_track', 'Going well', $2, '2026-11-20')`, c.ID, orgID(t, app, "NES")); err != nil {
			t.Fatal(err)
		}
	}
	staff := signIn(t, app, tracker.RoleStaff, "")
	rec, doc := staff.get("/dashboard")
	mustStatus(t, "GET /dashboard", rec, http.StatusOK)

	// Every number in the counts table is a link, unless it is 0.
	doc.Find(".app-dashboard-counts td[data-status]").Each(func(_ int, td *goquery.Selection) {
		if td.Find("a[data-count]").Length() == 0 && text(td) != "0" {
			t.Errorf("the count %q in %q is not a link", text(td), td.Parent().AttrOr("data-row", ""))
		}
	})
	links := doc.Find("main a[data-count]")
	if links.Length() < 12 {
		t.Fatalf("the dashboard links %d counts, want the table's, overdue, update due and waiting", links.Length())
	}
	seen := map[string]bool{}
	links.Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		want, _ := strconv.Atoi(a.AttrOr("data-count", ""))
		if strings.Fields(text(a))[0] != strconv.Itoa(want) && !strings.HasPrefix(text(a), strconv.Itoa(want)+" ") {
			t.Errorf("the link to %s says %q but counts %d", href, text(a), want)
		}
		seen[strings.SplitN(href, "?", 2)[0]] = true
		if got := listLength(t, staff, href); got != want {
			t.Errorf("%q counts %d, but %s lists %d", text(a), want, href, got)
		}
	})
	for _, path := range []string{"/commitments", "/review"} {
		if !seen[path] {
			t.Errorf("no count links to %s", path)
		}
	}
	for _, sel := range []string{"#overdue + p a", "#update-due + p a", "#waiting + p a"} {
		if doc.Find(sel).Length() != 1 {
			t.Errorf("the sentence after %s has no link", strings.Fields(sel)[0])
		}
	}
}

// listLength counts the rows of the list at path: the commitments the finder finds, following
// its pages, or the updates waiting in the review queue.
func listLength(t *testing.T, c *client, path string) int {
	t.Helper()
	n := 0
	for pages := 0; path != "" && pages < 50; pages++ {
		rec, doc := c.get(path)
		mustStatus(t, "GET "+path, rec, http.StatusOK)
		if strings.HasPrefix(path, "/review") {
			return doc.Find(".app-review-item").Length()
		}
		n += doc.Find(".app-finder__result").Length()
		next, ok := doc.Find(`a[rel="next"]`).Attr("href")
		if !ok {
			break
		}
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		path = u.ResolveReference(ref).String()
	}
	return n
}
