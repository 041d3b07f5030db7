package plancsv

import (
	"bytes"
	"slices"
	"strconv"
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
				Deliver: "Opportunities for knowledge exchange.",
				Leads: []tracker.LeadLine{
					{Text: "Nobody named first"},
					{Text: "CSO", Organisations: []tracker.Organisation{cso}},
				},
				Due: tracker.Month{Year: 2024, Month: time.March}},
		},
	}
}

// TestRoundTrip exports a plan and imports the file into the same plan: nothing may change.
func TestRoundTrip(t *testing.T) {
	p := samplePlan()
	var buf bytes.Buffer
	if err := Write(&buf, p.Commitments); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"'@mention`) || !strings.Contains(buf.String(), `,''=already quoted,`) {
		t.Errorf("export does not neutralise formulas:\n%s", buf.String())
	}
	rows, errs := Read(bytes.NewReader(buf.Bytes()))
	if len(errs) > 0 {
		t.Fatalf("reading the export: %v\n%s", errs, buf.String())
	}
	preview, errs := Compare(rows, p)
	if len(errs) > 0 {
		t.Fatalf("comparing the export: %v", errs)
	}
	if !preview.Empty() {
		t.Errorf("re-importing the export would change the plan: create %v, change %+v", preview.Create, preview.Change)
	}
	if got, want := preview.Unchanged, []string{"4.1", "4.4", "5.1"}; !slices.Equal(got, want) {
		t.Errorf("unchanged = %q, want %q", got, want)
	}
	// Read again with a byte order mark and CRLF line ends, as spreadsheets save it.
	crlf := "\xef\xbb\xbf" + strings.ReplaceAll(buf.String(), "\n", "\r\n")
	rows, errs = Read(strings.NewReader(crlf))
	if len(errs) > 0 {
		t.Fatalf("reading the export with BOM and CRLF: %v", errs)
	}
	if preview, _ := Compare(rows, p); !preview.Empty() {
		t.Errorf("re-importing with CRLF would change the plan: %+v", preview.Change)
	}
}

func TestCompare(t *testing.T) {
	p := samplePlan()
	file := "ref,priority,deliver,why,leads,lead_organisations,due\n" +
		"4.1,5,\"Provide an MSc for 50 people a year, \"\"leading\"\" change.\",\"Support leaders\n=1+1 is not a formula here\n-dash first\",\"NES\",NES,March 2027\n" +
		"4.6,4,A new one,,\"NES and CSO\",NES;cso,April 2025\n" +
		"5.1,5,Opportunities for knowledge exchange.,,\"Nobody named first\nCSO\",\"\nCSO\",March 2024\n"
	rows, errs := Read(strings.NewReader(file))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	preview, errs := Compare(rows, p)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(preview.Create) != 1 || preview.Create[0].After.Ref != "4.6" || preview.Create[0].Line != 5 {
		t.Fatalf("create = %+v, want 4.6 from line 5 (4.1 spans lines 2 to 4)", preview.Create)
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

// TestReadErrors checks that each problem is reported at the line it is on.
func TestReadErrors(t *testing.T) {
	const header = "ref,priority,deliver,why,leads,lead_organisations,due\n"
	tests := []struct {
		name string
		file string
		want []string // "line: part of the message"
	}{
		{"empty", "", []string{"1: The file is empty"}},
		{"not UTF-8", header + "4.1,4,ok,,,,March 2024\n4.2,4,caf\xe9,,,,March 2024\n", []string{"3: not UTF-8"}},
		{"unknown column", "ref,priority,deliver,why,leads,lead_organisations,due,colour\n", []string{"1: unknown column, \"colour\""}},
		{"missing column", "ref,priority,deliver\n4.1,4,x\n", []string{"1: no why column", "1: no leads column", "1: no lead_organisations column", "1: no due column"}},
		{"duplicate column", "ref,ref,priority,deliver,why,leads,lead_organisations,due\n", []string{"1: the column ref twice"}},
		{"header only", header, []string{"1: no commitments"}},
		{"bad month", header + "4.1,4,x,,,,Marhc 2024\n", []string{"2: due \"Marhc 2024\" is not a month"}},
		{"empty due", header + "4.1,4,x,,,,\n", []string{"2: due is empty"}},
		{"bad priority", header + "4.1,four,x,,,,March 2024\n", []string{"2: priority \"four\""}},
		{"cell count", header + "4.1,4,x,,,March 2024\n", []string{"2: 6 cells"}},
		{"duplicate ref", header + "4.1,4,x,,,,March 2024\n\n4.1,4,y,,,,March 2024\n", []string{"4: ref 4.1 is on line 2 too"}},
		{"unclosed quote", header + "4.1,4,x,,,,March 2024\n4.2,4,\"oops,,,,March 2024\n", []string{"3: quoted cell is not closed"}},
		{"bare quote", header + "4.1,4,say \"hi\",,,,March 2024\n", []string{"2: quote mark appears"}},
		{"more org lines than leads", header + "4.1,4,x,,NES,\"NES\nCSO\",March 2024\n", []string{"2: lead_organisations has 2 lines but leads has 1"}},
		{"blank lead line", header + "4.1,4,x,,\"NES\n\nCSO\",,March 2024\n", []string{"2: leads line 2 is blank"}},
		{"multi-line row then error", header + "4.1,4,\"two\nlines\",,,,March 2024\n4.2,4,x,,,,Smarch 2024\n", []string{"4: due"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Read(strings.NewReader(tt.file))
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("errors = %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				line, part, _ := strings.Cut(w, ": ")
				if got := errs[i]; strconv.Itoa(got.Line) != line || !strings.Contains(strings.ToLower(got.Message), strings.ToLower(part)) {
					t.Errorf("error %d = %q, want line %s containing %q", i, got.Error(), line, part)
				}
			}
		})
	}
}

func TestCompareErrors(t *testing.T) {
	const header = "ref,priority,deliver,why,leads,lead_organisations,due\n"
	tests := []struct {
		name string
		row  string
		want string
	}{
		{"unknown org", "4.7,4,x,,NES and NOPE,NES;NOPE,March 2024", "no organisation has the code NOPE"},
		{"retired org", "4.7,4,x,,Retired Body,GONE,March 2024", "is retired"},
		{"unknown priority", "4.7,9,x,,,,March 2024", "priority 9 is not a priority area"},
		{"retired ref", "4.9,4,x,,,,March 2024", "4.9 belonged to a commitment that was retired"},
		{"bad ref", "four,4,x,,,,March 2024", "ref: Enter the commitment’s number as"},
		{"missing deliver", "4.7,4,,,,,March 2024", "deliver: Enter what the commitment will deliver"},
		{"same org twice", "4.7,4,x,,NES,NES;NES,March 2024", "names NHS Education for Scotland twice"},
		{"bad url", "4.7,4,x,,,,March 2024", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, errs := Read(strings.NewReader(header + tt.row + "\n"))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			preview, errs := Compare(rows, samplePlan())
			if tt.want == "" {
				if len(errs) > 0 {
					t.Errorf("errors = %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Line != 2 || !strings.Contains(errs[0].Message, tt.want) {
				t.Errorf("errors = %v, want one on line 2 containing %q", errs, tt.want)
			}
			if !preview.Empty() {
				t.Errorf("a row with a problem is in the preview: %+v", preview)
			}
		})
	}
	rows, _ := Read(strings.NewReader("ref,priority,deliver,why,leads,lead_organisations,due,source_url\n4.7,4,x,,,,March 2024,javascript:alert(1)\n"))
	if _, errs := Compare(rows, samplePlan()); len(errs) != 1 || !strings.Contains(errs[0].Message, "source_url: Enter a full web address") {
		t.Errorf("javascript: source_url errors = %v", errs)
	}
}

func TestCheckReportsEveryProblemByLine(t *testing.T) {
	file := "ref,priority,deliver,why,leads,lead_organisations,due\n" +
		"4.7,4,x,,Someone,NOPE,March 2025\n" +
		"4.8,4,x,,,,Smarch 2025\n" +
		"4.9,4,x,,,,March 2025\n"
	preview, errs := Check(strings.NewReader(file), samplePlan())
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, []int{2, 3, 4}) {
		t.Errorf("problems on lines %v (%v), want 2, 3 and 4", lines, errs)
	}
	if !preview.Empty() {
		t.Errorf("rows with problems are in the preview: %+v", preview)
	}
}
