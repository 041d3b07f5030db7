package tracker

import (
	"testing"
	"time"
)

func TestLeadLineSpelled(t *testing.T) {
	nes := Organisation{Code: "NES", Name: "NHS Education for Scotland", AsWritten: []string{"NES"}}
	cso := Organisation{Code: "CSO", Name: "Chief Scientist Office", AsWritten: []string{"Chief Scientist Office (CSO)"}}
	lgdo := Organisation{Code: "LGDO", Name: "Local Government Digital Office", AsWritten: []string{"LGDO"}}
	beds := Organisation{Code: "NHS-TEST-BEDS", Name: "NHS Test Beds", AsWritten: []string{"NHS Test Beds"}}
	tests := []struct {
		name string
		line LeadLine
		want string
	}{
		{"abbreviation", LeadLine{Text: "NES", Organisations: []Organisation{nes}}, "NHS Education for Scotland (NES)"},
		{"name printed with its abbreviation", LeadLine{Text: "Chief Scientist Office (CSO)", Organisations: []Organisation{cso}}, "Chief Scientist Office (CSO)"},
		{"full name", LeadLine{Text: "NHS Test Beds", Organisations: []Organisation{beds}}, "NHS Test Beds"},
		{"abbreviation with a qualifier", LeadLine{Text: "LGDO and others, depending on the nature of the challenges.", Organisations: []Organisation{lgdo}},
			"Local Government Digital Office (LGDO) and others, depending on the nature of the challenges."},
		{"two abbreviations", LeadLine{Text: "NES with LGDO", Organisations: []Organisation{nes, lgdo}},
			"NHS Education for Scotland (NES) with Local Government Digital Office (LGDO)"},
		{"no organisation", LeadLine{Text: "Others"}, "Others"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.line.Spelled(); got != tt.want {
				t.Errorf("Spelled() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUpdateOwnWords(t *testing.T) {
	tests := []struct {
		status Status
		label  string
		want   string
	}{
		{OnTrack, "On Track", ""},
		{OnTrack, "on track ", ""},
		{Delivered, "Completed", "Completed"},
		{Delivered, "Completed; Ongoing", "Completed; Ongoing"},
		{AtRisk, "", ""},
	}
	for _, tt := range tests {
		if got := (Update{Status: tt.status, StatusLabel: tt.label}).OwnWords(); got != tt.want {
			t.Errorf("OwnWords of %s reported as %q = %q, want %q", tt.status, tt.label, got, tt.want)
		}
	}
	if got := (Update{SourcePeriod: "2025-26"}).ReportedIn(); got != "Delivery Plan 2025-26" {
		t.Errorf("ReportedIn = %q", got)
	}
	if got := (Update{OrganisationName: "NHS Education for Scotland"}).ReportedIn(); got != "" {
		t.Errorf("ReportedIn of an update reported through the portal = %q", got)
	}
}

func TestLatestChange(t *testing.T) {
	changed := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	published := time.Date(2023, 8, 4, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		changed    *time.Time
		reportedIn string
		published  *time.Time
		want       LastChange
	}{
		{"changed through the portal", &changed, "2025-26", &published, LastChange{At: &changed}},
		{"reported in a later plan", nil, "2025-26", &published, LastChange{ReportedIn: "Delivery Plan 2025-26"}},
		{"as published", nil, "", &published, LastChange{Published: &published}},
		{"nothing known", nil, "", nil, LastChange{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LatestChange(tt.changed, tt.reportedIn, tt.published)
			if got.At != tt.want.At || got.ReportedIn != tt.want.ReportedIn || got.Published != tt.want.Published {
				t.Errorf("LatestChange = %+v, want %+v", got, tt.want)
			}
			if got.Empty() != (tt.name == "nothing known") {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
	us := []Update{{SourcePeriod: "2024-25"}, {}, {SourcePeriod: "2025-26"}}
	if got := LatestReportedPeriod(us); got != "2025-26" {
		t.Errorf("LatestReportedPeriod = %q", got)
	}
	if got := LatestReportedPeriod(nil); got != "" {
		t.Errorf("LatestReportedPeriod(nil) = %q", got)
	}
}

func TestEveryStatusHasAMeaning(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range append([]Status{NoUpdate}, Statuses...) {
		m := s.Meaning()
		if m == "" || seen[m] {
			t.Errorf("%s has the meaning %q, empty or shared", s.Label(), m)
		}
		seen[m] = true
	}
}
