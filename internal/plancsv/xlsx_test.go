package plancsv

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestRoundTripXLSX exports a plan as a workbook and imports it into the same plan: nothing may
// change. The workbook keeps text as text and the formula guard's apostrophes.
func TestRoundTripXLSX(t *testing.T) {
	p := samplePlan()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, p.Commitments); err != nil {
		t.Fatal(err)
	}
	checkUnchanged(t, "the workbook", buf.Bytes(), p)

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Commitments" {
		t.Errorf("sheets = %q, want just Commitments", got)
	}
	for cell, want := range map[string]string{"A1": "ref", "H1": "source_url", "C3": "''=already quoted", "D3": "'@mention\n+plus", "G2": "March 2026"} {
		if got, _ := f.GetCellValue("Commitments", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
		if typ, _ := f.GetCellType("Commitments", cell); typ != excelize.CellTypeSharedString {
			t.Errorf("%s is of type %v, want text", cell, typ)
		}
	}
	if typ, _ := f.GetCellType("Commitments", "B2"); typ != excelize.CellTypeUnset {
		t.Errorf("the priority area's number is of type %v, want a number", typ)
	}
}

// excelWorkbook builds the sample plan's export as a person's Excel saves it after editing: the
// rows typed in by hand, "’" in a cell, line breaks within cells, the formula guard's
// apostrophes kept, a due month that Excel turned into a date, and rows ending early where the
// cells at their end are empty. edit changes the cells before they are written.
func excelWorkbook(t *testing.T, edit func(rows [][]any)) []byte {
	t.Helper()
	rows := [][]any{
		{"ref", "priority", "deliver", "why", "leads", "lead_organisations", "due", "source_url"},
		{"4.1", 4, "Provide an MSc for 50 people a year, \"leading\" change.", "Support leaders\n=1+1 is not a formula here\n-dash first",
			"NES\nScottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)\nOthers, depending on the challenge",
			"NES\nSG-DHCD;CSO", time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC), "https://www.gov.scot/publications/x/pages/6/"},
		{"4.4", 4, "''=already quoted", "'@mention\n+plus", nil, nil, "March 2024"},
		{"5.1", 5, "Opportunities for Scotland’s knowledge exchange.", nil, "Nobody named first\nCSO", "\nCSO", "March 2024"},
	}
	if edit != nil {
		edit(rows)
	}
	f := excelize.NewFile()
	defer f.Close()
	date, err := f.NewStyle(&excelize.Style{NumFmt: 17}) // mmm-yy, as Excel formats "March 2026" typed in
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellStyle("Sheet1", "G2", "G2", date); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExcelXLSX imports a workbook as Excel writes one, "’" and all: unchanged, nothing changes;
// with more typed into a cell, only that commitment changes, and its quotation marks arrive intact.
func TestExcelXLSX(t *testing.T) {
	p := samplePlan()
	checkUnchanged(t, "Excel's workbook", excelWorkbook(t, nil), p)
	edited := excelWorkbook(t, func(rows [][]any) {
		rows[3][2] = "Opportunities for Scotland’s knowledge exchange, ‘open’ to all."
	})
	preview, errs := Check(bytes.NewReader(edited), p)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(preview.Change) != 1 || preview.Change[0].Row != 4 || preview.Change[0].After.Deliver != "Opportunities for Scotland’s knowledge exchange, ‘open’ to all." {
		t.Errorf("change = %+v, want 5.1 in row 4 with its apostrophe", preview.Change)
	}
}

// TestXLSXErrors checks that a workbook's problems are reported at its rows and columns.
func TestXLSXErrors(t *testing.T) {
	tests := []struct {
		name string
		file func(t *testing.T) []byte
		want []string
	}{
		{"bad month and priority", func(t *testing.T) []byte {
			return excelWorkbook(t, func(rows [][]any) { rows[0][6], rows[2][6], rows[3][1] = "Due", "Smarch 2024", "five" })
		}, []string{"Row 3, column ‘Due’: “Smarch 2024” is not a month and year", "Row 4, column ‘priority’: “five” is not the number"}},
		{"a formula", func(t *testing.T) []byte {
			b := excelWorkbook(t, nil)
			f, _ := excelize.OpenReader(bytes.NewReader(b))
			defer f.Close()
			if err := f.SetCellFormula("Sheet1", "C3", `HYPERLINK("https://example.com","x")`); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, []string{"Row 3, column ‘deliver’: The cell holds a formula"}},
		{"empty rows count", func(t *testing.T) []byte {
			return excelWorkbook(t, func(rows [][]any) {
				rows[2] = []any{}
				rows[3][0] = "4.1"
			})
		}, []string{"Row 4, column ‘ref’: 4.1 is in row 2 too"}},
		{"a cell past the last column", func(t *testing.T) []byte {
			return excelWorkbook(t, func(rows [][]any) { rows[3] = append(rows[3], nil, "stray") })
		}, []string{"Row 4: The row has 9 cells but the header has 8 columns"}},
		{"not a workbook", func(t *testing.T) []byte {
			var buf bytes.Buffer
			z := zip.NewWriter(&buf)
			w, _ := z.Create("hello.txt")
			_, _ = w.Write([]byte("hello"))
			_ = z.Close()
			return buf.Bytes()
		}, []string{"The file could not be read as an Excel workbook (.xlsx)"}},
		{"unpacks to too much", func(t *testing.T) []byte {
			// A small upload that would unpack to more than 64 MB is not opened.
			book, _ := zip.NewReader(bytes.NewReader(excelWorkbook(t, nil)), int64(len(excelWorkbook(t, nil))))
			var buf bytes.Buffer
			z := zip.NewWriter(&buf)
			for _, f := range book.File {
				if err := z.Copy(f); err != nil {
					t.Fatal(err)
				}
			}
			w, _ := z.Create("xl/media/padding.bin")
			_, _ = w.Write(make([]byte, 65<<20))
			_ = z.Close()
			if buf.Len() > 1<<20 {
				t.Fatalf("the padded workbook is %d bytes", buf.Len())
			}
			return buf.Bytes()
		}, []string{"The file could not be read as an Excel workbook (.xlsx)"}},
		{"empty sheet", func(t *testing.T) []byte {
			f := excelize.NewFile()
			defer f.Close()
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, []string{"The file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Check(bytes.NewReader(tt.file(t)), samplePlan())
			checkErrors(t, errs, tt.want)
		})
	}
}

// TestColumnLetter names columns as spreadsheets do.
func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 7: "H", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
	if got := strings.Join(Columns, ","); got != "ref,priority,deliver,why,leads,lead_organisations,due,source_url" {
		t.Errorf("columns = %s", got)
	}
}
