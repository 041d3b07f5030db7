package server_test

// Emails at every hand-off, sent through a real SMTP server (smtptest) by the outbox worker.

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/mail/smtptest"
	"github.com/scottish-government/delivery-tracker/internal/reminder"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// mailApp is a portal whose outbox worker sends through an SMTP server of the test's own.
type mailApp struct {
	*testApp
	smtp   *smtptest.Server
	worker *reminder.Worker
}

func newMailApp(t *testing.T, opts ...appOption) *mailApp {
	t.Helper()
	srv := smtptest.Start(t)
	m := &mailApp{smtp: srv}
	opts = append(opts, withConfig(func(c *server.Config) { c.Mailer = srv.Mailer(t) }))
	m.testApp = newApp(t, opts...)
	m.worker = &reminder.Worker{Store: m.Store, Mailer: srv.Mailer(t), BaseURL: m.Config.BaseURL}
	return m
}

// send runs one pass of the outbox worker, as `portal serve` does every interval.
func (m *mailApp) send(t *testing.T) {
	t.Helper()
	if _, _, err := m.worker.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// only returns the one message to the address, failing the test unless there is exactly one.
func (m *mailApp) only(t *testing.T, addr string) smtptest.Message {
	t.Helper()
	got := m.smtp.To(addr)
	if len(got) != 1 {
		var subjects []string
		for _, g := range got {
			subjects = append(subjects, g.Subject)
		}
		t.Fatalf("%d messages to %s, want 1: %q", len(got), addr, subjects)
	}
	return got[0]
}

var absoluteLink = regexp.MustCompile(`https?://[^\s"<>]+`)

// queueReplyForTest queues the email telling the reviewer of a partner's reply, in a transaction
// as the reply's would be.
func queueReplyForTest(t *testing.T, app *testApp, updateID int64, from, reply string) error {
	t.Helper()
	return pgx.BeginFunc(t.Context(), app.Pool, func(tx pgx.Tx) error {
		return app.Store.QueueReply(t.Context(), tx, app.clock.Now(), updateID, 1, from, reply)
	})
}

// checkReadable checks what every email must be: multipart with both parts, the sender from
// configuration, and every link absolute under BASE_URL.
func checkReadable(t *testing.T, m smtptest.Message, base string) {
	t.Helper()
	if !strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/alternative") || m.Text == "" || m.HTML == "" {
		t.Errorf("%q: Content-Type %q, text %d bytes, HTML %d bytes; want multipart/alternative with both",
			m.Subject, m.Header.Get("Content-Type"), len(m.Text), len(m.HTML))
	}
	if from := m.Header.Get("From"); !strings.Contains(from, "no-reply@tracker.example") {
		t.Errorf("%q: From = %q, want the configured sender", m.Subject, from)
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, link := range absoluteLink.FindAllString(part, -1) {
			if !strings.HasPrefix(link, base+"/") {
				t.Errorf("%q: link %q is not under %s", m.Subject, link, base)
			}
		}
	}
	if strings.Contains(m.HTML, `href="/`) {
		t.Errorf("%q: HTML has a relative link", m.Subject)
	}
}

func TestHandoffEmails(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	reviewer := signIn(t, app.testApp, tracker.RoleStaff, "")
	other, _ := createUser(t, app.testApp, tracker.RoleAdmin, "")
	partner := signIn(t, app.testApp, tracker.RolePartner, "NES")
	colleague, _ := createUser(t, app.testApp, tracker.RolePartner, "NES")
	outsider, _ := createUser(t, app.testApp, tracker.RolePartner, "CIVTECH")
	base := app.Config.BaseURL

	// Submitted: every reviewer hears, with a link to the review page.
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "on_track", "narrative", "Cohort 3 starts in June.")), "/report")
	app.send(t)
	u := openUpdate(t, app.testApp, partner, "4.1")
	for _, to := range []string{reviewer.User.Email, other.Email} {
		m := app.only(t, to)
		if m.Subject != "Update submitted for review: commitment 4.1" {
			t.Errorf("subject to %s = %q", to, m.Subject)
		}
		if want := fmt.Sprintf("%s/review/%d", base, u.ID); !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("submitted email lacks %s:\n%s", want, m.Text)
		}
		checkReadable(t, m, base)
	}
	if n := len(app.smtp.To(partner.User.Email)) + len(app.smtp.To(colleague.Email)); n != 0 {
		t.Errorf("partners got %d emails about their own submission", n)
	}

	// Returned: the organisation's partners hear, with the note; other organisations do not.
	ret := reviewer.reviewForm(u.ID, "return")
	mustRedirect(t, "return", reviewer.post(fmt.Sprintf("/review/%d", u.ID), with(ret, "note", "Say when applications open.")), "/review")
	app.send(t)
	for _, to := range []string{partner.User.Email, colleague.Email} {
		m := app.only(t, to)
		if m.Subject != "Update returned with a note: commitment 4.1" || !strings.Contains(m.Text, "> Say when applications open.") ||
			!strings.Contains(m.HTML, "Say when applications open.") || !strings.Contains(m.Text, base+"/report/4.1") {
			t.Errorf("returned email to %s = %q:\n%s", to, m.Subject, m.Text)
		}
		checkReadable(t, m, base)
	}
	if n := len(app.smtp.To(outsider.Email)); n != 0 {
		t.Errorf("another organisation's partner got %d emails", n)
	}

	// Resubmitted: the reviewers hear again, in words that say so.
	mustRedirect(t, "resubmit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"narrative", "Cohort 3 starts in June; applications open in March.")), "/report")
	app.send(t)
	if got := app.smtp.To(reviewer.User.Email); len(got) != 2 || got[1].Subject != "Update resubmitted for review: commitment 4.1" {
		t.Errorf("reviewer's emails after resubmission: %d", len(got))
	}

	// Published: the partners hear, with the public link.
	pub := reviewer.reviewForm(u.ID, "publish")
	mustRedirect(t, "publish", reviewer.post(fmt.Sprintf("/review/%d", u.ID), pub), "/review")
	app.send(t)
	for _, to := range []string{partner.User.Email, colleague.Email} {
		got := app.smtp.To(to)
		if len(got) != 2 || got[1].Subject != "Update published: commitment 4.1" || !strings.Contains(got[1].Text, base+"/commitments/4.1") {
			t.Fatalf("emails to %s after publishing: %d", to, len(got))
		}
	}

	// A partner's reply to the return note goes to the reviewer who returned it (queued here
	// directly; TestReplyEmail sends one from the reply form).
	if err := queueReplyForTest(t, app.testApp, u.ID, "Pat of NES", "Applications open on 3 March."); err != nil {
		t.Fatal(err)
	}
	app.send(t)
	got := app.smtp.To(reviewer.User.Email)
	if len(got) != 3 || got[2].Subject != "Reply to your return note: commitment 4.1" || !strings.Contains(got[2].Text, "> Applications open on 3 March.") {
		t.Errorf("reviewer's emails after a reply: %d", len(got))
	}
	if n := len(app.smtp.To(other.Email)); n != 2 {
		t.Errorf("the other reviewer got %d emails, want 2 (no reply: they did not return it)", n)
	}

	// Nothing is sent twice, however often the worker runs.
	before := len(app.smtp.Messages())
	app.send(t)
	app.send(t)
	if after := len(app.smtp.Messages()); after != before {
		t.Errorf("%d messages after more passes, want %d", after, before)
	}
}

func TestEmailPreferences(t *testing.T) {
	t.Parallel()
	app := newMailApp(t, withNow(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)))
	reviewer := signIn(t, app.testApp, tracker.RoleStaff, "")
	atOnce, _ := createUser(t, app.testApp, tracker.RoleStaff, "")
	partner := signIn(t, app.testApp, tracker.RolePartner, "NES")

	// The account page offers each kind of email the reviewer gets; they choose a daily summary
	// for submissions.
	rec, doc := reviewer.get("/account")
	if rec.Code != http.StatusOK || doc.Find(`input[name="pref_update_submitted"][value="daily"]`).Length() != 1 {
		t.Fatalf("GET /account = %d, without the choice of a daily summary for submissions", rec.Code)
	}
	if doc.Find(`input[name="pref_update_returned"]`).Length() != 0 {
		t.Errorf("staff are offered a choice about emails only partners get")
	}
	if rec := reviewer.post("/account/emails", url.Values{"pref_update_submitted": {"sometimes"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown frequency = %d, want 422", rec.Code)
	}
	mustRedirect(t, "choose", reviewer.post("/account/emails", url.Values{"pref_update_submitted": {"daily"}, "pref_return_reply": {"immediate"}}), "/account")
	_, doc = reviewer.get("/account")
	if doc.Find(`input[name="pref_update_submitted"][value="daily"]`).AttrOr("checked", "none") == "none" {
		t.Errorf("the choice is not shown as made")
	}

	// Two submissions: the colleague who wants them at once gets two emails; the reviewer none.
	for _, ref := range []string{"4.1", "4.2"} {
		mustRedirect(t, "submit "+ref, partner.post("/report/"+ref, with(partner.openForm(ref), "action", "submit",
			"status", "on_track", "narrative", "Going well.")), "/report")
	}
	app.send(t)
	if n := len(app.smtp.To(atOnce.Email)); n != 2 {
		t.Errorf("colleague who wants emails at once got %d, want 2", n)
	}
	if n := len(app.smtp.To(reviewer.User.Email)); n != 0 {
		t.Errorf("reviewer who chose a daily summary got %d emails the same day", n)
	}

	// The next day, one summary lists both, once, however often the worker runs.
	app.clock.Advance(24 * time.Hour)
	app.send(t)
	app.send(t)
	m := app.only(t, reviewer.User.Email)
	if !strings.HasPrefix(m.Subject, "Your daily summary from Delivery Tracker") ||
		!strings.Contains(m.Text, "commitment 4.1") || !strings.Contains(m.Text, "commitment 4.2") {
		t.Errorf("summary = %q:\n%s", m.Subject, m.Text)
	}
	checkReadable(t, m, app.Config.BaseURL)
	app.clock.Advance(24 * time.Hour)
	app.send(t)
	if n := len(app.smtp.To(reviewer.User.Email)); n != 1 {
		t.Errorf("%d summaries after a day with nothing new, want 1", n)
	}
}
