package server_test

// Public email alerts, through a real SMTP server: double opt-in, one-click unsubscribe (RFC
// 8058), daily summaries, and only published changes.

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/mail/smtptest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

var alertLink = regexp.MustCompile(`https?://[^\s"<>]+/alerts/(confirm|unsubscribe|manage)\?t=[A-Za-z0-9_%-]+`)

// linkIn returns the path and query of the first link of the kind ("confirm", "unsubscribe" or
// "manage") in the message's text.
func linkIn(t *testing.T, m smtptest.Message, kind string) string {
	t.Helper()
	for _, l := range alertLink.FindAllString(m.Text, -1) {
		if strings.Contains(l, "/alerts/"+kind+"?") {
			u, err := url.Parse(l)
			if err != nil {
				t.Fatal(err)
			}
			return u.RequestURI()
		}
	}
	t.Fatalf("%q has no %s link:\n%s", m.Subject, kind, m.Text)
	return ""
}

// subscribeTo asks for alerts about the page at path as a visitor and returns the confirmation
// email.
func subscribeTo(t *testing.T, app *mailApp, path, email, frequency string) smtptest.Message {
	t.Helper()
	anon := anonymous(t, app.testApp)
	mustRedirect(t, "subscribe", anon.post(path+"/get-updates", url.Values{"email": {email}, "frequency": {frequency}}), "/alerts/check-email")
	before := len(app.smtp.To(email))
	app.send(t)
	got := app.smtp.To(email)
	if len(got) != before+1 {
		t.Fatalf("%d emails to %s after subscribing, want %d", len(got), email, before+1)
	}
	return got[len(got)-1]
}

// publishOn publishes an update on the commitment as staff, with the status and narrative.
func publishOn(t *testing.T, app *mailApp, staff *client, ref, status, narrative string) {
	t.Helper()
	mustRedirect(t, "publish on "+ref, staff.post("/report/"+ref, with(staff.openForm(ref), "action", "publish",
		"status", status, "narrative", narrative)), "/commitments/"+ref)
}

func TestAlertDoubleOptInAndOneClickUnsubscribe(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	staff := signIn(t, app.testApp, tracker.RoleStaff, "")
	partner := signIn(t, app.testApp, tracker.RolePartner, "NES")
	const addr = "reader@example.org"

	// The Get updates page offers email, the feed address and the open data.
	_, doc := anonymous(t, app.testApp).get("/commitments/4.1/get-updates")
	if doc.Find(`form.app-subscribe input[name="email"]`).Length() != 1 ||
		doc.Find("#feed-address").AttrOr("value", "") != app.Config.BaseURL+"/commitments/4.1/updates.atom" ||
		!strings.Contains(text(doc.Find("main")), "feed reader") {
		t.Fatalf("the Get updates page lacks the email form, the feed address or what a feed reader is")
	}

	// Bad input comes back with errors and what was typed.
	rec, doc := anonymous(t, app.testApp).postDoc("/commitments/4.1/get-updates", url.Values{"email": {"not an address"}})
	if rec.Code != http.StatusUnprocessableEntity || doc.Find(".ds_error-summary").Length() != 1 ||
		doc.Find(`input[name="email"]`).AttrOr("value", "") != "not an address" {
		t.Errorf("bad subscription = %d", rec.Code)
	}

	confirm := subscribeTo(t, app, "/commitments/4.1", addr, "immediate")
	if !strings.HasPrefix(confirm.Subject, "Confirm you want emails about Commitment 4.1") {
		t.Errorf("confirmation subject = %q", confirm.Subject)
	}
	checkReadable(t, confirm, app.Config.BaseURL)

	// Nothing is sent before the link is followed.
	publishOn(t, app, staff, "4.1", "on_track", "Published before confirming.")
	app.send(t)
	if n := len(app.smtp.To(addr)); n != 1 {
		t.Fatalf("%d emails before confirming, want only the confirmation", n)
	}

	// Opening the link asks; only the button confirms.
	visitor := anonymous(t, app.testApp)
	link := linkIn(t, confirm, "confirm")
	if rec, doc := visitor.get(link); rec.Code != http.StatusOK || doc.Find("main form button").Length() != 1 {
		t.Fatalf("GET confirm link = %d", rec.Code)
	}
	if rec := visitor.post(link, nil); rec.Code != http.StatusOK {
		t.Fatalf("POST confirm = %d", rec.Code)
	}
	if rec, _ := visitor.get(link); rec.Code != http.StatusNotFound {
		t.Errorf("a used confirm link = %d, want 404", rec.Code)
	}

	// A published update is sent, with the RFC 8058 headers and links in the body. The partner's
	// submission (not published) is not.
	mustRedirect(t, "submit", partner.post("/report/4.2", with(partner.openForm("4.2"), "action", "submit",
		"status", "at_risk", "narrative", "A secret draft.")), "/report")
	publishOn(t, app, staff, "4.1", "at_risk", "Cohort 3 is late.")
	app.send(t)
	got := app.smtp.To(addr)
	if len(got) != 2 {
		t.Fatalf("%d emails after publishing, want 2", len(got))
	}
	alert := got[1]
	if alert.Subject != "Commitment 4.1 is now At risk" || !strings.Contains(alert.Text, "Cohort 3 is late.") {
		t.Errorf("alert = %q:\n%s", alert.Subject, alert.Text)
	}
	checkReadable(t, alert, app.Config.BaseURL)
	lu := alert.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<"+app.Config.BaseURL+"/alerts/unsubscribe?t=") || !strings.HasSuffix(lu, ">") ||
		alert.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe = %q, List-Unsubscribe-Post = %q", lu, alert.Header.Get("List-Unsubscribe-Post"))
	}
	linkIn(t, alert, "unsubscribe")
	linkIn(t, alert, "manage")
	for _, m := range app.smtp.Messages() {
		if strings.Contains(m.Text, "A secret draft.") && m.To[0] == addr {
			t.Errorf("an alert told of an unpublished update")
		}
	}

	// One-click unsubscribe: the mail provider POSTs the RFC 8058 body to the header's address,
	// from another origin, without cookies.
	u, _ := url.Parse(strings.Trim(lu, "<>"))
	req := httptest.NewRequest(http.MethodPost, u.RequestURI(), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.example.net")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	w := httptest.NewRecorder()
	app.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("one-click unsubscribe = %d\n%s", w.Code, w.Body.String())
	}
	// Another cross-site POST, to any other route, is still refused.
	req = httptest.NewRequest(http.MethodPost, linkIn(t, alert, "manage"), strings.NewReader("action=unsubscribe-all"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	w = httptest.NewRecorder()
	app.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Errorf("cross-site POST to the manage page = %d, want 403", w.Code)
	}

	// Nothing is sent after unsubscribing, and the address is gone.
	publishOn(t, app, staff, "4.1", "on_track", "One more.")
	app.send(t)
	if n := len(app.smtp.To(addr)); n != 2 {
		t.Errorf("%d emails after unsubscribing, want 2", n)
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM alert_subscribers WHERE email = $1`, addr).Scan(&n); err != nil || n != 0 {
		t.Errorf("the address is still kept (%d, %v)", n, err)
	}
}

func TestAlertSubscribeAnswersAlike(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	const addr = "twice@example.org"
	confirm := subscribeTo(t, app, "/priorities/digital-skills-and-leadership", addr, "immediate")
	anonymous(t, app.testApp).post(linkIn(t, confirm, "confirm"), nil)

	// Asking again for what the address has: the same answer, and no email.
	anon := anonymous(t, app.testApp)
	rec := anon.post("/priorities/digital-skills-and-leadership/get-updates", url.Values{"email": {addr}, "frequency": {"daily"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/alerts/check-email" {
		t.Errorf("subscribing again = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	app.send(t)
	if n := len(app.smtp.To(addr)); n != 1 {
		t.Errorf("%d emails after subscribing again, want 1", n)
	}

	// Throttled per address: the 6th request in an hour sends nothing, with the same answer.
	const flood = "flood@example.org"
	for i := range 8 {
		rec := anon.post("/organisations/NES/get-updates", url.Values{"email": {flood}, "frequency": {"immediate"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/alerts/check-email" {
			t.Fatalf("request %d = %d", i+1, rec.Code)
		}
	}
	app.send(t)
	if n := len(app.smtp.To(flood)); n != 5 {
		t.Errorf("%d confirmation emails for 8 requests, want 5", n)
	}
}

func TestAlertDigestAndManage(t *testing.T) {
	t.Parallel()
	app := newMailApp(t, withNow(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)))
	staff := signIn(t, app.testApp, tracker.RoleStaff, "")
	const addr = "daily@example.org"
	visitor := anonymous(t, app.testApp)
	visitor.post(linkIn(t, subscribeTo(t, app, "", addr, "daily"), "confirm"), nil)
	visitor.post(linkIn(t, subscribeTo(t, app, "/organisations/NES", addr, "daily"), "confirm"), nil)

	// Two publications touching both alerts: nothing that day; one summary the next, listing each
	// change once.
	publishOn(t, app, staff, "4.1", "delayed", "First change.")
	publishOn(t, app, staff, "4.2", "at_risk", "Second change.")
	app.send(t)
	if n := len(app.smtp.To(addr)); n != 2 {
		t.Fatalf("%d emails on the day, want only the 2 confirmations", n)
	}
	app.clock.Advance(24 * time.Hour)
	app.send(t)
	app.send(t)
	got := app.smtp.To(addr)
	if len(got) != 3 {
		t.Fatalf("%d emails the next day, want 3", len(got))
	}
	digest := got[2]
	if !strings.HasPrefix(digest.Subject, "Daily summary from Delivery Tracker: 2 changes") ||
		strings.Count(digest.Text, "Commitment 4.1 is now Delayed") != 1 || !strings.Contains(digest.Text, "Commitment 4.2 is now At risk") {
		t.Errorf("summary = %q:\n%s", digest.Subject, digest.Text)
	}
	if digest.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("the summary has no one-click unsubscribe")
	}
	checkReadable(t, digest, app.Config.BaseURL)

	// The manage link lists both alerts; one is changed to at once, the other stopped.
	manage := linkIn(t, digest, "manage")
	rec, doc := visitor.get(manage)
	if rec.Code != http.StatusOK || doc.Find(".app-alert").Length() != 2 {
		t.Fatalf("manage page = %d with %d alerts", rec.Code, doc.Find(".app-alert").Length())
	}
	first := doc.Find(`.app-alert input[name="subscription"]`).First().AttrOr("value", "")
	second := doc.Find(`.app-alert input[name="subscription"]`).Last().AttrOr("value", "")
	mustRedirect(t, "stop one", visitor.post(manage, url.Values{"subscription": {second}, "action": {"unsubscribe"}}), manage)
	mustRedirect(t, "change", visitor.post(manage, url.Values{"subscription": {first}, "action": {"frequency"}, "frequency": {"immediate"}}), manage)
	_, doc = visitor.get(manage)
	if doc.Find(".app-alert").Length() != 1 {
		t.Errorf("%d alerts after stopping one, want 1", doc.Find(".app-alert").Length())
	}
	staff = signIn(t, app.testApp, tracker.RoleStaff, "") // the first session has expired
	publishOn(t, app, staff, "4.3", "on_track", "Third change.")
	app.send(t)
	if got := app.smtp.To(addr); len(got) != 4 || got[3].Subject != "Commitment 4.3: new progress update" {
		t.Errorf("after choosing at once: %d emails", len(got))
	}
	// Stopping everything deletes the address.
	if rec := visitor.post(manage, url.Values{"action": {"unsubscribe-all"}}); rec.Code != http.StatusOK {
		t.Errorf("stop all = %d", rec.Code)
	}
	if rec, _ := visitor.get(manage); rec.Code != http.StatusNotFound {
		t.Errorf("manage link after stopping all = %d, want 404", rec.Code)
	}
}

func TestUnconfirmedAlertsAreDeleted(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	subscribeTo(t, app, "/commitments/4.1", "later@example.org", "immediate")
	app.clock.Advance(6 * 24 * time.Hour)
	if n, err := app.Store.DeleteStaleAlerts(t.Context()); err != nil || n != 0 {
		t.Fatalf("after 6 days: %d deleted, %v", n, err)
	}
	app.clock.Advance(25 * time.Hour)
	if n, err := app.Store.DeleteStaleAlerts(t.Context()); err != nil || n != 1 {
		t.Fatalf("after 7 days: %d deleted, %v; want 1", n, err)
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM alert_subscribers) + (SELECT count(*) FROM alert_tokens)
		+ (SELECT count(*) FROM outbox WHERE recipient = 'later@example.org')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows still hold the address (%v)", n, err)
	}
}

func TestRelayFailsThenRecovers(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	reviewer := signIn(t, app.testApp, tracker.RoleStaff, "")
	partner := signIn(t, app.testApp, tracker.RolePartner, "NES")
	app.smtp.SetFailing(true)
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "on_track", "narrative", "While the relay is down.")), "/report")
	app.send(t)
	if app.smtp.Refused() != 1 || len(app.smtp.Messages()) != 0 {
		t.Fatalf("refused %d, accepted %d", app.smtp.Refused(), len(app.smtp.Messages()))
	}
	// Retried only after the backoff.
	app.send(t)
	if app.smtp.Refused() != 1 {
		t.Errorf("tried again within the backoff: %d refusals", app.smtp.Refused())
	}
	app.clock.Advance(2 * time.Minute)
	app.send(t)
	if app.smtp.Refused() != 2 {
		t.Errorf("%d refusals after the first backoff, want 2", app.smtp.Refused())
	}
	// The relay recovers: the email goes once, however often the worker runs after.
	app.smtp.SetFailing(false)
	app.clock.Advance(5 * time.Minute)
	app.send(t)
	app.clock.Advance(time.Hour)
	app.send(t)
	if got := app.smtp.To(reviewer.User.Email); len(got) != 1 {
		t.Errorf("%d copies after the relay recovered, want 1", len(got))
	}
	// Staff read it in the outbox, in words.
	admin := signIn(t, app.testApp, tracker.RoleAdmin, "")
	rec, doc := admin.get("/admin/outbox")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/outbox = %d", rec.Code)
	}
	if got := text(doc.Find(".app-outbox__email td:nth-child(2)")); got != "An update is submitted for review" {
		t.Errorf("outbox says %q", got)
	}
}
