package browsertest_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestDatesAndStatusAgree: a partner gives a month already past, then On track with a month 18
// months after 4.1 was due; the form says what is wrong each time and keeps what was typed; the
// partner confirms it on purpose with a reason, which staff read before publishing; the public
// pages then show the revised month in words, and an overdue commitment leads with Overdue and
// says what it last reported, not two tags that contradict each other.
func TestDatesAndStatusAgree(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t) // 23 November 2026
			partner := srv.CreateUser(t, tracker.RolePartner, "NES")
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			const progress = "A fourth cohort was added at the Board's request."
			const reason = "The first three cohorts finish on time; the fourth runs to September 2027."

			p := browsertest.NewTab(t, srv.URL, mode.opts...)
			p.Open("/")
			p.SignIn(partner.Email, partner.Password)
			p.ClickLink("Report progress")
			p.ClickLink("Report progress on commitment 4.1")
			p.Choose("On track")
			p.Fill("Progress", progress)
			p.Fill("Month", "1")
			p.Fill("Year", "2025")
			if got := p.ClickButton("Submit for review"); got != 422 {
				t.Fatalf("a past month: status %d, want 422", got)
			}
			p.CheckFormErrors("report form with a past month", "Revised expected delivery date must be November 2026 or later")

			p.Fill("Month", "9")
			p.Fill("Year", "2027")
			if got := p.ClickButton("Submit for review"); got != 422 {
				t.Fatalf("on track 18 months late: status %d, want 422", got)
			}
			p.CheckFormErrors("report form, on track for a later month",
				"On track means delivery by the month it was due, March 2026. Select At risk or Delayed, or confirm that it is on track for September 2027 and say why")
			if got := p.Value("Progress"); got != progress {
				t.Errorf("after the errors the progress is %q, want %q", got, progress)
			}
			if mode.shots {
				p.Screenshots("report-form-on-track-later")
			}
			p.Choose("I confirm it is on track for the later month I have given")
			p.Fill("Why it is on track for a later month", reason)
			if got := p.ClickButton("Submit for review"); got != 200 {
				t.Fatalf("confirmed with a reason: status %d, want 200 (errors %q)", got, p.ErrorSummary())
			}

			s := browsertest.NewTab(t, srv.URL, mode.opts...)
			s.Open("/")
			s.SignIn(staff.Email, staff.Password)
			s.ClickLink("Review")
			s.ClickLink("4.1 " + commitment41)
			if got := s.Text(".app-on-track-reason"); !strings.Contains(got, reason) ||
				!strings.Contains(got, "Expected September 2027 (was March 2026, 18 months later)") {
				t.Errorf("the review page's on track note says %q", got)
			}
			s.CheckPage("review page with an on track reason")
			if got := s.ClickButton("Publish the update on commitment 4.1"); got != 200 {
				t.Fatalf("publish: status %d, want 200", got)
			}

			pub := browsertest.NewTab(t, srv.URL, mode.opts...)
			pub.Open("/commitments/4.1")
			status := pub.Text(".ds_summary-list")
			if !strings.Contains(status, "On track") || strings.Contains(status, "Overdue") ||
				!strings.Contains(status, "Expected September 2027 (was March 2026, 18 months later)") {
				t.Errorf("4.1's summary says %q", status)
			}
			if strings.Contains(pub.Text("main"), reason) {
				t.Error("the public sees the reason meant for staff")
			}
			pub.CheckPage("commitment with a revised month")

			// 4.3 was due December 2025 and last reported On track: Overdue leads, and says why.
			pub.Open("/priorities/digital-skills-and-leadership")
			pub.ClickLink("4.3 Support the development of our specialist Digital, Data, and Technology (DDaT) professional workforce.")
			if tags := pub.Texts(".ds_summary-list .ds_tag"); len(tags) != 1 || tags[0] != "Overdue" {
				t.Errorf("4.3's status tags are %q, want Overdue alone", tags)
			}
			if got := pub.Text(".ds_summary-list"); !strings.Contains(got, "Last reported On track in the Delivery Plan 2024-25") {
				t.Errorf("4.3's summary says %q", got)
			}
			pub.CheckPage("overdue commitment")
			if mode.shots {
				pub.Screenshots("commitment-overdue")
			}
		})
	}
}
