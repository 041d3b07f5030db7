package plancsv

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

var (
	nes    = tracker.Organisation{ID: 1, Code: "NES", Name: "NHS Education for Scotland", AsWritten: []string{"NES"}}
	cso    = tracker.Organisation{ID: 2, Code: "CSO", Name: "Chief Scientist Office", AsWritten: []string{"Chief Scientist Office (CSO)"}}
	sg     = tracker.Organisation{ID: 3, Code: "SG-DHCD", Name: "Scottish Government Digital Health and Care Directorate"}
	gone   = tracker.Organisation{ID: 4, Code: "GONE", Name: "Retired Body", RetiredAt: &time.Time{}}
	skills = tracker.Priority{ID: 40, Number: 4, Slug: "digital-skills", Name: "Digital Skills"}
	future = tracker.Priority{ID: 50, Number: 5, Slug: "digital-futures", Name: "Digital Futures"}
)

// samplePlan has commitments with what makes the format hard: several lines of leads and
// reasons, a lead line naming two bodies, one naming none at the end, no leads at all, commas,
// quotes, and text a spreadsheet would take for a formula.
func samplePlan() Plan {
	return Plan{
		Priorities:    []tracker.Priority{skills, future},
		Organisations: []tracker.Organisation{nes, cso, sg, gone},
		RetiredRefs:   []string{"4.9"},
		Commitments: []tracker.Commitment{
			{ID: 1, Ref: "4.1", Ordinal: 1, PriorityID: 40, PriorityNumber: 4, Version: 3,
				Deliver: "Provide an MSc for 50 people a year, \"leading\" change.",
				Why:     []string{"Support leaders", "=1+1 is not a formula here", "-dash first"},
				Leads: []tracker.LeadLine{
					{Text: "NES", Organisations: []tracker.Organisation{nes}},
					{Text: "Scottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)", Organisations: []tracker.Organisation{sg, cso}},
					{Text: "Others, depending on the challenge"},
				},
				Due: tracker.Month{Year: 2026, Month: time.March}, SourceURL: "https://www.gov.scot/publications/x/pages/6/"},
			{ID: 2, Ref: "4.4", Ordinal: 4, PriorityID: 40, PriorityNumber: 4, Version: 1,
				Deliver: "'=already quoted", Why: []string{"@mention", "+plus"},
				Due: tracker.Month{Year: 2024, Month: time.March}},
			{ID: 3, Ref: "5.1", Ordinal: 1, PriorityID: 50, PriorityNumber: 5, Version: 2,
				Deliver: "Opportunities for Scotland’s knowledge exchange.",
				Leads: []tracker.LeadLine{
					{Text: "Nobody named first"},
					{Text: "CSO", Organisations: []tracker.Organisation{cso}},
				},
				Due: tracker.Month{Year: 2024, Month: time.March}},
		},
	}
}

// TestRoundTrip exports a plan as CSV and imports the file into the same plan: nothing may change.
func TestRoundTrip(t *testing.T) {
	p := samplePlan()
	var buf bytes.Buffer
	if err := Write(&buf, p.Commitments); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\xef\xbb\xbfref,priority,") {
		t.Errorf("export does not start with a byte order mark and the header: %q", buf.String()[:20])
	}
	if !strings.Contains(buf.String(), `"'@mention`) || !strings.Contains(buf.String(), `,''=already quoted,`) {
		t.Errorf("export does not neutralise formulas:\n%s", buf.String())
	}
	checkUnchanged(t, "the export", buf.Bytes(), p)
	// Read again with CRLF line ends, as spreadsheets save it.
	checkUnchanged(t, "the export with CRLF", []byte(strings.ReplaceAll(buf.String(), "\n", "\r\n")), p)
}

// checkUnchanged imports file into p and wants no problems and no changes.
func checkUnchanged(t *testing.T, what string, file []byte, p Plan) {
	t.Helper()
	preview, errs := Check(bytes.NewReader(file), p)
	if len(errs) > 0 {
		t.Fatalf("importing %s: %v", what, errs)
	}
	if !preview.Empty() {
		t.Errorf("importing %s would change the plan: create %+v, change %+v", what, preview.Create, preview.Change)
	}
	var refs []string
	for _, c := range p.Commitments {
		refs = append(refs, c.Ref)
	}
	if !slices.Equal(preview.Unchanged, refs) {
		t.Errorf("importing %s: unchanged = %q, want %q", what, preview.Unchanged, refs)
	}
}

// excelCSV is a plan as Excel saves it as "CSV UTF-8" after staff edited the export: a byte
// order mark, CRLF at the end of each row, LF for the line breaks within cells (Alt+Enter), and
// quotes only where needed.
const excelCSV = "\xef\xbb\xbfref,priority,deliver,why,leads,lead_organisations,due,source_url\r\n" +
	"4.1,4,\"Provide an MSc for 50 people a year, \"\"leading\"\" change.\",\"Support leaders\n=1+1 is not a formula here\n-dash first\"," +
	"\"NES\nScottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)\nOthers, depending on the challenge\"," +
	"\"NES\nSG-DHCD;CSO\",March 2026,https://www.gov.scot/publications/x/pages/6/\r\n" +
	"4.4,4,''=already quoted,\"'@mention\n+plus\",,,March 2024,\r\n" +
	"5.1,5,Opportunities for Scotland’s knowledge exchange.,,\"Nobody named first\nCSO\",\"\nCSO\",March 2024,\r\n"

// TestExcelCSV imports a CSV file as Excel writes one, "’" and all: unchanged, nothing changes;
// with more typed into a cell, only that commitment changes, and its quotation marks arrive intact.
func TestExcelCSV(t *testing.T) {
	p := samplePlan()
	checkUnchanged(t, "Excel's CSV", []byte(excelCSV), p)
	edited := strings.Replace(excelCSV, "Opportunities for Scotland’s knowledge exchange.", `"Opportunities for Scotland’s knowledge exchange, ‘open’ to all."`, 1)
	preview, errs := Check(strings.NewReader(edited), p)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(preview.Change) != 1 || preview.Change[0].Row != 4 || preview.Change[0].After.Deliver != "Opportunities for Scotland’s knowledge exchange, ‘open’ to all." {
		t.Errorf("change = %+v, want 5.1 in row 4 with its apostrophe", preview.Change)
	}
}

func TestCompare(t *testing.T) {
	p := samplePlan()
	file := "ref,priority,deliver,why,leads,lead_organisations,due\n" +
		"4.1,5,\"Provide an MSc for 50 people a year, \"\"leading\"\" change.\",\"Support leaders\n=1+1 is not a formula here\n-dash first\",\"NES\",NES,March 2027\n" +
		"4.6,4,A new one,,\"NES and CSO\",NES;cso,April 2025\n" +
		"5.1,5,Opportunities for Scotland’s knowledge exchange.,,\"Nobody named first\nCSO\",\"\nCSO\",March 2024\n"
	rows, errs := Read(strings.NewReader(file))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	preview, errs := Compare(rows, p)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(preview.Create) != 1 || preview.Create[0].After.Ref != "4.6" || preview.Create[0].Row != 3 {
		t.Fatalf("create = %+v, want 4.6 from row 3 (4.1's cells span lines 2 to 4 of the file, but it is row 2)", preview.Create)
	}
	created := preview.Create[0].After
	if created.PriorityID != 40 || created.Ordinal != 6 || len(created.Leads) != 1 ||
		len(created.Leads[0].Organisations) != 2 || created.Leads[0].Organisations[1].Code != "CSO" {
		t.Errorf("created = %+v", created)
	}
	if len(preview.Change) != 1 || preview.Change[0].After.Ref != "4.1" {
		t.Fatalf("change = %+v, want 4.1", preview.Change)
	}
	ch := preview.Change[0]
	if want := []string{"priority area", "who leads it", "due"}; !slices.Equal(ch.Fields, want) {
		t.Errorf("4.1 changes %q, want %q", ch.Fields, want)
	}
	if ch.After.ID != 1 || ch.After.Version != 3 || ch.After.SourceURL != p.Commitments[0].SourceURL {
		t.Errorf("4.1 after = %+v: want the ID, version and source kept (no source_url column)", ch.After)
	}
	if !slices.Equal(preview.Unchanged, []string{"5.1"}) || !slices.Equal(preview.NotInFile, []string{"4.4"}) {
		t.Errorf("unchanged %q, not in file %q", preview.Unchanged, preview.NotInFile)
	}
}

// TestReadErrors checks that each problem is reported at the spreadsheet's row and column.
func TestReadErrors(t *testing.T) {
	const header = "ref,priority,deliver,why,leads,lead_organisations,due\n"
	tests := []struct {
		name string
		file string
		want []string // the start of each problem, in order
	}{
		{"empty", "", []string{"The file is empty"}},
		{"only a byte order mark", "\xef\xbb\xbf\r\n", []string{"The file is empty"}},
		{"old Excel", "\xd0\xcf\x11\xe0rest", []string{"The file is an old Excel workbook (.xls)"}},
		{"not UTF-8", header + "4.1,4,ok,,,,March 2024\n4.2,4,caf\xe9,,,,March 2024\n", []string{"Row 3, column ‘deliver’: The cell is not UTF-8 text"}},
		{"header not UTF-8", "ref,priorit\xe9\n", []string{"Row 1: The header is not UTF-8 text"}},
		{"unknown column", "ref,priority,deliver,why,leads,lead_organisations,due,colour\n", []string{"Row 1: Column H has an unknown heading, “colour”"}},
		{"not a header", "4.1,4,x,,,,March 2024\n", []string{"Row 1: The first row must name the columns, such as ref and due: the columns are ref, priority,"}},
		{"no heading", "ref,priority,,deliver,why,leads,lead_organisations,due\n", []string{"Row 1: Column C has no heading"}},
		{"missing column", "ref,priority,deliver\n4.1,4,x\n", []string{"Row 1: The header has no why column", "Row 1: The header has no leads column",
			"Row 1: The header has no lead_organisations column", "Row 1: The header has no due column"}},
		{"duplicate column", "ref,ref,priority,deliver,why,leads,lead_organisations,due\n", []string{"Row 1: The header names the column ref twice"}},
		{"header only", header, []string{"The file has a header but no commitments"}},
		{"bad month", header + "4.1,4,x,,,,Marhc 2024\n", []string{"Row 2, column ‘due’: “Marhc 2024” is not a month and year"}},
		{"headings as typed", "Ref,Priority,Deliver,Why,Leads,Lead_Organisations, Due \n4.1,4,x,,,,\n", []string{"Row 2, column ‘Due’: Enter the month it is due"}},
		{"bad priority", header + "4.1,four,x,,,,March 2024\n", []string{"Row 2, column ‘priority’: “four” is not the number of a priority area"}},
		{"cell count", header + "4.1,4,x,,,March 2024\n", []string{"Row 2: The row has 6 cells but the header has 7 columns"}},
		{"blank lines are rows", header + "4.1,4,x,,,,March 2024\n\r\n\n4.1,4,y,,,,March 2024\n", []string{"Row 5, column ‘ref’: 4.1 is in row 2 too"}},
		{"unclosed quote", header + "4.1,4,x,,,,March 2024\n4.2,4,\"oops,,,,March 2024\n", []string{"Row 3: A quoted cell is not closed"}},
		{"bare quote", header + "4.1,4,say \"hi\",,,,March 2024\n", []string{"Row 2: A quote mark appears"}},
		{"more org lines than leads", header + "4.1,4,x,,NES,\"NES\nCSO\",March 2024\n", []string{"Row 2, column ‘lead_organisations’: It has 2 lines but leads has 1"}},
		{"blank lead line", header + "4.1,4,x,,\"NES\n\nCSO\",,March 2024\n", []string{"Row 2, column ‘leads’: Line 2 is blank"}},
		{"a row with line breaks is one row", header + "4.1,4,\"two\r\nlines\",\"and\n\nmore\",,,March 2024\r\n4.2,4,x,,,,Smarch 2024\r\n",
			[]string{"Row 3, column ‘due’: “Smarch 2024”"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Read(strings.NewReader(tt.file))
			checkErrors(t, errs, tt.want)
		})
	}
}

// checkErrors wants the problems, as people read them, to start as want says.
func checkErrors(t *testing.T, errs []Problem, want []string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if len(got) != len(want) {
		t.Fatalf("problems = %q, want %d starting %q", got, len(want), want)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("problem %d = %q, want it to start %q", i, got[i], w)
		}
	}
}

func TestCompareErrors(t *testing.T) {
	const header = "ref,priority,deliver,why,leads,lead_organisations,due\n"
	tests := []struct {
		name string
		row  string
		want string
	}{
		{"unknown org", "4.7,4,x,,NES and NOPE,NES;NOPE,March 2024", "Row 2, column ‘lead_organisations’: Line 1: no organisation has the code NOPE"},
		{"retired org", "4.7,4,x,,Retired Body,GONE,March 2024", "Row 2, column ‘lead_organisations’: Line 1: Retired Body (GONE) is retired"},
		{"unknown priority", "4.7,9,x,,,,March 2024", "Row 2, column ‘priority’: 9 is not a priority area of this plan"},
		{"retired ref", "4.9,4,x,,,,March 2024", "Row 2, column ‘ref’: 4.9 belonged to a commitment that was retired"},
		{"bad ref", "four,4,x,,,,March 2024", "Row 2, column ‘ref’: Enter the commitment’s number as"},
		{"missing deliver", "4.7,4,,,,,March 2024", "Row 2, column ‘deliver’: Enter what the commitment will deliver"},
		{"same org twice", "4.7,4,x,,NES,NES;NES,March 2024", "Row 2, column ‘leads’: Lead line 1 names NHS Education for Scotland twice"},
		{"fine", "4.7,4,x,,,,March 2024", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, errs := Read(strings.NewReader(header + tt.row + "\n"))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			preview, errs := Compare(rows, samplePlan())
			if tt.want == "" {
				checkErrors(t, errs, nil)
				return
			}
			checkErrors(t, errs, []string{tt.want})
			if !preview.Empty() {
				t.Errorf("a row with a problem is in the preview: %+v", preview)
			}
		})
	}
	rows, _ := Read(strings.NewReader("ref,priority,deliver,why,leads,lead_organisations,due,Source_URL\n4.7,4,x,,,,March 2024,javascript:alert(1)\n"))
	_, errs := Compare(rows, samplePlan())
	checkErrors(t, errs, []string{"Row 2, column ‘Source_URL’: Enter a full web address"})
}

func TestCheckReportsEveryProblemByRow(t *testing.T) {
	file := "ref,priority,deliver,why,leads,lead_organisations,due\n" +
		"4.7,4,x,,Someone,NOPE,March 2025\n" +
		"4.8,4,x,,,,Smarch 2025\n" +
		"4.9,4,x,,,,March 2025\n"
	preview, errs := Check(strings.NewReader(file), samplePlan())
	var rows []int
	for _, e := range errs {
		rows = append(rows, e.Row)
	}
	if !slices.Equal(rows, []int{2, 3, 4}) {
		t.Errorf("problems in rows %v (%v), want 2, 3 and 4", rows, errs)
	}
	if !preview.Empty() {
		t.Errorf("rows with problems are in the preview: %+v", preview)
	}
}
