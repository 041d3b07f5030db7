package browsertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestSpreadsheetAndDates is a staff member's spreadsheet round trip and a round's dates: export
// the plan as an Excel workbook, upload it unchanged (the preview says nothing would change),
// then open a reporting round with the date input, getting the month wrong first.
func TestSpreadsheetAndDates(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	staff := srv.CreateUser(t, tracker.RoleStaff, "")
	tab := browsertest.NewTab(t, srv.URL)
	tab.Open("/")
	tab.SignIn(staff.Email, staff.Password)
	tab.Open("/admin/plans/2023-24")

	// Export the workbook and upload it unchanged.
	book := tab.Download("Export commitments as an Excel workbook")
	if book.Filename != "2023-24-commitments.xlsx" || !strings.HasPrefix(string(book.Data), "PK\x03\x04") {
		t.Fatalf("downloaded %q (%d bytes), want the workbook 2023-24-commitments.xlsx", book.Filename, len(book.Data))
	}
	file := filepath.Join(t.TempDir(), book.Filename)
	if err := os.WriteFile(file, book.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	tab.ClickLink("Import commitments from a spreadsheet")
	tab.UploadFile("Spreadsheet of commitments", file)
	if got := tab.ClickButton("Upload and preview"); got != 200 {
		t.Fatalf("preview the workbook: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
	}
	if main := tab.Text("main"); !strings.Contains(main, "importing it would change nothing") || !strings.Contains(main, "6 commitments unchanged") {
		t.Errorf("the preview of the unchanged workbook says %q", main)
	}
	tab.CheckPage("import preview of an unchanged workbook")

	// Open a round, with a month that does not exist first.
	tab.ClickLink("Manage plans")
	tab.ClickLink("Reporting rounds")
	tab.ClickLink("Open a round")
	tab.Fill("Name", "Q4 2026-27")
	tab.FillDate("Deadline", "15", "13", "2026")
	if got := tab.ClickButton("Open round"); got != 422 {
		t.Fatalf("open a round with month 13: status %d, want 422", got)
	}
	tab.CheckFormErrors("round form with month 13", "The deadline must be a real date")
	if tab.Count(`#deadline-month[aria-invalid="true"]`) != 1 || tab.Count(`#deadline-day[aria-invalid], #deadline-year[aria-invalid]`) != 0 {
		t.Error("the month, and only the month, should be marked wrong")
	}
	tab.Screenshots("admin-round-date-errors")
	tab.FillDate("Deadline", "15", "3", "2027")
	if got := tab.ClickButton("Open round"); got != 200 {
		t.Fatalf("open the round: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
	}
	checkHeading(t, tab, "Q4 2026-27")
	if main := tab.Text("main"); !strings.Contains(main, "23 November 2026") || !strings.Contains(main, "15 March 2027") {
		t.Errorf("the round's page says %q, want it opened 23 November 2026 with a deadline of 15 March 2027", main)
	}
	tab.CheckPage("round opened with the date input")
}
