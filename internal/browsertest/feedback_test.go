package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestFeedbackJourney answers "Is this page useful?" on a commitment's page: No leads to the
// feedback form about it, which comes back with an error for an answer that is too long, then
// thanks the visitor and leads back to the page. Yes on the overview does the same with Yes
// chosen. Staff then read both. The footer's pages about the service are checked on the way.
func TestFeedbackJourney(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/commitments/4.2")
			if got := tab.Text(".app-page-feedback h2"); got != "Is this page useful?" {
				t.Fatalf("the page asks %q", got)
			}
			tab.ClickLink("No this page is not useful")
			checkPath(t, tab, "/feedback?path=%2Fcommitments%2F4.2&useful=no")
			checkHeading(t, tab, "Give feedback")
			if tab.Count("input#useful-2:checked") != 1 {
				t.Error("No is not chosen on the form")
			}
			tab.CheckPage("feedback form")
			mode.screenshots(tab, "feedback-form")

			// The trap for programs is never reached with the keyboard: Tab goes from the last
			// question to the button.
			tab.TabToField("What went wrong?")
			tab.Press(browsertest.KeyTab)
			if f := tab.Focused(); f.Tag != "button" || f.Text != "Send feedback" {
				t.Errorf("Tab from the last question went to %s, want the button", f)
			}

			// A person takes a while to write.
			srv.Clock.Advance(time.Minute)
			tab.Fill("What were you doing?", "Looking for when 4.2 is due")
			tab.Fill("What went wrong?", strings.Repeat("Too long. ", tracker.MaxFeedbackText/10+1))
			if got := tab.ClickButton("Send feedback"); got != 422 {
				t.Fatalf("sending an answer that is too long: status %d, want 422", got)
			}
			tab.CheckFormErrors("feedback form with an answer too long", "What went wrong must be 1200 characters or fewer")
			mode.screenshots(tab, "feedback-form-errors")
			if got := tab.Value("What were you doing?"); got != "Looking for when 4.2 is due" {
				t.Errorf("what was typed came back as %q", got)
			}
			tab.Fill("What went wrong?", "The date was hard to find")
			tab.ClickButton("Send feedback")
			checkPath(t, tab, "/feedback/thanks?path=%2Fcommitments%2F4.2")
			checkHeading(t, tab, "Thank you for your feedback")
			tab.CheckPage("feedback thanks")
			mode.screenshots(tab, "feedback-thanks")
			tab.ClickLink("Go back to the page you were on")
			checkPath(t, tab, "/commitments/4.2")

			tab.ClickLink("Overview")
			tab.ClickLink("Yes this page is useful")
			checkPath(t, tab, "/feedback?path=%2F&useful=yes")
			srv.Clock.Advance(time.Minute)
			tab.ClickButton("Send feedback")
			checkHeading(t, tab, "Thank you for your feedback")

			kept, total, err := srv.Store.ListFeedback(t.Context(), postgres.FeedbackFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if total != 2 || kept[0].Page != "/" || tracker.FeedbackAnswer(kept[0].Useful) != "Yes" ||
				kept[1].Page != "/commitments/4.2" || tracker.FeedbackAnswer(kept[1].Useful) != "No" ||
				kept[1].Doing != "Looking for when 4.2 is due" || kept[1].WentWrong != "The date was hard to find" {
				t.Errorf("kept %d: %+v", total, kept)
			}

			// The pages every public service has, from the footer.
			for _, p := range []struct{ link, heading, name string }{
				{"Accessibility", "Accessibility statement for Delivery Tracker", "accessibility"},
				{"Privacy", "Privacy notice", "privacy"},
				{"Cookies", "Cookies", "cookies"},
				{"Contact", "Contact Delivery Tracker", "contact"},
			} {
				tab.ClickLink(p.link)
				checkHeading(t, tab, p.heading)
				tab.CheckPage(p.name + " page")
				mode.screenshots(tab, p.name)
			}

			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			tab.Open("/")
			tab.SignIn(staff.Email, staff.Password)
			tab.Open("/admin/plans")
			tab.ClickLink("Feedback")
			checkHeading(t, tab, "Feedback")
			if got := tab.Count(".app-feedback-list__item"); got != 2 {
				t.Errorf("staff see %d pieces of feedback, want 2", got)
			}
			tab.Fill("Page address", "/commitments/4.2")
			tab.ClickButton("Filter")
			if got := tab.Count(".app-feedback-list__item"); got != 1 {
				t.Errorf("filtered by 4.2, staff see %d pieces of feedback, want 1", got)
			}
			tab.CheckPage("feedback for staff")
			mode.screenshots(tab, "feedback-staff")
		})
	}
}
