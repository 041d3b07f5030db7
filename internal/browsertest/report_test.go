package browsertest_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const commitment41 = "Provide a Leading Digital Transformation in Health and Care MSc for 50 people a year."

// TestReportReturnResubmitPublish follows an update from a delivery partner
// to the public, each person in a browser of their own: the partner reports
// progress on a commitment, first with nothing filled in, then properly;
// staff return it with a note, first without one; the partner changes it and
// submits it again; staff publish it from its own page; and the public
// commitment page shows it.
func TestReportReturnResubmitPublish(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			partner := srv.CreateUser(t, tracker.RolePartner, "NES")
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			const first = "The first cohort of 50 started the MSc in September."
			const second = "The first cohort of 50 started the MSc in September; recruitment for the second cohort opens in March."
			const note = "Say how many of the 50 places were filled."

			// The partner reports progress.
			p := browsertest.NewTab(t, srv.URL, mode.opts...)
			p.Open("/")
			p.SignIn(partner.Email, partner.Password)
			p.ClickLink("Report progress")
			checkPath(t, p, "/report")
			p.CheckPage("report list, as a partner")
			if mode.shots {
				p.Screenshots("report-list")
			}
			p.ClickLink("Report progress on commitment 4.1")
			checkPath(t, p, "/report/4.1")
			p.CheckPage("report form")
			if mode.shots {
				p.Screenshots("report-form")
			}
			if got := p.ClickButton("Submit for review"); got != 422 {
				t.Fatalf("a report with nothing filled in: status %d, want 422", got)
			}
			p.CheckFormErrors("report form with nothing filled in", "Select a status", "Enter a progress narrative")
			if mode.shots {
				p.Screenshots("report-form-errors")
			}
			p.Choose("At risk")
			p.Fill("Progress", first)
			if got := p.ClickButton("Submit for review"); got != 200 {
				t.Fatalf("submit the report: status %d, want 200 (errors %q)", got, p.ErrorSummary())
			}
			if got := p.Notification(); !strings.Contains(got, "Your update on commitment 4.1 has been submitted for review.") {
				t.Errorf("after submitting, the banner says %q", got)
			}
			p.CheckPage("report list with an update waiting for review")

			// Staff return it with a note.
			s := browsertest.NewTab(t, srv.URL, mode.opts...)
			s.Open("/")
			s.SignIn(staff.Email, staff.Password)
			s.ClickLink("Review")
			checkPath(t, s, "/review")
			s.CheckPage("review queue with one update")
			if mode.shots {
				s.Screenshots("review-list")
			}
			s.ClickLink("4.1 " + commitment41)
			if !regexp.MustCompile(`^/review/\d+$`).MatchString(s.Path()) {
				t.Fatalf("the update's link led to %s, want /review/{id}", s.Path())
			}
			if main := s.Text("main"); !strings.Contains(main, first) {
				t.Errorf("the review page does not show the update %q: %q", first, main)
			}
			s.CheckPage("review page")
			if mode.shots {
				s.Screenshots("review-update")
			}
			if got := s.ClickButton("Return to partner"); got != 422 {
				t.Fatalf("return without a note: status %d, want 422", got)
			}
			s.CheckFormErrors("review page, returned without a note", "Enter a note saying what the partner needs to change")
			s.Fill("Note to the partner", note)
			if got := s.ClickButton("Return to partner"); got != 200 {
				t.Fatalf("return the update: status %d, want 200", got)
			}
			checkPath(t, s, "/review")
			if got := s.Notification(); !strings.Contains(got, "has been returned") {
				t.Errorf("after returning, the banner says %q", got)
			}
			s.CheckPage("empty review queue")

			// The partner sees the note, changes the update and submits it again.
			p.ClickLink("Report progress")
			p.ClickLink("Change and resubmit on commitment 4.1")
			if main := p.Text("main"); !strings.Contains(main, note) {
				t.Errorf("the returned report does not show the note %q: %q", note, main)
			}
			if got := p.Value("Progress"); got != first {
				t.Errorf("the returned report's progress is %q, want %q", got, first)
			}
			p.CheckPage("returned report form")
			if mode.shots {
				p.Screenshots("report-returned")
			}
			p.Fill("Progress", second)
			if got := p.ClickButton("Submit for review"); got != 200 {
				t.Fatalf("resubmit the report: status %d, want 200 (errors %q)", got, p.ErrorSummary())
			}

			// Staff open it from the queue and publish it from its own page.
			s.ClickLink("Review")
			if main := s.Text("main"); !strings.Contains(main, second) {
				t.Errorf("the review queue does not show the resubmitted update: %q", main)
			}
			s.ClickLink("Review the update on commitment 4.1")
			if got := s.ClickButton("Publish the update on commitment 4.1"); got != 200 {
				t.Fatalf("publish: status %d, want 200", got)
			}
			if got := s.Notification(); !strings.Contains(got, "has been published") {
				t.Errorf("after publishing, the banner says %q", got)
			}

			// The public sees it.
			pub := browsertest.NewTab(t, srv.URL, mode.opts...)
			pub.Open("/")
			pub.ClickLink(priority4)
			pub.ClickLink("4.1 " + commitment41)
			main := pub.Text("main")
			if !strings.Contains(main, second) {
				t.Errorf("the public commitment page does not show the published update %q: %q", second, main)
			}
			if strings.Contains(main, note) {
				t.Errorf("the public commitment page shows the reviewer's note %q", note)
			}
			if got := pub.Text(".ds_summary-list"); !strings.Contains(got, "At risk") {
				t.Errorf("the commitment's status is not At risk: %q", got)
			}
			pub.CheckPage("commitment with a newly published update")
			if mode.shots {
				pub.Screenshots("commitment-updated")
			}
		})
	}
}

// TestReportAndPublishKeyboard reports progress and publishes it with the
// keyboard alone: the skip link works, the error summary takes the focus,
// and the focus can be seen at every stop.
func TestReportAndPublishKeyboard(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	partner := srv.CreateUser(t, tracker.RolePartner, "NES")
	staff := srv.CreateUser(t, tracker.RoleStaff, "")
	const progress = "Applications for the first cohort have closed."

	p := browsertest.NewTab(t, srv.URL)
	p.Open("/")
	p.SignInWithKeyboard(partner.Email, partner.Password)
	p.FollowWithKeyboard("Report progress")
	p.CheckSkipLink()
	p.FollowWithKeyboard("Report progress on commitment 4.1")
	p.CheckSkipLink()

	p.TabToButton("Submit for review")
	if got := p.PressAndLoad(browsertest.KeyEnter); got != 422 {
		t.Fatalf("Enter on Submit for review with nothing filled in: status %d, want 422", got)
	}
	if f := p.Focused(); f.ID != "error-summary" || !f.Visible() {
		t.Fatalf("after the form came back, the focus is on %s (visible %t), want the error summary, visibly", f, f.Visible())
	}
	// The summary's first link leads to the status radios: the first
	// gets the focus, Space chooses it and the down arrow moves on.
	p.TabToLink("Select a status")
	p.Press(browsertest.KeyEnter)
	if f := p.Focused(); f.ID != tracker.FieldStatus {
		// Following a link to a field moves the focus to it only with the
		// design system's script; Tab then reaches it.
		p.TabToField("Not started")
	}
	p.Press(browsertest.KeySpace)
	p.Press(browsertest.KeyDown)
	if f := p.Focused(); f.Text != "On track" || !f.Visible() {
		t.Fatalf("after the down arrow the focus is on %s (visible %t), want On track, visibly", f, f.Visible())
	}
	p.TabToField("Progress")
	p.Type(progress)
	p.TabToButton("Submit for review")
	if got := p.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter on Submit for review: status %d, want 200 (errors %q)", got, p.ErrorSummary())
	}
	if got := p.Notification(); !strings.Contains(got, "submitted for review") {
		t.Errorf("after submitting, the banner says %q", got)
	}

	s := browsertest.NewTab(t, srv.URL)
	s.Open("/")
	s.SignInWithKeyboard(staff.Email, staff.Password)
	s.FollowWithKeyboard("Review")
	s.CheckSkipLink()
	s.FollowWithKeyboard("Review the update on commitment 4.1")
	s.TabToButton("Publish the update on commitment 4.1")
	if got := s.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter on Publish: status %d, want 200", got)
	}
	if got := s.Notification(); !strings.Contains(got, "has been published") {
		t.Errorf("after publishing, the banner says %q", got)
	}

	pub := browsertest.NewTab(t, srv.URL)
	pub.Open("/commitments/4.1")
	if main := pub.Text("main"); !strings.Contains(main, progress) {
		t.Errorf("the public commitment page does not show %q: %q", progress, main)
	}
}

// TestDraftAndStaffPublish covers the report form's other states: a partner
// saves a draft and comes back to it; staff report on a commitment themselves
// from its public page, withdraw it (forgetting the reason first) and
// publish at once; the public page shows it withdrawn, with the reason.
func TestDraftAndStaffPublish(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			partner := srv.CreateUser(t, tracker.RolePartner, "CIVTECH")
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			const draft = "Challenge owners are being found."
			const reason = "CivTech 10 did not run a health and social care challenge."

			p := browsertest.NewTab(t, srv.URL, mode.opts...)
			p.Open("/")
			p.SignIn(partner.Email, partner.Password)
			p.ClickLink("Report progress")
			p.ClickLink("Report progress on commitment 4.5")
			p.Choose("Not started")
			p.Fill("Progress", draft)
			if got := p.ClickButton("Save draft"); got != 200 {
				t.Fatalf("save a draft: status %d, want 200 (errors %q)", got, p.ErrorSummary())
			}
			p.ClickLink("Continue report on commitment 4.5")
			if got := p.Value("Progress"); got != draft {
				t.Errorf("the draft's progress is %q, want %q", got, draft)
			}
			p.CheckPage("report form with a draft")

			s := browsertest.NewTab(t, srv.URL, mode.opts...)
			s.Open("/")
			s.SignIn(staff.Email, staff.Password)
			s.ClickLink("Overview")
			s.ClickLink(priority4)
			s.ClickLink("4.5 " + commitment45)
			s.ClickLink("Report progress on commitment 4.5")
			checkPath(t, s, "/report/4.5")
			s.CheckPage("report form, as staff")
			if mode.shots {
				s.Screenshots("report-form-staff")
			}
			s.Choose("Withdrawn")
			s.Fill("Progress", "The challenge will not run.")
			if got := s.ClickButton("Publish"); got != 422 {
				t.Fatalf("withdraw with no reason: status %d, want 422", got)
			}
			s.CheckFormErrors("staff report form, withdrawn with no reason", "Enter the reason the commitment is withdrawn")
			s.Fill("Reason (Withdrawn or Carried forward only)", reason)
			if got := s.ClickButton("Publish"); got != 200 {
				t.Fatalf("publish: status %d, want 200 (errors %q)", got, s.ErrorSummary())
			}
			if got := s.Notification(); !strings.Contains(got, "has been published") {
				t.Errorf("after publishing, the banner says %q", got)
			}

			pub := browsertest.NewTab(t, srv.URL, mode.opts...)
			pub.Open("/commitments/4.5")
			if got := pub.Text(".ds_summary-list"); !strings.Contains(got, "Withdrawn") {
				t.Errorf("the commitment's status is not Withdrawn: %q", got)
			}
			if main := pub.Text("main"); !strings.Contains(main, reason) {
				t.Errorf("the public page does not give the reason %q: %q", reason, main)
			}
			pub.CheckPage("withdrawn commitment")
		})
	}
}
