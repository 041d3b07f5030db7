package browsertest_test

import (
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
	srv.CreateUser(t, tracker.RolePartner, "NES")
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
	tab.ClickLink("Dashboard")
	checkPath(t, tab, "/dashboard")
	tab.Screenshots("dashboard-wide")
	tab.CheckPage("dashboard")
	if regions := tab.SidewaysScrolling(); len(regions) > 0 {
		t.Errorf("at 1280 pixels the dashboard has parts to scroll sideways: %q", regions)
	}
}
