package tracker

import (
	"slices"
	"testing"
	"time"
)

func messages(errs []FieldError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field+": "+e.Message)
	}
	return out
}

func TestParseFinderPriority(t *testing.T) {
	offered := []Priority{{ID: 10, Number: 1}, {ID: 20, Number: 2}}
	tests := []struct {
		in     string
		wantID int64
		wantOK bool
		want   []string
	}{
		{"", 0, false, nil},
		{" 2 ", 20, true, nil},
		{"1", 10, true, nil},
		{"3", 0, false, []string{"priority: Choose a priority area from the list"}},
		{"one", 0, false, []string{"priority: Choose a priority area from the list"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok, problems := ParseFinderPriority(tt.in, offered)
			if p.ID != tt.wantID || ok != tt.wantOK || !slices.Equal(messages(problems), tt.want) {
				t.Errorf("ParseFinderPriority(%q) = %d, %v, %q; want %d, %v, %q", tt.in, p.ID, ok, messages(problems), tt.wantID, tt.wantOK, tt.want)
			}
		})
	}
}

func TestParseFinderStatuses(t *testing.T) {
	offered := []string{"none", "on-track", "delayed"}
	bad := []string{"status: Choose statuses from the list"}
	tests := []struct {
		name string
		in   []string
		got  []string
		want []string
	}{
		{"none asked", nil, nil, nil},
		{"offered order", []string{"delayed", "none"}, []string{"none", "delayed"}, nil},
		{"unknown", []string{"on-track", "lost"}, []string{"on-track"}, bad},
		{"not trimmed", []string{" delayed"}, nil, bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ParseFinderStatuses(tt.in, offered)
			if !slices.Equal(got, tt.got) || !slices.Equal(messages(problems), tt.want) {
				t.Errorf("ParseFinderStatuses(%q) = %q, %q; want %q, %q", tt.in, got, messages(problems), tt.got, tt.want)
			}
		})
	}
}

func TestParseFinderOrganisation(t *testing.T) {
	offered := []Organisation{{ID: 7, Code: "NHS-24"}}
	bad := []string{"org: Choose a lead organisation from the list"}
	tests := []struct {
		in     string
		wantID int64
		lookup FinderOrganisationLookup
		want   []string
	}{
		{"", 0, FinderOrganisationNone, nil},
		{" NHS-24 ", 7, FinderOrganisationFound, nil},
		{"COSLA", 0, FinderOrganisationLookUp, nil},
		{"Not a code!", 0, FinderOrganisationRejected, bad},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			o, lookup, problems := ParseFinderOrganisation(tt.in, offered)
			if o.ID != tt.wantID || lookup != tt.lookup || !slices.Equal(messages(problems), tt.want) {
				t.Errorf("ParseFinderOrganisation(%q) = %d, %v, %q; want %d, %v, %q", tt.in, o.ID, lookup, messages(problems), tt.wantID, tt.lookup, tt.want)
			}
		})
	}
	if got := messages(UnknownFinderOrganisation()); !slices.Equal(got, bad) {
		t.Errorf("UnknownFinderOrganisation() = %q, want %q", got, bad)
	}
}

func TestParseFinderSort(t *testing.T) {
	offered := []string{"ref", "due"}
	bad := []string{"results: Choose how to sort the commitments from the list"}
	tests := []struct {
		in   string
		got  string
		want []string
	}{
		{"", "", nil},
		{" due ", "due", nil},
		{"ref", "ref", nil},
		{"random", "random", bad},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, problems := ParseFinderSort(tt.in, offered)
			if got != tt.got || !slices.Equal(messages(problems), tt.want) {
				t.Errorf("ParseFinderSort(%q) = %q, %q; want %q, %q", tt.in, got, messages(problems), tt.got, tt.want)
			}
		})
	}
}

func TestParseFinderYes(t *testing.T) {
	tests := []struct {
		which, in string
		got       bool
		want      []string
	}{
		{FinderOnlyOverdue, "", false, nil},
		{FinderOnlyOverdue, "yes", true, nil},
		{FinderOnlyOverdue, " TRUE ", true, nil},
		{FinderOnlyUpdateDue, "1", true, nil},
		{FinderOnlyUpdateDue, "on", true, nil},
		{FinderOnlyOverdue, "no", false, []string{"only: Choose whether to show only overdue commitments"}},
		{FinderOnlyUpdateDue, "maybe", false, []string{"only: Choose whether to show only commitments with an update due"}},
	}
	for _, tt := range tests {
		t.Run(tt.which+" "+tt.in, func(t *testing.T) {
			got, problems := ParseFinderYes(tt.which, tt.in)
			if got != tt.got || !slices.Equal(messages(problems), tt.want) {
				t.Errorf("ParseFinderYes(%q, %q) = %v, %q; want %v, %q", tt.which, tt.in, got, messages(problems), tt.got, tt.want)
			}
		})
	}
}

func TestOwnAccountRules(t *testing.T) {
	disabledAt := time.Now()
	tests := []struct {
		name string
		got  []FieldError
		want []string
	}{
		{"change another's role", CheckRoleChange(1, 2), nil},
		{"change own role", CheckRoleChange(1, 1), []string{"role: You cannot change your own role"}},
		{"disable another", CheckDisable(1, 2), nil},
		{"disable self", CheckDisable(3, 3), []string{"role: You cannot disable your own account"}},
		{"link for active", CheckLinkFor(&User{}), nil},
		{"link for disabled", CheckLinkFor(&User{DisabledAt: &disabledAt}), []string{"role: Enable the account before creating a link for it"}},
	}
	for _, tt := range tests {
		if got := messages(tt.got); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
