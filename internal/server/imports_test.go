package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestImportRoundTrip exports the seeded plan in each format and uploads the file unchanged:
// the preview says nothing would change and offers nothing to apply.
func TestImportRoundTrip(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	const base = "/admin/plans/2023-24"
	tests := []struct {
		path, contentType, start string
	}{
		{"/commitments.csv", "text/csv; charset=utf-8", "\xef\xbb\xbfref,priority,deliver,why,leads,lead_organisations,due,source_url\n"},
		{"/commitments.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
	}
	for _, tt := range tests {
		rec, _ := staffer.get(base + tt.path)
		mustStatus(t, "export "+tt.path, rec, http.StatusOK)
		if got := rec.Header().Get("Content-Type"); got != tt.contentType {
			t.Errorf("%s: Content-Type = %q, want %q", tt.path, got, tt.contentType)
		}
		if got, want := rec.Header().Get("Content-Disposition"), `attachment; filename="2023-24-`+tt.path[1:]+`"`; got != want {
			t.Errorf("%s: Content-Disposition = %q, want %q", tt.path, got, want)
		}
		export := rec.Body.Bytes()
		if !bytes.HasPrefix(export, []byte(tt.start)) {
			t.Fatalf("%s starts %q, want %q", tt.path, export[:min(len(export), 80)], tt.start)
		}
		rec, doc := staffer.upload(base+"/import", "file", "export"+tt.path[len("/commitments"):], export)
		mustStatus(t, "preview the unchanged "+tt.path, rec, http.StatusOK)
		if got := text(doc.Find("main")); !strings.Contains(got, "importing it would change nothing") || !strings.Contains(got, "6 commitments unchanged") {
			t.Errorf("preview of the unchanged %s = %q", tt.path, got)
		}
		if doc.Find(`form[action$="/import/apply"]`).Length() != 0 {
			t.Errorf("%s: a file that changes nothing can be applied", tt.path)
		}
	}
}

// TestImportApply previews an edited export, from a workbook and from CSV, then imports it: a
// change made to the plan in between gets a new preview instead.
func TestImportApply(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	const base = "/admin/plans/2023-24"

	// In the workbook, change 4.2's deadline: the preview names it, at its row.
	rec, _ := staffer.get(base + "/commitments.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.GetCellValue("Commitments", "A3"); got != "4.2" {
		t.Fatalf("row 3 of the workbook is %q, want 4.2", got)
	}
	if err := f.SetCellStr("Commitments", "G3", "October 2024"); err != nil {
		t.Fatal(err)
	}
	var book bytes.Buffer
	if err := f.Write(&book); err != nil {
		t.Fatal(err)
	}
	rec, doc := staffer.upload(base+"/import", "file", "edited.xlsx", book.Bytes())
	mustStatus(t, "preview the edited workbook", rec, http.StatusOK)
	if got := texts(doc.Find(".app-import-change td")); len(got) < 3 || got[0] != "3" || got[1] != "4.2" || !strings.Contains(got[2], "September 2024 to October 2024") {
		t.Errorf("the workbook's changes = %q, want 4.2 in row 3", got)
	}

	// In CSV, change 4.2's deadline and add 4.6: the preview says so and writes nothing.
	rec, _ = staffer.get(base + "/commitments.csv")
	edited := bytes.Replace(rec.Body.Bytes(), []byte("September 2024"), []byte("October 2024"), 1)
	edited = append(edited, []byte("4.6,4,A new commitment for Scotland’s carers,\"One\nTwo\",\"NES and LGDO\",NES;LGDO,June 2025,\n")...)
	audits := auditCount(t, app, "commitment.update")
	rec, doc = staffer.upload(base+"/import", "file", "edited.csv", edited)
	mustStatus(t, "preview the edited file", rec, http.StatusOK)
	if got := texts(doc.Find(".app-import-create td")); len(got) < 2 || got[0] != "8" || got[1] != "4.6" {
		t.Errorf("creates = %q, want 4.6 in row 8", got)
	}
	if got := text(doc.Find(".app-import-change")); !strings.Contains(got, "4.2") || !strings.Contains(got, "September 2024 to October 2024") {
		t.Errorf("changes = %q", got)
	}
	if _, err := app.Store.CommitmentByRef(t.Context(), mustPlan(t, app).ID, "4.6"); err == nil || auditCount(t, app, "commitment.update") != audits {
		t.Fatal("the preview wrote to the plan")
	}
	apply := formOf(t, doc, `form[action$="/import/apply"]`)

	// Someone edits 4.1 before the import is confirmed: a new preview, nothing imported.
	c41, _ := app.Store.CommitmentByRef(t.Context(), mustPlan(t, app).ID, "4.1")
	c41.Deliver += " Edited."
	if _, err := app.Store.UpdateCommitment(t.Context(), tracker.Actor{Label: "test"}, c41); err != nil {
		t.Fatal(err)
	}
	rec, doc = staffer.postDoc(base+"/import/apply", apply)
	mustStatus(t, "apply after a change", rec, http.StatusConflict)
	if doc.Find(".app-import-changed").Length() != 1 {
		t.Error("the new preview does not say the plan changed")
	}
	if _, err := app.Store.CommitmentByRef(t.Context(), mustPlan(t, app).ID, "4.6"); err == nil {
		t.Fatal("a stale import was applied")
	}
	if got := texts(doc.Find(".app-import-change td:nth-child(2)")); !slices.Contains(got, "4.1") {
		t.Errorf("new preview changes %q, want 4.1 among them", got)
	}
	rec = staffer.post(base+"/import/apply", formOf(t, doc, `form[action$="/import/apply"]`))
	mustStatus(t, "apply", rec, http.StatusSeeOther)
	c46, err := app.Store.CommitmentByRef(t.Context(), mustPlan(t, app).ID, "4.6")
	if err != nil || c46.Deliver != "A new commitment for Scotland’s carers" || len(c46.Why) != 2 || !slices.Equal(c46.LeadOrganisationCodes(), []string{"NES", "LGDO"}) {
		t.Errorf("imported 4.6 = %+v, %v", c46, err)
	}
	if auditCount(t, app, "plan.import") != 1 {
		t.Error("the import is not audited")
	}

	// The workbook exported after the import re-imports with no changes.
	rec, _ = staffer.get(base + "/commitments.xlsx")
	rec, doc = staffer.upload(base+"/import", "file", "again.xlsx", rec.Body.Bytes())
	mustStatus(t, "preview the new export", rec, http.StatusOK)
	if !strings.Contains(text(doc.Find("main")), "7 commitments unchanged") {
		t.Errorf("second round trip = %q", text(doc.Find(".app-import-summary")))
	}
}

// TestImportErrors uploads files with problems: each is listed at its spreadsheet row and
// column heading, with the error summary, and nothing is imported.
func TestImportErrors(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	const path = "/admin/plans/2023-24/import"
	const header = "ref,priority,deliver,why,leads,lead_organisations,Due\r\n"
	workbook := func(rows ...[]any) []byte {
		f := excelize.NewFile()
		defer f.Close()
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetCellFormula("Sheet1", "C3", `"=" & "1"`); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	tests := []struct {
		name, file string
		data       []byte
		want       []string
	}{
		{"problems by row", "bad.csv", []byte("\xef\xbb\xbf" + header +
			"4.7,4,Fine,,NES,NES,March 2025\r\n" +
			"4.8,4,Why on two lines,\"Two\nlines\",Nobody,NOPE,March 2025\r\n" +
			"4.9,4,Bad month,,,,Marhc 2025\r\n" +
			"4.7,4,Again,,,,March 2025\r\n" +
			"5.2,9,No such priority,,,,March 2025\r\n"),
			[]string{"Row 3, column ‘lead_organisations’: Line 1: no organisation has the code NOPE",
				"Row 4, column ‘Due’: “Marhc 2025” is not a month and year: enter one such as March 2024",
				"Row 5, column ‘ref’: 4.7 is in row 2 too: each commitment may appear once",
				"Row 6, column ‘priority’: 9 is not a priority area of this plan"}},
		{"not UTF-8", "bad.csv", []byte(header + "4.7,4,caf\xe9,,,,March 2025\n"),
			[]string{"Row 2, column ‘deliver’: The cell is not UTF-8 text: save the file from your spreadsheet as “CSV UTF-8”"}},
		{"no header", "bad.csv", []byte("4.7,4,x,,,,March 2025\n"), []string{"Row 1: The first row must name the columns, such as ref and due"}},
		{"a workbook", "bad.xlsx", workbook(
			[]any{"ref", "priority", "deliver", "why", "leads", "lead_organisations", "Due"},
			[]any{"4.7", 4, "Fine", nil, nil, nil, "Smarch 2025"},
			[]any{"4.8", "four", "Replaced by a formula", nil, nil, nil, "March 2025"}),
			[]string{"Row 2, column ‘Due’: “Smarch 2025” is not a month and year: enter one such as March 2024",
				"Row 3, column ‘priority’: “four” is not the number of a priority area: enter one such as 4",
				"Row 3, column ‘deliver’: The cell holds a formula: type the text itself, or put an apostrophe before the =, +, - or @ that starts it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, doc := staffer.upload(path, "file", tt.file, tt.data)
			mustStatus(t, "upload "+tt.name, rec, http.StatusUnprocessableEntity)
			if got := texts(doc.Find(".ds_error-summary a")); len(got) != 1 || !strings.HasSuffix(got[0], ": nothing has been imported") {
				t.Errorf("error summary = %q", got)
			}
			got := texts(doc.Find(".app-import-error"))
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					t.Errorf("no problem %q in %q", w, got)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("problems = %q, want %d", got, len(tt.want))
			}
		})
	}
	rec, doc := staffer.postDoc(path, url.Values{})
	mustStatus(t, "upload nothing", rec, http.StatusUnprocessableEntity)
	if got := text(doc.Find("#error-message-file")); !strings.Contains(got, "Choose a spreadsheet of commitments to import, .xlsx or CSV") {
		t.Errorf("error for a missing file = %q", got)
	}
	if rec := staffer.post(path+"/apply", url.Values{"data": {"%%%"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("apply with a mangled file = %d, want 400", rec.Code)
	}
}
