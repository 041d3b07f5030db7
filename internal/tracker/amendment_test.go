package tracker

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseChangeNote(t *testing.T) {
	tests := []struct {
		name, typed string
		required    bool
		want        string
		problems    []string
	}{
		{"trimmed, spaces made one", "  corrected \r\n the  comma ", true, "corrected the comma", nil},
		{"required and empty", " \n ", true, "", []string{
			"change_note: Enter a change note saying what you changed, such as “corrected the lead organisation”"}},
		{"optional and empty", "", false, "", nil},
		{"at the limit", strings.Repeat("é", MaxChangeNote), true, strings.Repeat("é", MaxChangeNote), nil},
		{"too long", strings.Repeat("a", MaxChangeNote+1), true, "", []string{"change_note: Change note must be 200 characters or fewer"}},
		{"control character", "fixed\x00it", true, "", []string{"change_note: Change note " + invalidText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseChangeNote(tt.typed, tt.required)
			checkProblems(t, errs, tt.problems)
			if got != tt.want {
				t.Errorf("note = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCommitmentChange(t *testing.T) {
	priorities := []Priority{{ID: 11, Number: 4, Slug: "skills", Name: "Skills"}}
	orgs := []Organisation{{ID: 21, Code: "NES", Name: "NHS Education for Scotland"}, {ID: 22, Code: "SG", Name: "Scottish Government"}}
	current := Commitment{Ref: "4.3", PriorityID: 11, Deliver: "Support the Digital, Data, and Technology workforce.",
		Why: []string{"One", "Two"}, Due: Month{Year: 2025, Month: time.December}, SourceURL: "https://www.gov.scot/plan",
		Leads: []LeadLine{{Text: "NES", Organisations: []Organisation{orgs[0]}}}}
	tests := []struct {
		name  string
		field CommitmentField
		edit  func(*CommitmentInput)
		note  string
		want  []string
		check func(t *testing.T, c Commitment)
	}{
		{"a comma, with a note", FieldWhat, func(in *CommitmentInput) { in.Deliver = "Support the Digital, Data and Technology workforce." },
			"removed a comma", nil, func(t *testing.T, c Commitment) {
				if c.Deliver != "Support the Digital, Data and Technology workforce." || c.Ref != "4.3" || len(c.Leads) != 1 {
					t.Errorf("commitment = %+v", c)
				}
			}},
		{"a public field without a note", FieldDue, func(in *CommitmentInput) { in.DueMonth = "6" }, "", []string{
			"change_note: Enter a change note saying what you changed, such as “corrected the lead organisation”"}, nil},
		{"the source needs no note", FieldSource, func(in *CommitmentInput) { in.SourceURL = "https://www.gov.scot/other" }, "", nil, nil},
		{"only the field's own problems, then the note's", FieldWhat, func(in *CommitmentInput) { in.Deliver, in.Ref = "", "x" }, "", []string{
			"deliver: Enter what the commitment will deliver",
			"change_note: Enter a change note saying what you changed, such as “corrected the lead organisation”"}, nil},
		{"lead organisations left at None are dropped", FieldLeads, func(in *CommitmentInput) {
			in.Leads = []LeadInput{{Text: "NES and SG", Orgs: []string{"", "21", "", "22"}}, {Orgs: []string{""}}}
		}, "added the Scottish Government", nil, func(t *testing.T, c Commitment) {
			if len(c.Leads) != 1 || len(c.Leads[0].Organisations) != 2 || c.Leads[0].Organisations[1].Code != "SG" {
				t.Errorf("leads = %+v", c.Leads)
			}
		}},
		{"a lead line's problem is the leads field's", FieldLeads, func(in *CommitmentInput) {
			in.Leads = []LeadInput{{Orgs: []string{"22"}}}
		}, "x", []string{"lead-1-text: Enter lead line 1 as the plan prints it, or remove its organisations"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := InputOf(current)
			tt.edit(&in)
			c, _, errs := ParseCommitmentChange(tt.field, in, tt.note, priorities, orgs)
			checkProblems(t, errs, tt.want)
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
	// The commitment as it is, read back unchanged.
	c, _, errs := ParseCommitmentChange(FieldWhy, InputOf(current), "n", priorities, orgs)
	if len(errs) != 0 || !slices.Equal(c.Why, current.Why) || c.Due != current.Due || c.Leads[0].Organisations[0].ID != 21 {
		t.Errorf("unchanged = %+v, %v", c, errs)
	}
}

func TestCommitmentFields(t *testing.T) {
	for _, f := range CommitmentFields {
		if got, ok := CommitmentFieldBySlug(f.Slug); !ok || got.Label != f.Label {
			t.Errorf("CommitmentFieldBySlug(%q) = %v, %v", f.Slug, got, ok)
		}
	}
	if _, ok := CommitmentFieldBySlug("retire"); ok {
		t.Error("retire is not a field")
	}
	if !FieldLeads.Owns("lead-12-org") || FieldLeads.Owns("deliver") || !FieldNumber.Owns("ref") || FieldWhy.Owns("why-1") {
		t.Error("Owns")
	}
	a := Amendment{At: time.Date(2026, time.December, 3, 23, 30, 0, 0, time.UTC), Note: "corrected the lead organisation"}
	if got := a.Notice(); got != "Amended on 3 December 2026: corrected the lead organisation" {
		t.Errorf("Notice = %q", got)
	}
}
