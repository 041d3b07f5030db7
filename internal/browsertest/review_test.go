package browsertest_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestReplyCorrectAndPublish follows the conversation about a returned
// update and a correction of its wording: staff return an update with a
// note; the partner replies (first with nothing typed) and submits it again;
// staff read the reply on the update's own page, correct a misspelt word and
// publish it from there; the partner sees what staff changed, and the public
// sees only the corrected text.
func TestReplyCorrectAndPublish(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	partner := srv.CreateUser(t, tracker.RolePartner, "NES")
	staff := srv.CreateUser(t, tracker.RoleStaff, "")
	const typo = "The first cohort of 50 started the MSc in Setpember."
	const fixed = "The first cohort of 50 started the MSc in September."
	const note = "Say how many of the 50 places were filled."
	const reply = "All 50 places were filled; we will add that."

	p := browsertest.NewTab(t, srv.URL)
	p.Open("/")
	p.SignIn(partner.Email, partner.Password)
	p.ClickLink("Report progress")
	p.ClickLink("Report progress on commitment 4.1")
	p.Choose("At risk")
	p.Fill("Progress", typo)
	if got := p.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("submit: status %d, want 200 (errors %q)", got, p.ErrorSummary())
	}

	// Staff open the update from the queue and return it with a note.
	s := browsertest.NewTab(t, srv.URL)
	s.Open("/")
	s.SignIn(staff.Email, staff.Password)
	s.ClickLink("Review")
	s.ClickLink("Review the update on commitment 4.1")
	if got := s.Text(".app-review-flags"); !strings.Contains(got, "March 2026") {
		t.Errorf("the review page does not flag the past due month: %q", got)
	}
	s.CheckPage("review page with what to check")
	s.Fill("Note to the partner", note)
	if got := s.ClickButton("Return to partner"); got != 200 {
		t.Fatalf("return: status %d, want 200", got)
	}

	// The partner replies to the note, then submits the update again.
	p.ClickLink("Report progress")
	p.ClickLink("Change and resubmit on commitment 4.1")
	p.ClickLink("Reply to the note")
	checkPath(t, p, "/report/4.1/reply")
	if got := p.Text(".app-thread"); !strings.Contains(got, note) {
		t.Errorf("the reply page does not show the note: %q", got)
	}
	p.CheckPage("reply page")
	if got := p.ClickButton("Send reply"); got != 422 {
		t.Fatalf("a reply with nothing typed: status %d, want 422", got)
	}
	p.CheckFormErrors("reply page with nothing typed", "Enter your reply")
	p.Fill("Your reply", reply)
	if got := p.ClickButton("Send reply"); got != 200 {
		t.Fatalf("send the reply: status %d, want 200 (errors %q)", got, p.ErrorSummary())
	}
	checkPath(t, p, "/report/4.1")
	if got := p.Text(".app-thread"); !strings.Contains(got, reply) {
		t.Errorf("the report page does not show the reply: %q", got)
	}
	if got := p.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("resubmit: status %d, want 200 (errors %q)", got, p.ErrorSummary())
	}

	// Staff read the reply, correct the misspelt word and publish.
	s.ClickLink("Review")
	s.ClickLink("Review the update on commitment 4.1")
	if got := s.Text(".app-review-thread"); !strings.Contains(got, reply) || !strings.Contains(got, note) {
		t.Errorf("the review page does not show the conversation: %q", got)
	}
	s.Fill("Progress", fixed)
	if got := s.ClickButton("Save correction"); got != 200 {
		t.Fatalf("save the correction: status %d, want 200 (errors %q)", got, s.ErrorSummary())
	}
	if got := s.Text(".app-corrections"); !strings.Contains(got, "Changed “Setpember.” to “September.”") {
		t.Errorf("the review page does not show the correction: %q", got)
	}
	s.CheckPage("review page with a conversation and a correction")
	if got := s.ClickButton("Publish the update on commitment 4.1"); got != 200 {
		t.Fatalf("publish: status %d, want 200", got)
	}
	if got := s.Notification(); !strings.Contains(got, "has been published") {
		t.Errorf("after publishing, the banner says %q", got)
	}

	// The partner sees what staff changed; the public sees the corrected text only.
	p.Open("/report/4.1")
	if got := p.Text(".app-corrections"); !strings.Contains(got, "Changed “Setpember.” to “September.”") {
		t.Errorf("the partner does not see what staff changed: %q", got)
	}
	p.CheckPage("report page with staff's corrections")
	pub := browsertest.NewTab(t, srv.URL)
	pub.Open("/commitments/4.1")
	main := pub.Text("main")
	if !strings.Contains(main, fixed) {
		t.Errorf("the public page does not show the corrected text %q", fixed)
	}
	for _, private := range []string{"Setpember", note, reply} {
		if strings.Contains(main, private) {
			t.Errorf("the public page shows %q", private)
		}
	}
}
