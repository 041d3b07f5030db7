package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestCoverageAndDashboard is a staff member's morning: the dashboard, which fits at 1280
// pixels and links every count, leads to the open round's coverage, which says who each
// organisation's reminders go to and warns where no one would be reminded, with a link that
// starts an invitation for that organisation. On a phone the dashboard's tables are summary
// lists.
func TestCoverageAndDashboard(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	admin := srv.CreateUser(t, tracker.RoleAdmin, "")
	nes := srv.CreateUser(t, tracker.RolePartner, "NES")
	plan, err := srv.Store.CurrentPlan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Store.CreateRound(t.Context(), tracker.Actor{Label: "browser test"}, tracker.Round{PlanID: plan.ID,
		Name: "Q3 2026-27", Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC),
		RemindBefore: []int{7}, RemindAfter: []int{3}}); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.NewTab(t, srv.URL)
	tab.Open("/")
	tab.SignIn(admin.Email, admin.Password)

	// The dashboard fits at 1280 pixels: nothing to scroll sideways, no column out of sight.
	tab.ClickLink("Dashboard")
	checkPath(t, tab, "/dashboard")
	tab.CheckPage("dashboard with an open round")
	if regions := tab.SidewaysScrolling(); len(regions) > 0 {
		t.Errorf("at 1280 pixels the dashboard has parts to scroll sideways: %q", regions)
	}
	if box := tab.BoxOf(`.app-dashboard-counts tfoot td[data-status="total"]`); box.Right > browsertest.WideWidth || box.Right <= box.Left {
		t.Errorf("at 1280 pixels the Total column spans %.0f to %.0f pixels across, want it on screen", box.Left, box.Right)
	}
	tab.Screenshots("dashboard")
	// Its counts lead to the lists they count.
	tab.ClickLink("6 commitments, All priority areas")
	checkPath(t, tab, "/commitments")
	if n := tab.Count(".app-finder__result"); n != 6 {
		t.Errorf("the total of 6 leads to a list of %d commitments", n)
	}
	tab.Open("/dashboard")

	// At 640 pixels and below, the tables are summary lists: no headings row, nothing to scroll.
	for _, w := range []int64{640, browsertest.PhoneWidth} {
		tab.Resize(w)
		if tab.Visible(".app-dashboard-counts thead th") {
			t.Errorf("at %d pixels the counts table still shows its headings row", w)
		}
		if box := tab.BoxOf(`.app-dashboard-counts tfoot td[data-status="total"]`); box.Left < 0 || box.Right > float64(w) {
			t.Errorf("at %d pixels the total spans %.0f to %.0f pixels across", w, box.Left, box.Right)
		}
		if regions := tab.SidewaysScrolling(); len(regions) > 0 {
			t.Errorf("at %d pixels the dashboard has parts to scroll sideways: %q", w, regions)
		}
	}
	tab.Resize(browsertest.WideWidth)

	// The open round's coverage: who is reminded, and a warning where no one is.
	tab.ClickLink("See the coverage of Q3 2026-27")
	tab.CheckPage("round coverage with organisations no one would remind")
	tab.Screenshots("round-coverage")
	if got := tab.Text(".app-coverage-warning"); !strings.Contains(got, "No one to remind at 7 organisations") {
		t.Errorf("the warning says %q, want no one to remind at 7 organisations (all but NES)", got)
	}
	if got := tab.Text(`tr[data-org="NES"] .app-coverage-reminded`); got != nes.Name {
		t.Errorf("NES's reminders go to %q, want %q", got, nes.Name)
	}
	if got := tab.Texts(".app-coverage-commitment .ds_tag"); len(got) != 4 || got[0] != "Nothing yet" {
		t.Errorf("the commitments' states are %q, want 4, each Nothing yet", got)
	}
	roundPath := tab.Path()

	// The warning's link starts an invitation for the organisation.
	tab.ClickLink("Invite a partner from Local Government Digital Office")
	checkPath(t, tab, "/admin/users/new?org=LGDO")
	if got := tab.Value("Organisation"); got != "LGDO" {
		t.Errorf("the invitation form has the organisation %q, want LGDO", got)
	}
	tab.CheckPage("invitation form for an organisation")
	tab.Fill("Email address", "lewis.partner@lgdo.scot")
	tab.Fill("Full name", "Lewis Partner")
	if got := tab.ClickButton("Send invitation"); got != 200 {
		t.Fatalf("send the invitation: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
	}
	tab.Open(roundPath)
	if got := tab.Text(`tr[data-org="LGDO"] .app-coverage-reminded`); got != "Lewis Partner (invited, has not set a password yet)" {
		t.Errorf("after the invitation, LGDO's reminders go to %q", got)
	}
	if got := tab.Text(".app-coverage-warning"); !strings.Contains(got, "No one to remind at 6 organisations") {
		t.Errorf("after the invitation, the warning says %q", got)
	}
}
