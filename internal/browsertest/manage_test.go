package browsertest_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestManagePlan has staff add a commitment to the current plan, getting
// the form wrong first, and finds it on the public priority area page; on the
// way it checks the plan management pages.
func TestManagePlan(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)
			const deliver = "Publish a digital inclusion guide for health and social care services."

			tab.Open("/")
			tab.SignIn(staff.Email, staff.Password)
			tab.ClickLink("Manage plans")
			checkPath(t, tab, "/admin/plans")
			tab.CheckPage("plans")
			tab.ClickLink(planTitle)
			checkPath(t, tab, "/admin/plans/2023-24")
			tab.CheckPage("plan")
			if mode.shots {
				tab.Screenshots("admin-plan")
			}
			for _, section := range []string{"Organisations", "Reporting rounds", "Outbox", "Plans"} {
				tab.ClickLink(section)
				tab.CheckPage("plan management: " + strings.ToLower(section))
				mode.screenshots(tab, "admin-"+strings.ToLower(strings.ReplaceAll(section, " ", "-")))
			}
			tab.ClickLink(planTitle)
			tab.ClickLink("Add a commitment")
			tab.CheckPage("new commitment form")
			if got := tab.ClickButton("Save commitment"); got != 422 {
				t.Fatalf("an empty commitment: status %d, want 422", got)
			}
			errs := tab.ErrorSummary()
			if len(errs) == 0 {
				t.Fatal("an empty commitment: no error summary")
			}
			tab.CheckFormErrors("new commitment form with nothing filled in", errs...)
			if mode.shots {
				tab.Screenshots("admin-commitment-errors")
			}

			tab.Fill("Number", "1.1")
			tab.Select("Priority area", "1. Digital Access")
			tab.Fill("What it will deliver", deliver)
			tab.Fill("Month", "3")
			tab.Fill("Year", "2027")
			if got := tab.ClickButton("Save commitment"); got != 200 {
				t.Fatalf("save the commitment: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			tab.CheckPage("plan with a new commitment")

			pub := browsertest.NewTab(t, srv.URL, mode.opts...)
			pub.Open("/")
			pub.ClickLink("1. Digital Access")
			pub.ClickLink("1.1 " + deliver)
			checkPath(t, pub, "/commitments/1.1")
			checkHeading(t, pub, deliver)
			pub.CheckPage("commitment added by staff")
		})
	}
}
