package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func pendingUpdates(t *testing.T, app *testApp) int {
	t.Helper()
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM updates WHERE state <> 'published'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fire sends the requests at once, each from its own goroutine, and returns the responses.
func fire(reqs []func() *httptest.ResponseRecorder) []*httptest.ResponseRecorder {
	out := make([]*httptest.ResponseRecorder, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = f()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func codes(recs []*httptest.ResponseRecorder) map[int]int {
	out := map[int]int{}
	for _, r := range recs {
		out[r.Code]++
	}
	return out
}

// TestConcurrentReviewersOverHTTP: reviewers publishing one update at once: exactly one succeeds
// and every other is told it has already been published.
func TestConcurrentReviewersOverHTTP(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "at_risk", "narrative", "Cohort 3 delayed.")), "/report")
	id := openUpdate(t, app, partner, "4.1").ID
	const n = 6
	var reviewers []*client
	var forms []url.Values
	for range n {
		c := signIn(t, app, tracker.RoleStaff, "")
		reviewers = append(reviewers, c)
		forms = append(forms, c.reviewForm(id, "publish"))
	}
	var reqs []func() *httptest.ResponseRecorder
	for i := range n {
		reqs = append(reqs, func() *httptest.ResponseRecorder {
			return reviewers[i].post(fmt.Sprintf("/review/%d", id), forms[i])
		})
	}
	recs := fire(reqs)
	if got := codes(recs); got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != n-1 {
		t.Fatalf("%d reviewers publishing at once: %v, want one 303 and %d 409", n, got, n-1)
	}
	for _, rec := range recs {
		if rec.Code == http.StatusConflict {
			if got := text(parse(t, rec).Find(".app-conflict h2")); !strings.HasPrefix(got, "This update has already been published by Test Scottish Government staff") {
				t.Errorf("loser told %q", got)
			}
		}
	}
	var published, versions int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'update.publish'`).Scan(&published); err != nil || published != 1 {
		t.Errorf("%d publications audited (%v), want 1", published, err)
	}
	if err := app.Pool.QueryRow(t.Context(), `SELECT version FROM commitments WHERE ref = '4.1'`).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("4.1 is at version %d (%v), want 2: published once", versions, err)
	}
}

// TestConcurrentPartnersOverHTTP: every lead organisation of 4.2 submits at once from forms
// opened together: exactly one is accepted, the others are shown that another update arrived.
func TestConcurrentPartnersOverHTTP(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	orgs := []string{"SG-DHCD", "LGDO", "NES", "SSSC", "DHI"}
	var reqs []func() *httptest.ResponseRecorder
	for _, code := range orgs {
		c := signIn(t, app, tracker.RolePartner, code)
		form := with(c.openForm("4.2"), "action", "submit", "status", "on_track", "narrative", code+" reports.")
		reqs = append(reqs, func() *httptest.ResponseRecorder { return c.post("/report/4.2", form) })
	}
	recs := fire(reqs)
	if got := codes(recs); got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != len(orgs)-1 {
		t.Fatalf("%d organisations submitting at once: %v", len(orgs), got)
	}
	for _, rec := range recs {
		if rec.Code == http.StatusConflict && !strings.Contains(rec.Body.String(), "submitted for review since you opened this form") {
			t.Errorf("conflict page does not say what happened")
		}
	}
	if n := pendingUpdates(t, app); n != 1 {
		t.Errorf("%d updates waiting, want 1", n)
	}
}

func TestDashboardPage(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "CIVTECH")
	mustRedirect(t, "submit", partner.post("/report/4.5", with(partner.openForm("4.5"), "action", "submit",
		"status", "delayed", "narrative", "Challenge launch moved.")), "/report")
	app.clock.Advance(50 * time.Hour)
	staff := signIn(t, app, tracker.RoleStaff, "")

	rec, doc := staff.get("/dashboard")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /dashboard = %d", rec.Code)
	}
	checkPage(t, "/dashboard", doc, "Dashboard")
	total := doc.Find(`.app-dashboard-counts tfoot tr`)
	cell := func(row *goquery.Selection, status string) string {
		td := row.Find(`td[data-status="` + status + `"]`)
		if a := td.Find("a[data-count]"); a.Length() > 0 {
			return a.AttrOr("data-count", "")
		}
		return text(td)
	}
	for status, want := range map[string]string{"": "2", "on_track": "2", "delivered": "2", "overdue": "4", "total": "6"} {
		if got := cell(total, status); got != want {
			t.Errorf("total %q = %s, want %s", status, got, want)
		}
	}
	four := doc.Find(`.app-dashboard-counts tr[data-row="4. Digital Skills and Leadership"]`)
	if got := cell(four, "total"); got != "5" {
		t.Errorf("priority 4 total = %s, want 5", got)
	}
	var overdue []string
	doc.Find("#overdue ~ .app-table-scroll > .app-dashboard-commitments").First().Find("tr[data-ref]").Each(func(_ int, s *goquery.Selection) {
		overdue = append(overdue, s.AttrOr("data-ref", ""))
	})
	if !slices.Equal(overdue, []string{"4.4", "4.5", "4.3", "4.1"}) {
		t.Errorf("overdue = %q", overdue)
	}
	summaries := texts(doc.Find(".app-dashboard-summary"))
	if len(summaries) != 3 || !strings.HasPrefix(summaries[0], "4 commitments are overdue") ||
		// 4.2 and 5.1 are delivered: they owe no further update.
		!strings.HasPrefix(summaries[1], "4 commitments have had no update published in the last 90 days") ||
		summaries[2] != "1 update is waiting for review." {
		t.Errorf("summaries = %q", summaries)
	}
	if got := text(doc.Find(".app-dashboard-waiting__age")); got != "2 days" {
		t.Errorf("waiting = %q, want 2 days", got)
	}
	if got := text(doc.Find(".app-dashboard-waiting td").Eq(1)); got != "CivTech (Digital Directorate)" {
		t.Errorf("waiting from %q", got)
	}
}

// TestWhoSeesWhat puts an update in every unpublished state, with a review note, and checks that
// no page the public or another organisation's partner can reach shows any of it.
func TestWhoSeesWhat(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	nes := signIn(t, app, tracker.RolePartner, "NES")
	lgdo := signIn(t, app, tracker.RolePartner, "LGDO")
	staff := signIn(t, app, tracker.RoleStaff, "")
	secrets := map[string]string{
		"draft":        "SECRET-DRAFT-4.1",
		"submitted":    "SECRET-SUBMITTED-4.2",
		"returned":     "SECRET-RETURNED-4.3",
		"review note":  "SECRET-NOTE-4.3",
		"staff draft":  "SECRET-STAFF-DRAFT-4.4",
		"later plan":   "SECRET-PLAN",
		"reason":       "SECRET-REASON",
		"evidence":     "https://secret.example/evidence",
		"revised date": "July 2031",
	}
	mustRedirect(t, "draft", nes.post("/report/4.1", with(nes.openForm("4.1"), "action", "draft", "status", "delayed",
		"narrative", secrets["draft"], "due_month", "7", "due_year", "2031", "evidence_url", secrets["evidence"])), "/report")
	mustRedirect(t, "submit", nes.post("/report/4.2", with(nes.openForm("4.2"), "action", "submit", "status", "at_risk",
		"narrative", secrets["submitted"])), "/report")
	mustRedirect(t, "submit", nes.post("/report/4.3", with(nes.openForm("4.3"), "action", "submit", "status", "at_risk",
		"narrative", secrets["returned"])), "/report")
	returned := openUpdate(t, app, nes, "4.3")
	mustRedirect(t, "return", staff.post(fmt.Sprintf("/review/%d", returned.ID), with(staff.reviewForm(returned.ID, "return"),
		"note", secrets["review note"])), "/review")
	mustRedirect(t, "staff draft", staff.post("/report/4.4", with(staff.openForm("4.4"), "action", "draft", "status", "carried_forward",
		"narrative", secrets["staff draft"], "status_reason", secrets["reason"], "carried_forward_to", secrets["later plan"])), "/report")

	leak := func(who, path string, body string) {
		t.Helper()
		for what, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s sees the %s on %s", who, what, path)
			}
		}
	}
	public := []string{"/", "/plans/2023-24", "/priorities/digital-skills-and-leadership", "/plans/2023-24/priorities/digital-skills-and-leadership",
		"/priorities/digital-futures", "/commitments/4.1", "/commitments/4.2", "/commitments/4.3", "/commitments/4.4",
		"/commitments/4.5", "/commitments/5.1", "/plans/2023-24/commitments/4.2", "/organisations/NES", "/organisations/LGDO",
		"/organisations/SG-DHCD", "/organisations/CIVTECH"}
	// Open data, wherever it exists: a route that is not there yet is a 404 and shows nothing.
	public = append(public, "/commitments", "/commitments.csv", "/commitments.json", "/updates.csv", "/updates.json",
		"/feed.atom", "/updates.atom", "/data")
	anon := anonymous(t, app)
	for _, path := range public {
		rec := anon.do(anon.request(http.MethodGet, path, nil))
		if rec.Code >= 500 {
			t.Errorf("GET %s = %d", path, rec.Code)
		}
		leak("the public", path, rec.Body.String())
		// A partner of another organisation sees the public pages and nothing more.
		rec = lgdo.do(lgdo.request(http.MethodGet, path, nil))
		leak("LGDO", path, rec.Body.String())
	}
	// LGDO's own reporting pages: 4.2 and 4.3 are LGDO's too, but NES's updates are NES's.
	for _, path := range []string{"/report", "/report/4.2", "/report/4.3", "/report/4.5", "/report/4.1", "/review",
		fmt.Sprintf("/review/%d", returned.ID), "/dashboard"} {
		rec := lgdo.do(lgdo.request(http.MethodGet, path, nil))
		leak("LGDO", path, rec.Body.String())
	}
	// NES sees its own work, and the note staff wrote to it.
	_, doc := nes.get("/report/4.3")
	if !strings.Contains(text(doc.Find("main")), secrets["review note"]) {
		t.Error("NES does not see the note on its returned update")
	}
	_, doc = nes.get("/report/4.1")
	if formValues(t, doc, "form.app-report-form").Get("narrative") != secrets["draft"] {
		t.Error("NES does not see its own draft")
	}
	// NES does not see the staff member's own draft on 4.4 (it may not report on 4.4 at all).
	rec := nes.do(nes.request(http.MethodGet, "/report/4.4", nil))
	leak("NES", "/report/4.4", rec.Body.String())
	// Staff see what is submitted, not partners' drafts.
	_, doc = staff.get("/review")
	if !strings.Contains(text(doc.Find("main")), secrets["submitted"]) {
		t.Error("staff do not see the submitted update")
	}
	if strings.Contains(text(doc.Find("main")), secrets["draft"]) {
		t.Error("staff see a partner's draft in the review queue")
	}
}

// TestReviewAfterAnotherPublication: an update written before another was published is flagged,
// and publishing from a page opened before that publication is refused with what changed.
func TestReviewAfterAnotherPublication(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	nes := signIn(t, app, tracker.RolePartner, "NES")
	lgdo := signIn(t, app, tracker.RolePartner, "LGDO")
	staff := signIn(t, app, tracker.RoleStaff, "")
	mustRedirect(t, "NES", nes.post("/report/4.2", with(nes.openForm("4.2"), "action", "submit", "status", "on_track", "narrative", "NES view.")), "/report")
	mustRedirect(t, "LGDO", lgdo.post("/report/4.2", with(lgdo.openForm("4.2"), "action", "submit", "status", "delayed", "narrative", "LGDO view.")), "/report")
	a, b := openUpdate(t, app, nes, "4.2"), openUpdate(t, app, lgdo, "4.2")
	formA, formB := staff.reviewForm(a.ID, "publish"), staff.reviewForm(b.ID, "publish")
	mustRedirect(t, "publish NES", staff.post(fmt.Sprintf("/review/%d", a.ID), formA), "/review")
	rec, doc := staff.postDoc(fmt.Sprintf("/review/%d", b.ID), formB)
	if rec.Code != http.StatusConflict || !strings.Contains(text(doc.Find(".app-conflict")), "NES view.") {
		t.Fatalf("publishing from a stale page = %d: %q", rec.Code, text(doc.Find(".app-conflict")))
	}
	// The review page now warns the update predates the publication; publishing it is deliberate.
	_, doc = staff.get(fmt.Sprintf("/review/%d", b.ID))
	if !strings.Contains(text(doc.Find("main")), "published after this one was written") {
		t.Error("the review page does not flag the stale update")
	}
	mustRedirect(t, "publish LGDO", staff.post(fmt.Sprintf("/review/%d", b.ID), staff.reviewForm(b.ID, "publish")), "/review")
	plan, _ := app.Store.CurrentPlan(t.Context())
	c, _ := app.Store.CommitmentByRef(t.Context(), plan.ID, "4.2")
	if c.Status != tracker.Delayed {
		t.Errorf("4.2 is %s, want the later publication's Delayed", c.Status)
	}
	history, _ := app.Store.PublishedUpdates(t.Context(), c.ID)
	if len(history) < 2 || history[0].Narrative != "LGDO view." || history[1].Narrative != "NES view." {
		t.Errorf("history = %v", history[:2])
	}
}

func TestDashboardOfAnotherPlan(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	ctx := context.Background()
	if _, err := app.Pool.Exec(ctx, `INSERT INTO plans (slug, title, period) VALUES ('2024-25', 'Delivery Plan 2024-25', '2024-25');
		INSERT INTO priorities (plan_id, number, slug, name) SELECT id, 1, 'only-area', 'The only area' FROM plans WHERE slug = '2024-25'`); err != nil {
		t.Fatal(err)
	}
	staff := signIn(t, app, tracker.RoleStaff, "")
	for _, tt := range []struct {
		path, total string
		status      int
	}{
		{"/dashboard", "6", http.StatusOK},
		{"/dashboard?plan=2023-24", "6", http.StatusOK},
		{"/dashboard?plan=2024-25", "0", http.StatusOK},
		{"/dashboard?plan=1999-00", "", http.StatusNotFound},
		{"/dashboard?plan=..%2Fx", "", http.StatusNotFound},
	} {
		rec, doc := staff.get(tt.path)
		if rec.Code != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.status)
			continue
		}
		if tt.total == "" {
			continue
		}
		if got := strings.Fields(text(doc.Find(`.app-dashboard-counts tfoot tr td[data-status="total"]`)))[0]; got != tt.total {
			t.Errorf("GET %s: total = %q, want %s", tt.path, got, tt.total)
		}
	}
}
