package tracker

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseCommitment(t *testing.T) {
	priorities := []Priority{{ID: 11, Number: 4, Slug: "skills", Name: "Skills"}}
	orgs := []Organisation{{ID: 21, Code: "NES", Name: "NHS Education for Scotland"}, {ID: 22, Code: "SG", Name: "Scottish Government"}}
	good := CommitmentInput{Ref: " 4.2 ", Priority: "11", Deliver: "A skills framework", Why: "One\r\n\r\nTwo\n",
		DueMonth: "3", DueYear: "2025", SourceURL: "https://www.gov.scot/plan",
		Leads: []LeadInput{{Text: "NES with SG", Orgs: []string{"21", "22"}}, {}, {}}}
	tests := []struct {
		name string
		edit func(*CommitmentInput)
		want []string
	}{
		{"good", func(*CommitmentInput) {}, nil},
		{"empty", func(in *CommitmentInput) { *in = CommitmentInput{} }, []string{
			"ref: Enter the commitment’s number, such as 4.2", "priority: Choose the priority area",
			"deliver: Enter what the commitment will deliver", "due: Enter the month it is due, such as 3 and 2024"}},
		{"unknown priority", func(in *CommitmentInput) { in.Priority = "12" }, []string{"priority: Choose the priority area"}},
		{"bad month", func(in *CommitmentInput) { in.DueMonth = "13" }, []string{
			"due: Enter the month it is due as a month from 1 to 12 and a four-digit year, such as 3 and 2024"}},
		{"two-digit year", func(in *CommitmentInput) { in.DueYear = "25" }, []string{
			"due: Enter the month it is due as a month from 1 to 12 and a four-digit year, such as 3 and 2024"}},
		{"no month typed, with other problems", func(in *CommitmentInput) { in.Ref, in.DueMonth, in.DueYear = "", "", "" }, []string{
			"ref: Enter the commitment’s number, such as 4.2", "due: Enter the month it is due, such as 3 and 2024"}},
		{"lead with organisations but no text", func(in *CommitmentInput) { in.Leads[2] = LeadInput{Orgs: []string{"21"}} }, []string{
			"lead-3-text: Enter lead line 3 as the plan prints it, or remove its organisations"}},
		{"lead names an unknown organisation", func(in *CommitmentInput) { in.Leads[0].Orgs = []string{"21", "99"} }, []string{
			"lead-1-org: Choose the organisations lead line 1 names from the list"}},
		{"lead names an organisation twice", func(in *CommitmentInput) { in.Leads[0].Orgs = []string{"21", "21"} }, []string{
			"lead-1-text: Lead line 1 names NHS Education for Scotland twice"}},
		{"problems in form order", func(in *CommitmentInput) {
			in.Leads[1] = LeadInput{Orgs: []string{"99"}}
			in.SourceURL, in.DueYear, in.Ref = "nope", "x", "4"
		}, []string{
			"ref: Enter the commitment’s number as the priority area’s number, a dot and its position, such as 4.2",
			"due: Enter the month it is due as a month from 1 to 12 and a four-digit year, such as 3 and 2024",
			"source_url: Enter a full web address starting with https://",
			"lead-2-text: Enter lead line 2 as the plan prints it, or remove its organisations",
			"lead-2-org: Choose the organisations lead line 2 names from the list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			in.Leads = slices.Clone(good.Leads)
			tt.edit(&in)
			_, errs := ParseCommitment(in, priorities, orgs)
			checkProblems(t, errs, tt.want)
		})
	}
	c, _ := ParseCommitment(good, priorities, orgs)
	if c.Ref != "4.2" || c.PriorityID != 11 || c.PriorityNumber != 4 || c.Due != (Month{Year: 2025, Month: time.March}) ||
		!slices.Equal(c.Why, []string{"One", "Two"}) || len(c.Leads) != 1 || len(c.Leads[0].Organisations) != 2 {
		t.Errorf("ParseCommitment = %+v", c)
	}
	if got := LeadField(0, "text"); got != "lead-1-text" {
		t.Errorf("LeadField(0, text) = %q, want lead-1-text", got)
	}
}

func TestCheckImportFile(t *testing.T) {
	tests := []struct {
		size int64
		want []string
	}{
		{0, []string{"file: Choose a CSV file of commitments to import"}},
		{1, nil},
		{MaxImportBytes, nil},
		{MaxImportBytes + 1, []string{"file: The file must be smaller than 600 KB: split it into smaller files"}},
	}
	for _, tt := range tests {
		checkProblems(t, CheckImportFile(tt.size), tt.want)
	}
}

func TestParseImportRow(t *testing.T) {
	good := ImportRowInput{Ref: " 4.2 ", Priority: "4", Deliver: "A framework", Why: "One\n\nTwo", Leads: "NES\r\nSG with partners\n\n",
		LeadOrganisations: "nes\n sg ; cosla ", Due: "March 2025", SourceURL: ""}
	tests := []struct {
		name string
		edit func(*ImportRowInput)
		want []string
	}{
		{"good", func(*ImportRowInput) {}, []string{}},
		{"empty cells", func(in *ImportRowInput) { in.Priority, in.Due = "", "" }, []string{
			"priority is empty: enter the number of the priority area, such as 4", "due is empty: enter the month it is due, such as March 2024"}},
		{"bad cells", func(in *ImportRowInput) { in.Priority, in.Due = "0", strings.Repeat("x", 45) }, []string{
			`priority "0" is not the number of a priority area, such as 4`,
			`due "` + strings.Repeat("x", 40) + `…" is not a month and year such as March 2024`}},
		{"blank lead line", func(in *ImportRowInput) { in.Leads = "NES\n\nSG" }, []string{
			"leads line 2 is blank: remove it, or enter the lead line as printed"}},
		{"more code lines than leads", func(in *ImportRowInput) { in.LeadOrganisations = "NES\nSG\nCOSLA" }, []string{
			"lead_organisations has 3 lines but leads has 2: give one line of codes per lead line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, got := ParseImportRow(in)
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
	row, _ := ParseImportRow(good)
	if row.Ref != "4.2" || row.Priority != 4 || row.Due != (Month{Year: 2025, Month: time.March}) || !slices.Equal(row.Why, []string{"One", "Two"}) ||
		len(row.Leads) != 2 || !slices.Equal(row.Leads[1].Codes, []string{"SG", "COSLA"}) || !slices.Equal(row.Leads[0].Codes, []string{"NES"}) {
		t.Errorf("ParseImportRow = %+v", row)
	}
	if got, want := ImportRefRepeated("4.2", 3), "ref 4.2 is on line 3 too: each commitment may appear once"; got != want {
		t.Errorf("ImportRefRepeated = %q, want %q", got, want)
	}
}

func TestImportResolverResolve(t *testing.T) {
	retiredAt := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := NewImportResolver([]Priority{{ID: 11, Number: 4, Name: "Skills"}},
		[]Organisation{{ID: 21, Code: "NES", Name: "NES"}, {ID: 23, Code: "OLD", Name: "Old board", RetiredAt: &retiredAt}},
		[]string{"4.9"})
	good := ImportRow{Ref: "4.2", Priority: 4, Deliver: "A framework", Due: Month{Year: 2025, Month: time.March},
		Leads: []ImportLead{{Text: "NES", Codes: []string{"NES"}}}}
	tests := []struct {
		name string
		edit func(*ImportRow)
		want []string
	}{
		{"good", func(*ImportRow) {}, []string{}},
		{"unknown priority", func(row *ImportRow) { row.Priority = 5 }, []string{"priority 5 is not a priority area of this plan"}},
		{"priority and due reported already", func(row *ImportRow) { row.Priority, row.Due = 0, Month{} }, []string{}},
		{"unknown and retired codes", func(row *ImportRow) { row.Leads[0].Codes = []string{"NOPE", "OLD"} }, []string{
			"lead_organisations line 1: no organisation has the code NOPE", "lead_organisations line 1: Old board (OLD) is retired"}},
		{"domain rules by column", func(row *ImportRow) { row.Deliver, row.SourceURL = "", "x" }, []string{
			"deliver: Enter what the commitment will deliver", "source_url: Enter a full web address starting with https://"}},
		{"retired ref", func(row *ImportRow) { row.Ref = "4.9" }, []string{
			"ref 4.9 belonged to a commitment that was retired: give this commitment another number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := good
			row.Leads = []ImportLead{{Text: "NES", Codes: []string{"NES"}}}
			tt.edit(&row)
			_, got := r.Resolve(row)
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
	c, _ := r.Resolve(good)
	if c.PriorityID != 11 || len(c.Leads) != 1 || len(c.Leads[0].Organisations) != 1 || c.Leads[0].Organisations[0].ID != 21 {
		t.Errorf("Resolve = %+v", c)
	}
}
