package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestReplyEmail: a partner's reply to a return note, sent from the reply form, is emailed
// through a real SMTP server to the reviewer who returned the update, and to nobody else, with
// absolute links; the reviewer may have it at once or in the daily summary, and the account page
// and the outbox say what it is in words.
func TestReplyEmail(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	reviewer := signIn(t, app.testApp, tracker.RoleStaff, "")
	other := signIn(t, app.testApp, tracker.RoleStaff, "")
	partner := signIn(t, app.testApp, tracker.RolePartner, "NES")
	base := app.Config.BaseURL
	u := returnedUpdate(t, app.testApp, partner, reviewer, "A cohort is delayed.", "Say which cohort.")

	_, doc := reviewer.get("/account")
	if got := doc.Find("main").Text(); !strings.Contains(got, "A partner replies to your return note") {
		t.Errorf("the account page does not name the reply emails in words")
	}
	_, doc = partner.get("/report/4.1/reply")
	form := formValues(t, doc, "main form")
	mustRedirect(t, "reply", partner.post("/report/4.1/reply", with(form, "reply", "Cohort three.\n\nIt starts in September.")), "/report/4.1")
	app.send(t)
	var replies []string
	for _, m := range app.smtp.To(reviewer.User.Email) {
		if strings.HasPrefix(m.Subject, "Reply to your return note") {
			replies = append(replies, m.Subject)
			if m.Subject != "Reply to your return note: commitment 4.1" || !strings.Contains(m.Text, "> Cohort three.") ||
				!strings.Contains(m.HTML, "It starts in September.") || !strings.Contains(m.Text, partner.User.Name) {
				t.Errorf("reply email = %q:\n%s", m.Subject, m.Text)
			}
			if want := fmt.Sprintf("%s/review/%d", base, u.ID); !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
				t.Errorf("reply email lacks the link %s:\n%s", want, m.Text)
			}
			checkReadable(t, m, base)
		}
	}
	if len(replies) != 1 {
		t.Fatalf("the reviewer got %d reply emails, want 1", len(replies))
	}
	for _, m := range append(app.smtp.To(other.User.Email), app.smtp.To(partner.User.Email)...) {
		if strings.HasPrefix(m.Subject, "Reply") {
			t.Errorf("%q went to someone who did not return the update", m.Subject)
		}
	}

	// The outbox says what it is.
	_, doc = reviewer.get("/admin/outbox")
	if got := doc.Find(".app-outbox").Text(); !strings.Contains(got, "A partner replies to your return note") {
		t.Errorf("the outbox does not say what the reply email is: %q", got)
	}

	// Chosen as a daily summary, the next reply waits for the summary.
	mustRedirect(t, "choose", reviewer.post("/account/emails", url.Values{"pref_update_submitted": {"immediate"}, "pref_return_reply": {"daily"}}), "/account")
	before := len(app.smtp.To(reviewer.User.Email))
	mustRedirect(t, "reply again", partner.post("/report/4.1/reply", with(form, "reply", "Applications open in March.")), "/report/4.1")
	app.send(t)
	if n := len(app.smtp.To(reviewer.User.Email)); n != before {
		t.Errorf("the reviewer who chose a daily summary got %d emails at once", n-before)
	}
	app.clock.Advance(24 * time.Hour)
	app.send(t)
	got := app.smtp.To(reviewer.User.Email)
	if len(got) != before+1 || !strings.HasPrefix(got[before].Subject, "Your daily summary") || !strings.Contains(got[before].Text, "Reply to your return note") {
		t.Fatalf("after a day the reviewer has %d emails, want the summary with the reply", len(got)-before)
	}
	checkReadable(t, got[before], base)
}
