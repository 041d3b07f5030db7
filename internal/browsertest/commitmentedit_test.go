package browsertest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestChangeOneField has staff fix one comma in 4.3 from its page, through
// the Change link of what it will deliver, with a change note, and add an
// organisation to its first lead line with the picker: a list without
// JavaScript, a box that filters as you type with it. The public page then
// shows both amendments, newest first.
func TestChangeOneField(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)
			const fixed = "Support the development of our specialist Digital, Data and Technology (DDaT) professional workforce."

			tab.Open("/")
			tab.SignIn(staff.Email, staff.Password)
			tab.ClickLink("Manage plans")
			tab.ClickLink(planTitle)
			tab.ClickLink("Change commitment 4.3")
			checkHeading(t, tab, "Commitment 4.3")
			tab.CheckPage("a commitment's page for staff")
			mode.screenshots(tab, "admin-commitment")

			tab.ClickLink("Change what it will deliver")
			checkHeading(t, tab, "Change what it will deliver")
			tab.CheckPage("the form changing what a commitment will deliver")
			tab.Fill("What it will deliver", fixed)
			if got := tab.ClickButton("Save change"); got != 422 {
				t.Fatalf("a change without a note: status %d, want 422", got)
			}
			tab.CheckFormErrors("a change without a note",
				"Enter a change note saying what you changed, such as “corrected the lead organisation”")
			if got := tab.Value("What it will deliver"); got != fixed {
				t.Errorf("what was typed came back as %q", got)
			}
			tab.Fill("Change note", "removed a comma")
			if got := tab.ClickButton("Save change"); got != 200 {
				t.Fatalf("save the change: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			checkPath(t, tab, strings.TrimSuffix(tab.Path(), "/change/what"))
			if got := tab.Notification(); !strings.Contains(got, "what it will deliver changed") {
				t.Errorf("banner = %q", got)
			}

			tab.ClickLink("Change who leads it")
			tab.CheckPage("the form changing who leads a commitment")
			mode.screenshots(tab, "admin-commitment-leads")
			const label, cso = "Organisation 2 of lead line 1", "Chief Scientist Office (CSO)"
			if tab.ScriptsEnabled() {
				tab.Fill(label, "chief sci")
				tab.WaitVisible("#lead-1-org-2-matches")
				if got := tab.Texts("#lead-1-org-2-matches [role=option]"); !slices.Equal(got, []string{cso}) {
					t.Errorf("organisations matching “chief sci” = %q", got)
				}
				tab.CheckAccessible("the organisation picker, open")
				tab.Press(browsertest.KeyDown)
				tab.Press(browsertest.KeyEnter)
				if tab.Visible("#lead-1-org-2-matches") || tab.Value(label) != cso {
					t.Errorf("after Enter, the box says %q and its list is open: %v", tab.Value(label), tab.Visible("#lead-1-org-2-matches"))
				}
			} else {
				tab.Select(label, cso)
			}
			// The list, hidden with scripts, holds the choice the form sends.
			if got := tab.Texts("#lead-1-org-2 option:checked"); !slices.Equal(got, []string{cso}) {
				t.Errorf("chosen = %q", got)
			}
			tab.Fill("Change note", "added the Chief Scientist Office")
			if got := tab.ClickButton("Save change"); got != 200 {
				t.Fatalf("save the lead organisations: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			if got := tab.Text(".app-admin-leads"); !strings.Contains(got, "Chief Scientist Office (CSO)") {
				t.Errorf("lead lines after the change = %q", got)
			}

			pub := browsertest.NewTab(t, srv.URL, mode.opts...)
			pub.Open("/commitments/4.3")
			checkHeading(t, pub, fixed)
			got := pub.Texts(".app-amendment")
			if len(got) != 2 || !strings.HasSuffix(got[0], ": added the Chief Scientist Office") ||
				!strings.HasSuffix(got[1], ": removed a comma") || !strings.HasPrefix(got[1], "Amended on ") {
				t.Errorf("amendments = %q", got)
			}
			pub.CheckPage("a commitment with amendments")
		})
	}
}
