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

// TestAnswerEmail: staff's answer in the conversation about a returned update is emailed through
// a real SMTP server to each partner of the update's organisation, as from Scottish Government
// staff without the reviewer's name, with the answer quoted and an absolute link to the update's
// form; to no partner of another organisation and to no member of staff. A partner may choose to
// have it in the daily summary, and the account page and the outbox say what it is in words.
func TestAnswerEmail(t *testing.T) {
	t.Parallel()
	app := newMailApp(t)
	reviewer := signIn(t, app.testApp, tracker.RoleStaff, "")
	partner := signIn(t, app.testApp, tracker.RolePartner, "NES")
	colleague := signIn(t, app.testApp, tracker.RolePartner, "NES")
	outsider := signIn(t, app.testApp, tracker.RolePartner, "CIVTECH")
	base := app.Config.BaseURL
	u := returnedUpdate(t, app.testApp, partner, reviewer, "A cohort is delayed.", "Say which cohort.")

	_, doc := partner.get("/account")
	if doc.Find(`input[name="pref_reply_answer"][value="daily"]`).Length() != 1 ||
		!strings.Contains(doc.Find("main").Text(), "Staff answer in the conversation about a returned update") {
		t.Errorf("the account page does not offer the answer emails, named in words")
	}
	if _, doc := reviewer.get("/account"); doc.Find(`input[name="pref_reply_answer"]`).Length() != 0 {
		t.Errorf("staff are offered a choice about emails only partners get")
	}
	_, doc = partner.get("/report/4.1/reply")
	form := formValues(t, doc, "main form")
	mustRedirect(t, "reply", partner.post("/report/4.1/reply", with(form, "reply", "Cohort three.")), "/report/4.1")
	app.send(t)
	before := map[string]int{}
	for _, c := range []*client{reviewer, partner, colleague, outsider} {
		before[c.User.Email] = len(app.smtp.To(c.User.Email))
	}
	mustRedirect(t, "answer", reviewer.post(fmt.Sprintf("/review/%d", u.ID),
		with(reviewer.reviewForm(u.ID, "answer"), "reply", "Thank you.\n\nPlease give the new month too.")), fmt.Sprintf("/review/%d", u.ID))
	app.send(t)
	for _, c := range []*client{partner, colleague} {
		got := app.smtp.To(c.User.Email)[before[c.User.Email]:]
		if len(got) != 1 {
			t.Fatalf("%s got %d emails after the answer, want 1", c.User.Name, len(got))
		}
		m := got[0]
		if m.Subject != "Answer about your returned update: commitment 4.1" || !strings.Contains(m.Text, "> Please give the new month too.") ||
			!strings.Contains(m.HTML, "Please give the new month too.") || !strings.Contains(m.Text, "Scottish Government staff answered") ||
			!strings.Contains(m.Text, "change the update and submit it again") {
			t.Errorf("answer email = %q:\n%s", m.Subject, m.Text)
		}
		if strings.Contains(m.Text, reviewer.User.Name) || strings.Contains(m.HTML, reviewer.User.Name) {
			t.Errorf("the answer email names the reviewer, whom partners read as Scottish Government staff:\n%s", m.Text)
		}
		if want := base + "/report/4.1"; !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("answer email lacks the link %s:\n%s", want, m.Text)
		}
		checkReadable(t, m, base)
	}
	for _, c := range []*client{reviewer, outsider} {
		if n := len(app.smtp.To(c.User.Email)) - before[c.User.Email]; n != 0 {
			t.Errorf("%s, who is not a partner of NES, got %d emails after the answer", c.User.Email, n)
		}
	}

	_, doc = reviewer.get("/admin/outbox")
	if got := doc.Find(".app-outbox").Text(); !strings.Contains(got, "Staff answer in the conversation about a returned update") {
		t.Errorf("the outbox does not say what the answer email is: %q", got)
	}

	// Chosen as a daily summary, the next answer waits for the summary. It comes after the
	// partner submitted the update again, and says so.
	mustRedirect(t, "choose", partner.post("/account/emails", url.Values{"pref_update_returned": {"immediate"},
		"pref_reply_answer": {"daily"}, "pref_update_published": {"immediate"}}), "/account")
	mustRedirect(t, "resubmit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"narrative", "Cohort three starts in September.")), "/report")
	app.send(t)
	n := len(app.smtp.To(partner.User.Email))
	mustRedirect(t, "answer again", reviewer.post(fmt.Sprintf("/review/%d", u.ID),
		with(reviewer.reviewForm(u.ID, "answer"), "reply", "September is fine.")), fmt.Sprintf("/review/%d", u.ID))
	app.send(t)
	if got := len(app.smtp.To(partner.User.Email)); got != n {
		t.Errorf("the partner who chose a daily summary got %d emails at once", got-n)
	}
	if got := app.smtp.To(colleague.User.Email); len(got) != before[colleague.User.Email]+2 {
		t.Errorf("the colleague has %d emails after two answers, want 2", len(got)-before[colleague.User.Email])
	} else if m := got[len(got)-1]; !strings.Contains(m.Text, "waiting for review again") || strings.Contains(m.Text, "submit it again") {
		t.Errorf("the answer to a resubmitted update asks for it to be submitted again:\n%s", m.Text)
	}
	app.clock.Advance(24 * time.Hour)
	app.send(t)
	got := app.smtp.To(partner.User.Email)
	if len(got) != n+1 || !strings.HasPrefix(got[n].Subject, "Your daily summary") || !strings.Contains(got[n].Text, "Answer about your returned update") {
		t.Fatalf("after a day the partner has %d emails, want the summary with the answer", len(got)-n)
	}
	checkReadable(t, got[n], base)
}
