package browsertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestNextPlanImportAndRound is the year's turn as staff live it: create the next plan (getting
// the form wrong first), carry a commitment forward, import commitments from a CSV file after
// checking its preview, make the plan current, and open a reporting round.
func TestNextPlanImportAndRound(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			staff := srv.CreateUser(t, tracker.RoleStaff, "")
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)
			tab.Open("/")
			tab.SignIn(staff.Email, staff.Password)

			// Create the next plan.
			tab.ClickLink("Manage plans")
			checkPath(t, tab, "/admin/plans")
			tab.CheckPage("plans")
			tab.ClickLink("Create a plan")
			checkPath(t, tab, "/admin/plans/new")
			tab.CheckPage("new plan form")
			if got := tab.ClickButton("Create plan"); got != 422 {
				t.Fatalf("a plan with nothing filled in: status %d, want 422", got)
			}
			tab.CheckFormErrors("new plan form with nothing filled in", "Enter the plan’s title", "Enter the period it covers",
				"Enter the plan’s web address, such as 2024-25")
			mode.screenshots(tab, "admin-plan-errors")
			tab.Fill("Title", "Care in the Digital Age: Delivery Plan 2024-25")
			tab.Fill("Period", "2024-25")
			tab.Fill("Web address", "2024-25")
			tab.FillDate("Publication date (optional)", "3", "6", "2024")
			if got := tab.ClickButton("Create plan"); got != 200 {
				t.Fatalf("create the plan: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			checkPath(t, tab, "/admin/plans/2024-25")
			if got := tab.Notification(); !strings.Contains(got, "Plan created") {
				t.Errorf("after creating the plan, the banner says %q", got)
			}
			tab.CheckPage("new plan's page")
			mode.screenshots(tab, "admin-next-plan")

			// Carry 4.1 forward.
			tab.ClickLink("Carry forward commitments from 2023-24")
			tab.CheckPage("carry forward form")
			mode.screenshots(tab, "admin-carry-forward")
			tab.Choose("4.1 " + commitment41)
			if got := tab.ClickButton("Carry forward"); got != 200 {
				t.Fatalf("carry forward: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			if got := tab.Notification(); !strings.Contains(got, "1 commitment carried forward") {
				t.Errorf("after carrying forward, the banner says %q", got)
			}

			// Import: change 4.1's deadline and add 4.6, after a preview.
			file := filepath.Join(t.TempDir(), "commitments-2024-25.csv")
			csv := "ref,priority,deliver,why,leads,lead_organisations,due\n" +
				"4.1,4," + commitment41 + ",,NES,NES,March 2027\n" +
				"4.6,4,Publish a digital skills framework for social care.,\"So that staff know what good looks like\",\"NES and SSSC\",NES;SSSC,March 2025\n"
			if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			tab.ClickLink("Import commitments from a spreadsheet")
			checkPath(t, tab, "/admin/plans/2024-25/import")
			tab.CheckPage("import form")
			mode.screenshots(tab, "admin-import")
			tab.UploadFile("Spreadsheet of commitments", file)
			if got := tab.ClickButton("Upload and preview"); got != 200 {
				t.Fatalf("preview the import: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			if main := tab.Text("main"); !strings.Contains(main, "1 new commitment") || !strings.Contains(main, "1 commitment changed") {
				t.Errorf("the preview says %q", main)
			}
			tab.CheckPage("import preview")
			mode.screenshots(tab, "admin-import-preview")
			if got := tab.ClickButton("Import these changes"); got != 200 {
				t.Fatalf("import: status %d, want 200", got)
			}
			checkPath(t, tab, "/admin/plans/2024-25#commitments")
			if got := tab.Notification(); !strings.Contains(got, "1 commitment added, 1 commitment changed") {
				t.Errorf("after importing, the banner says %q", got)
			}

			// Make it current, confirming why: the home page shows it.
			tab.ClickLink("Make this the current plan")
			tab.CheckPage("make a plan current confirmation")
			mode.screenshots(tab, "admin-make-current")
			if got := tab.ClickButton("Make this the current plan"); got != 422 {
				t.Fatalf("make the plan current without a reason: status %d, want 422", got)
			}
			tab.CheckFormErrors("make a plan current without a reason", "Enter the reason: it is kept in the audit log")
			tab.Fill("Reason", "The 2024-25 plan has been published.")
			if got := tab.ClickButton("Make this the current plan"); got != 200 {
				t.Fatalf("make the plan current: status %d, want 200", got)
			}
			tab.ClickLink("Overview")
			checkHeading(t, tab, "Care in the Digital Age: Delivery Plan 2024-25")

			// Open a reporting round.
			tab.ClickLink("Manage plans")
			tab.ClickLink("Reporting rounds")
			tab.ClickLink("Open a round")
			checkPath(t, tab, "/admin/rounds/new")
			tab.CheckPage("new round form")
			mode.screenshots(tab, "admin-round-form")
			tab.Fill("Name", "Q3 2026-27")
			tab.FillDate("Deadline", "1", "12", "2026")
			if got := tab.ClickButton("Open round"); got != 200 {
				t.Fatalf("open the round: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			checkHeading(t, tab, "Q3 2026-27")
			if main := tab.Text("main"); !strings.Contains(main, "0 of 2 commitments") || !strings.Contains(main, "Not yet reported") {
				t.Errorf("the new round's page says %q", main)
			}
			tab.CheckPage("round coverage")
			mode.screenshots(tab, "admin-round")
		})
	}
}
