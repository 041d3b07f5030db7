package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func mustPlan(t *testing.T, app *testApp) tracker.Plan {
	t.Helper()
	p, err := app.Store.PlanBySlug(t.Context(), "2023-24")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundsAndCoverage(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	staffer := signIn(t, app, tracker.RoleStaff, "")

	rec, doc := staffer.get("/admin/rounds/new")
	mustStatus(t, "GET /admin/rounds/new", rec, http.StatusOK)
	f := formOf(t, doc, "main form")
	if f.Get("opens-day") != "23" || f.Get("opens-month") != "11" || f.Get("opens-year") != "2026" || f.Get("remind_before") != "7" || f.Get("remind_after") != "3" || f.Get("plan") == "" {
		t.Errorf("new round defaults = %v", f)
	}
	bad := url.Values{"plan": {f.Get("plan")}, "name": {""}, "opens-day": {"1"}, "opens-month": {"10"}, "opens-year": {"2026"},
		"deadline-day": {"1"}, "deadline-month": {"9"}, "deadline-year": {"2026"}, "remind_before": {"seven"}}
	rec, doc = staffer.postDoc("/admin/rounds/new", bad)
	mustStatus(t, "POST a bad round", rec, http.StatusUnprocessableEntity)
	for _, id := range []string{"name", "deadline", "remind_before"} {
		if doc.Find("#error-message-"+id).Length() != 1 {
			t.Errorf("no error on %s", id)
		}
	}
	f.Set("name", "Q3 2026-27")
	setDate(f, "opens", "1", "10", "2026")
	setDate(f, "deadline", "15", "12", "2026")
	rec = staffer.post("/admin/rounds/new", f)
	mustStatus(t, "open a round", rec, http.StatusSeeOther)
	roundPath := rec.Header().Get("Location")

	f.Set("name", "Q4 2026-27")
	rec, doc = staffer.postDoc("/admin/rounds/new", f)
	mustStatus(t, "open a second round", rec, http.StatusUnprocessableEntity)
	if !strings.Contains(text(doc.Find("#error-message-plan")), "close it before opening another") {
		t.Errorf("second round error = %q", text(doc.Find(".ds_error-summary")))
	}

	// NES submits an update on 4.3 in the round.
	plan := mustPlan(t, app)
	c43, _ := app.Store.CommitmentByRef(t.Context(), plan.ID, "4.3")
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO updates (commitment_id, state, status, narrative, organisation_id, submitted_at)
		VALUES ($1, 'submitted', 'on_track', 'Going well', $2, '2026-10-05')`, c43.ID, orgID(t, app, "NES")); err != nil {
		t.Fatal(err)
	}
	rec, doc = staffer.get(roundPath)
	mustStatus(t, "GET "+roundPath, rec, http.StatusOK)
	if got := text(doc.Find(".app-round-reported")); got != "1 of 4 commitments" {
		t.Errorf("reported = %q, want 1 of 4 (4.2 and 5.1 are delivered)", got)
	}
	byOrg := map[string]string{}
	doc.Find(".app-coverage-organisation").Each(func(_ int, r *goquery.Selection) {
		cells := texts(r.Find("td"))
		byOrg[cells[0]] = cells[1] + " | " + cells[2]
	})
	if got := byOrg["NHS Education for Scotland"]; got != "1 of 2 (50%) | 4.1" {
		t.Errorf("NES coverage = %q (all: %v)", got, byOrg)
	}
	if got := byOrg["Chief Scientist Office"]; got != "0 of 1 (0%) | 4.5" {
		t.Errorf("NES coverage = %q (all: %v)", got, byOrg)
	}
	if got := byOrg["Local Government Digital Office"]; got != "1 of 2 (50%) | 4.5" {
		t.Errorf("LGDO coverage = %q", got)
	}
	var notYet []string
	doc.Find(".app-coverage-commitment").Each(func(_ int, r *goquery.Selection) {
		if r.AttrOr("data-state", "") == "nothing" {
			notYet = append(notYet, text(r.Find("td a").First()))
		}
	})
	if !slices.Equal(notYet, []string{"4.1", "4.4", "4.5"}) {
		t.Errorf("not yet reported = %q", notYet)
	}

	// Close it: then another may open.
	_, doc = staffer.get(roundPath + "/close")
	rec = staffer.post(roundPath+"/close", formOf(t, doc, "main form"))
	mustStatus(t, "close the round", rec, http.StatusSeeOther)
	rec = staffer.post("/admin/rounds/new", f)
	mustStatus(t, "open the next round", rec, http.StatusSeeOther)
	_, doc = staffer.get("/admin/rounds")
	if got := texts(doc.Find(".app-admin-round td:last-child")); !slices.Equal(got, []string{"Open", "Closed"}) {
		t.Errorf("round states = %q", got)
	}
}

func TestOutboxPages(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	ctx := context.Background()
	for i, status := range []tracker.EmailStatus{tracker.EmailSkipped, tracker.EmailPending} {
		if _, err := app.Store.Enqueue(ctx, tracker.Email{Kind: "test", Recipient: "partner@example.scot",
			Subject: "Reminder " + strconv.Itoa(i), Body: "Dear <partner>,\nPlease report."}, "k"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if status == tracker.EmailSkipped {
			if _, err := app.Store.DeliverNext(ctx, func(context.Context, tracker.Email) postgres.Delivery {
				return postgres.Delivery{Status: tracker.EmailSkipped, Error: "Not sent: SMTP is not configured"}
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	rec, doc := staffer.get("/admin/outbox")
	mustStatus(t, "GET /admin/outbox", rec, http.StatusOK)
	checkPage(t, "/admin/outbox", doc, "Outbox")
	if !strings.Contains(text(doc.Find("main")), "No mail server is configured") {
		t.Error("the outbox does not say that no mail server is configured")
	}
	if n := doc.Find(".app-outbox__email").Length(); n != 2 {
		t.Errorf("outbox lists %d emails, want 2", n)
	}
	_, doc = staffer.get("/admin/outbox?status=skipped")
	if got := texts(doc.Find(".app-outbox__email td:nth-child(5)")); !slices.Equal(got, []string{"Not sent"}) {
		t.Errorf("skipped emails = %q", got)
	}
	href := doc.Find(".app-outbox__email a").AttrOr("href", "")
	rec, doc = staffer.get(href)
	mustStatus(t, "GET "+href, rec, http.StatusOK)
	if got := doc.Find(".app-email-body").Text(); got != "Dear <partner>,\nPlease report." {
		t.Errorf("email body = %q", got)
	}
	if !strings.Contains(text(doc.Find("main")), "Not sent: SMTP is not configured") {
		t.Error("the email does not say why it was not sent")
	}
	if rec, _ := staffer.get("/admin/outbox/999999"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown email = %d", rec.Code)
	}
}

// TestReportShowsTheOpenRound: partners see on /report which of their commitments still need an
// update in the open round; reporting through the form takes a commitment off the list and counts
// on the round's coverage.
func TestReportShowsTheOpenRound(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	plan := mustPlan(t, app)
	round, err := app.Store.CreateRound(t.Context(), tracker.Actor{Label: "test"}, tracker.Round{PlanID: plan.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	partner := signIn(t, app, tracker.RolePartner, "NES")
	missing := func() []string {
		t.Helper()
		rec, doc := partner.get("/report")
		mustStatus(t, "GET /report", rec, http.StatusOK)
		notice := doc.Find(".app-report-round")
		if !strings.Contains(text(notice), "Q3 2026-27: updates due by 15 December 2026") {
			t.Errorf("round notice = %q", text(notice))
		}
		var refs []string
		notice.Find(".app-report-round__missing a").Each(func(_ int, a *goquery.Selection) {
			refs = append(refs, strings.Fields(text(a))[0])
		})
		return refs
	}
	// NES leads 4.1, 4.2 (delivered) and 4.3.
	if got := missing(); !slices.Equal(got, []string{"4.1", "4.3"}) {
		t.Fatalf("needing an update = %q, want 4.1 and 4.3", got)
	}
	_, doc := partner.get("/report/4.3")
	f := formOf(t, doc, "main form")
	f.Set("status", "on_track")
	f.Set("narrative", "Framework work continues with Boards.")
	f.Set("action", "submit")
	if rec := partner.post("/report/4.3", f); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit on 4.3 = %d\n%s", rec.Code, truncateBody(rec.Body.String()))
	}
	if got := missing(); !slices.Equal(got, []string{"4.1"}) {
		t.Errorf("after reporting on 4.3, needing an update = %q, want 4.1", got)
	}
	staffer := signIn(t, app, tracker.RoleStaff, "")
	_, doc = staffer.get("/admin/rounds/" + strconv.FormatInt(round.ID, 10))
	if got := text(doc.Find(".app-round-reported")); got != "1 of 4 commitments" {
		t.Errorf("round coverage = %q after NES reported on 4.3", got)
	}
	// No round open: no notice.
	_, doc = staffer.get("/admin/rounds/" + strconv.FormatInt(round.ID, 10) + "/close")
	staffer.post("/admin/rounds/"+strconv.FormatInt(round.ID, 10)+"/close", formOf(t, doc, "main form"))
	if _, doc := partner.get("/report"); doc.Find(".app-report-round").Length() != 0 {
		t.Error("the notice stays after the round closed")
	}
}
