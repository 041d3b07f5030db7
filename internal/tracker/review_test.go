package tracker

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReviewFlags(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	due := Month{Year: 2026, Month: time.March}
	future := Month{Year: 2027, Month: time.September}
	past := Month{Year: 2025, Month: time.January}
	c := Commitment{Ref: "4.1", Due: due}
	later := Commitment{Ref: "4.1", Due: Month{Year: 2027, Month: time.June}}
	recent := now.AddDate(0, -1, 0)
	long := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		u         Update
		c         Commitment
		last      *time.Time
		wantKinds []string
		wantWords []string
	}{
		{"delayed to a later month, recently updated", Update{Status: Delayed, Expected: &future}, c, &recent, nil, nil},
		{"revised month in the past", Update{Status: AtRisk, Expected: &past}, c, nil, []string{FlagPastMonth}, []string{"January 2025", "has already passed"}},
		{"delivered in a past month", Update{Status: Delivered, Expected: &past}, c, nil, nil, nil},
		{"on track, revised later than due", Update{Status: OnTrack, Expected: &future}, c, nil, []string{FlagStatusDates}, []string{"On track", "18 months after the due month, March 2026"}},
		{"past due and not delivered", Update{Status: OnTrack}, c, nil, []string{FlagStatusDates}, []string{"end of March 2026", "On track, not Delivered"}},
		{"past due and delivered", Update{Status: Delivered}, c, nil, nil, nil},
		{"not yet due", Update{Status: OnTrack}, later, nil, nil, nil},
		{"long gap", Update{Status: Delayed, Expected: &future, OrganisationName: "NHS Education for Scotland"}, c, &long, []string{FlagGap},
			[]string{"NHS Education for Scotland last published an update on this commitment 8 months ago, on 1 April 2026."}},
		{"just under the gap", Update{Status: Delayed, Expected: &future}, c, new(now.Add(-LongGap + time.Hour)), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReviewFlags(tt.u, tt.c, tt.last, now)
			var kinds []string
			var words string
			for _, f := range got {
				kinds = append(kinds, f.Kind)
				words += f.Message + "\n"
			}
			if !reflect.DeepEqual(kinds, tt.wantKinds) {
				t.Fatalf("flags = %q, want kinds %q", words, tt.wantKinds)
			}
			for _, w := range tt.wantWords {
				if !strings.Contains(words, w) {
					t.Errorf("flags %q do not say %q", words, w)
				}
			}
		})
	}
}

func TestSince(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		then time.Time
		want string
	}{
		{now.Add(-25 * time.Hour), "1 day"},
		{now.AddDate(0, 0, -40), "40 days"},
		{now.AddDate(0, -2, 0), "2 months"},
		{now.AddDate(0, -2, 1), "60 days"},
		{now.AddDate(-1, 0, 0), "1 year"},
		{now.AddDate(-2, -3, 0), "2 years and 3 months"},
	}
	for _, tt := range tests {
		if got := Since(tt.then, now); got != tt.want {
			t.Errorf("Since(%s) = %q, want %q", tt.then.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestWordChanges(t *testing.T) {
	tests := []struct {
		before, after string
		want          []string
	}{
		{"The cohort started in Setpember.", "The cohort started in September.", []string{"Changed “Setpember.” to “September.”"}},
		{"Fifty places were filled", "Fifty places were all filled", []string{"Added “all”"}},
		{"It is very nearly done", "It is nearly done", []string{"Took out “very”"}},
		{"one two three", "one two three", nil},
		{"a b c d", "x b c y", []string{"Changed “a” to “x”", "Changed “d” to “y”"}},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range WordChanges(tt.before, tt.after) {
			got = append(got, c.Describe())
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("WordChanges(%q, %q) = %q, want %q", tt.before, tt.after, got, tt.want)
		}
	}
}

func TestParseCorrection(t *testing.T) {
	u := Update{Status: OnTrack, Narrative: "Teh cohort started."}
	closing := Update{Status: Withdrawn, Narrative: "No longer needed.", StatusReason: "Funding ended"}
	tests := []struct {
		name    string
		in      CorrectionInput
		u       Update
		want    []CorrectedField
		wantErr string
	}{
		{"a word corrected", CorrectionInput{Narrative: "The cohort started.\r\n"}, u,
			[]CorrectedField{{FieldNarrative, "Teh cohort started.", "The cohort started."}}, ""},
		{"a reason ignored for an open status", CorrectionInput{Narrative: "The cohort started.", StatusReason: "x"}, u,
			[]CorrectedField{{FieldNarrative, "Teh cohort started.", "The cohort started."}}, ""},
		{"nothing changed", CorrectionInput{Narrative: "Teh cohort started."}, u, nil, FieldNarrative},
		{"narrative emptied", CorrectionInput{Narrative: "  "}, u, nil, FieldNarrative},
		{"narrative too long", CorrectionInput{Narrative: strings.Repeat("a", MaxNarrative+1)}, u, nil, FieldNarrative},
		{"reason corrected", CorrectionInput{Narrative: "No longer needed.", StatusReason: "Funding has ended"}, closing,
			[]CorrectedField{{FieldStatusReason, "Funding ended", "Funding has ended"}}, ""},
		{"reason emptied", CorrectionInput{Narrative: "No longer needed."}, closing, nil, FieldStatusReason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseCorrection(tt.in, tt.u)
			if tt.wantErr != "" {
				if len(errs) != 1 || errs[0].Field != tt.wantErr || errs[0].Message == "" {
					t.Fatalf("errors = %v, want one at %s", errs, tt.wantErr)
				}
				return
			}
			if errs != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseCorrection = %v, %v; want %v", got, errs, tt.want)
			}
		})
	}
}

func TestParseReply(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  Applications open on 3 March.\r\n", "Applications open on 3 March.", true},
		{" \n ", "", false},
		{strings.Repeat("a", MaxReply+1), "", false},
		{"bad \x00 text", "", false},
	}
	for _, tt := range tests {
		got, errs := ParseReply(tt.in)
		if (errs == nil) != tt.ok || got != tt.want || (errs != nil && errs[0].Field != FieldReply) {
			t.Errorf("ParseReply(%.20q) = %q, %v", tt.in, got, errs)
		}
	}
}

func TestMayReply(t *testing.T) {
	nes, civ := int64(1), int64(2)
	returned := time.Now()
	up := Update{State: StateReturned, OrganisationID: &nes, ReturnedAt: &returned}
	tests := []struct {
		name string
		u    *User
		up   Update
		want bool
	}{
		{"partner of the organisation", &User{Role: RolePartner, OrganisationID: &nes}, up, true},
		{"partner of another organisation", &User{Role: RolePartner, OrganisationID: &civ}, up, false},
		{"staff", &User{Role: RoleStaff}, up, true},
		{"nobody", nil, up, false},
		{"disabled partner", &User{Role: RolePartner, OrganisationID: &nes, DisabledAt: &returned}, up, false},
		{"never returned", &User{Role: RolePartner, OrganisationID: &nes}, Update{State: StateSubmitted, OrganisationID: &nes}, false},
		{"published", &User{Role: RoleStaff}, Update{State: StatePublished, OrganisationID: &nes, ReturnedAt: &returned}, false},
		{"resubmitted after a return", &User{Role: RolePartner, OrganisationID: &nes}, Update{State: StateSubmitted, OrganisationID: &nes, ReturnedAt: &returned}, true},
	}
	for _, tt := range tests {
		if got := MayReply(tt.u, tt.up); got != tt.want {
			t.Errorf("%s: MayReply = %t, want %t", tt.name, got, tt.want)
		}
	}
}
