package server_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const returnNote = "Say which boards have gone live."

// switchScene sets up the turn of the year with work in progress: a reporting round open on
// 2023-24, NES's update on 4.3 returned with a note, and the 2024-25 plan (published on the day
// given, or not at all for nil) with 4.1, 4.3 and 4.5 carried forward into it. It returns NES's
// partner and a member of staff, signed in.
func switchScene(t *testing.T, app *testApp, published *time.Time) (partner, staffer *client, next tracker.Plan) {
	t.Helper()
	ctx := t.Context()
	partner = signIn(t, app, tracker.RolePartner, "NES")
	staffer = signIn(t, app, tracker.RoleStaff, "")
	old, err := app.Store.PlanBySlug(ctx, "2023-24")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.CreateRound(ctx, staffer.actor(), tracker.Round{PlanID: old.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	_, doc := partner.get("/report/4.3")
	f := formOf(t, doc, "main form")
	f.Set("status", "on_track")
	f.Set("narrative", "Half the boards are live.")
	f.Set("action", "submit")
	mustStatus(t, "NES submits 4.3", partner.post("/report/4.3", f), http.StatusSeeOther)
	queue, _, err := app.Store.ReviewQueue(ctx, 0)
	if err != nil || len(queue) != 1 {
		t.Fatalf("review queue = %+v, %v", queue, err)
	}
	if _, err := app.Store.ReturnUpdate(ctx, staffer.actor(), queue[0].ID, queue[0].Version, returnNote); err != nil {
		t.Fatal(err)
	}
	next, err = app.Store.CreatePlan(ctx, staffer.actor(), postgres.NewPlan{PreviousID: old.ID, CopyPriorities: true,
		Plan: tracker.Plan{Slug: "2024-25", Title: "Care in the Digital Age: Delivery Plan 2024-25", Period: "2024-25", PublishedOn: published}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, ref := range []string{"4.1", "4.3", "4.5"} {
		ids = append(ids, commitmentID(t, app, "2023-24", ref))
	}
	if _, err := app.Store.CarryForward(ctx, staffer.actor(), next.ID, ids); err != nil {
		t.Fatal(err)
	}
	next, err = app.Store.PlanBySlug(ctx, "2024-25")
	if err != nil {
		t.Fatal(err)
	}
	return partner, staffer, next
}

// publicAddresses returns every public address the portal has now: the pages its sitemap lists,
// with the feeds and "Get updates" pages of each commitment, priority area and organisation, and
// the downloads.
func publicAddresses(t *testing.T, c *client) []string {
	t.Helper()
	rec := c.do(c.request(http.MethodGet, "/sitemap.xml", nil))
	mustStatus(t, "GET /sitemap.xml", rec, http.StatusOK)
	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	out := []string{"/commitments.csv", "/commitments.json", "/updates.csv", "/updates.json", "/updates.atom", "/get-updates"}
	perRecord := regexp.MustCompile(`^(/plans/[^/]+)?/(commitments|priorities|organisations)/[^/]+$`)
	for _, u := range set.URLs {
		path := strings.TrimPrefix(u.Loc, "http://example.com")
		out = append(out, path)
		if perRecord.MatchString(path) {
			out = append(out, path+"/updates.atom", path+"/get-updates")
		}
	}
	return out
}

// TestEveryAddressWorksAfterTheSwitch crawls the public pages, makes 2024-25 current and checks
// that every address that worked before still does: a 200, or a permanent redirect to a 200.
func TestEveryAddressWorksAfterTheSwitch(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	anon := anonymous(t, app)
	before := publicAddresses(t, anon)
	if len(before) < 60 {
		t.Fatalf("found %d public addresses, want the whole plan", len(before))
	}
	for _, p := range before {
		mustStatus(t, "before the switch, GET "+p, anon.do(anon.request(http.MethodGet, p, nil)), http.StatusOK)
	}
	_, staffer, next := switchScene(t, app, &fixedNow)
	if err := app.Store.SwitchPlan(t.Context(), staffer.actor(), next.ID, next.Version, "Published", false); err != nil {
		t.Fatal(err)
	}

	redirects := 0
	for _, p := range before {
		rec := anon.do(anon.request(http.MethodGet, p, nil))
		switch rec.Code {
		case http.StatusOK:
		case http.StatusPermanentRedirect, http.StatusMovedPermanently:
			redirects++
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/plans/2023-24/") {
				t.Errorf("after the switch, %s redirects to %q, want the 2023-24 plan's page", p, loc)
			}
			if got := anon.do(anon.request(http.MethodGet, loc, nil)); got.Code != http.StatusOK {
				t.Errorf("after the switch, %s redirects to %s, which gives %d", p, loc, got.Code)
			}
		default:
			t.Errorf("after the switch, GET %s = %d, want 200 or a permanent redirect", p, rec.Code)
		}
	}
	if redirects == 0 {
		t.Error("no address redirected: the refs not in 2024-25 should")
	}

	// A ref the new plan does not have goes to the earlier plan, feed and query kept.
	for from, to := range map[string]string{
		"/commitments/4.2":                 "/plans/2023-24/commitments/4.2",
		"/commitments/4.2/updates.atom":    "/plans/2023-24/commitments/4.2/updates.atom",
		"/commitments/4.2/get-updates?x=1": "/plans/2023-24/commitments/4.2/get-updates?x=1",
	} {
		rec := anon.do(anon.request(http.MethodGet, from, nil))
		if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != to {
			t.Errorf("GET %s = %d to %q, want 308 to %s", from, rec.Code, rec.Header().Get("Location"), to)
		}
	}
	// A ref in both shows the current one, linking to the earlier one and its history.
	rec, doc := anon.get("/commitments/4.3")
	mustStatus(t, "GET /commitments/4.3", rec, http.StatusOK)
	if href := doc.Find(".app-carried-from a").AttrOr("href", ""); href != "/plans/2023-24/commitments/4.3" {
		t.Errorf("4.3 links to the earlier plan's at %q", href)
	}
	if got := text(doc.Find(".app-earlier-history")); got != "Progress in the Care in the Digital Age: Delivery Plan 2023-24" {
		t.Errorf("4.3's earlier history is headed %q", got)
	}
	if n := doc.Find(".app-timeline__item").Length(); n < 2 {
		t.Errorf("4.3's page shows %d updates, want its history across both plans", n)
	}
	// The carried forward entry on the earlier one says it once.
	_, doc = anon.get("/plans/2023-24/commitments/4.3")
	first := text(doc.Find(".app-timeline__item").First())
	if n := strings.Count(first, "Carried forward to"); n != 1 {
		t.Errorf("the carried forward entry says where it went %d times: %q", n, first)
	}
}

// TestMakeCurrentConfirmation checks the page confirming a plan as the current one: it refuses a
// plan with no publication date, then lists the open round, NES's returned update and what would
// be overdue at once; after the switch NES still finds and finishes its update on 2023-24's 4.3,
// in the round still open.
func TestMakeCurrentConfirmation(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner, staffer, next := switchScene(t, app, nil)
	const page = "/admin/plans/2024-25/make-current"

	rec, doc := staffer.get(page)
	mustStatus(t, "GET "+page, rec, http.StatusOK)
	if got := text(doc.Find(".app-confirm-refused")); !strings.Contains(got, tracker.MsgNoPublicationDate) || doc.Find("main form").Length() != 0 {
		t.Errorf("with no publication date the page says %q and has %d forms, want it refused with no button", got, doc.Find("main form").Length())
	}
	rec, doc = staffer.postDoc(page, url.Values{"reason": {"Published"}, "version": {"1"}})
	mustStatus(t, "POST "+page+" with no publication date", rec, http.StatusUnprocessableEntity)
	if got := text(doc.Find(".ds_error-summary")); !strings.Contains(got, tracker.MsgNoPublicationDate) {
		t.Errorf("refusal says %q", got)
	}

	next.PublishedOn = &fixedNow
	if _, err := app.Store.UpdatePlan(t.Context(), staffer.actor(), next); err != nil {
		t.Fatal(err)
	}
	rec, doc = staffer.get(page)
	mustStatus(t, "GET "+page, rec, http.StatusOK)
	checkPage(t, page, doc, "Make Care in the Digital Age: Delivery Plan 2024-25 the current plan")
	if got := text(doc.Find(".app-switch-rounds")); !strings.Contains(got, "Q3 2026-27") {
		t.Errorf("open rounds: %q", got)
	}
	if got := text(doc.Find(".app-switch-in-progress")); !strings.Contains(got, "4.3") || !strings.Contains(got, "NHS Education for Scotland") ||
		!strings.Contains(got, "Returned for changes") {
		t.Errorf("updates in progress: %q", got)
	}
	if got := text(doc.Find(".app-switch-overdue")); !strings.Contains(got, "4.1") || !strings.Contains(got, "due March 2026") {
		t.Errorf("overdue at once: %q, want 4.1 (due March 2026)", got)
	}
	f := formOf(t, doc, "main form")
	if doc.Find(`input[name="close_rounds"]`).Length() != 1 || f.Get("close_rounds") != "" {
		t.Errorf("the form offers to close the rounds %d times, ticked %q: want once, not ticked", doc.Find(`input[name="close_rounds"]`).Length(), f.Get("close_rounds"))
	}
	f.Set("reason", "The 2024-25 plan is published.")
	mustStatus(t, "POST "+page, staffer.post(page, f), http.StatusSeeOther)

	// NES still finds its returned update, with the note, and the 2023-24 round.
	rec, doc = partner.get("/report")
	mustStatus(t, "GET /report", rec, http.StatusOK)
	if got := text(doc.Find(".app-report-earlier")); got != "Care in the Digital Age: Delivery Plan 2023-24" {
		t.Errorf("/report's earlier plan heading = %q", got)
	}
	if got := text(doc.Find(".app-report-round")); !strings.Contains(got, "Q3 2026-27") {
		t.Errorf("/report does not show 2023-24's round still open: %q", got)
	}
	// The link in the email about the return, made while 2023-24 was current, leads to 4.3 of
	// 2024-25, which points to the update to finish.
	_, form := partner.get("/report/4.3")
	if href := form.Find(".app-earlier-open a").AttrOr("href", ""); href != "/report/plans/2023-24/4.3" {
		t.Errorf("2024-25's 4.3 form points to the update in progress at %q", href)
	}
	link := doc.Find(`a[href="/report/plans/2023-24/4.3"]`)
	if !strings.Contains(text(link), "Change and resubmit") {
		t.Fatalf("/report has no link to finish 4.3 of 2023-24: %q", text(link))
	}
	rec, doc = partner.get("/report/plans/2023-24/4.3")
	mustStatus(t, "GET /report/plans/2023-24/4.3", rec, http.StatusOK)
	if !strings.Contains(text(doc.Find("main")), returnNote) {
		t.Error("the earlier plan's report form does not show the staff note")
	}
	// NES may reply to the note there too.
	if doc.Find(`a[href="/report/plans/2023-24/4.3/reply"]`).Length() == 0 {
		t.Error("the earlier plan's report form has no link to reply to the note")
	}
	if rec, reply := partner.get("/report/plans/2023-24/4.3/reply"); rec.Code != http.StatusOK || !strings.Contains(text(reply.Find("main")), returnNote) {
		t.Errorf("GET /report/plans/2023-24/4.3/reply = %d, want the conversation about the note", rec.Code)
	}
	f = formOf(t, doc, "main form")
	f.Set("narrative", "Half the boards are live: Grampian, Lothian and Tayside.")
	f.Set("action", "submit")
	// 4.3 was carried forward since NES started the update: the form says so first, keeping
	// what was typed, and NES sends it again having read it.
	rec, doc = partner.postDoc("/report/plans/2023-24/4.3", f)
	mustStatus(t, "NES resubmits 2023-24's 4.3", rec, http.StatusConflict)
	if got := text(doc.Find(".app-conflict")); !strings.Contains(got, "Carried forward") {
		t.Errorf("the conflict does not say 4.3 was carried forward: %q", got)
	}
	f = formOf(t, doc, "main form")
	f.Set("action", "submit")
	mustStatus(t, "NES resubmits 2023-24's 4.3 again", partner.post("/report/plans/2023-24/4.3", f), http.StatusSeeOther)
	queue, _, err := app.Store.ReviewQueue(t.Context(), 0)
	if err != nil || len(queue) != 1 || queue[0].CommitmentID != commitmentID(t, app, "2023-24", "4.3") {
		t.Errorf("review queue after resubmitting = %+v, %v; want the update on 2023-24's 4.3", queue, err)
	}
}
