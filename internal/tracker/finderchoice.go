package tracker

import (
	"slices"
	"strconv"
	"strings"
)

// The messages of the finder's choose-from-list filters, keyed by the field they belong to.
var (
	errFinderPriority     = FieldError{Field: "priority", Message: "Choose a priority area from the list"}
	errFinderStatus       = FieldError{Field: "status", Message: "Choose statuses from the list"}
	errFinderOrganisation = FieldError{Field: "org", Message: "Choose a lead organisation from the list"}
	errFinderSort         = FieldError{Field: "results", Message: "Choose how to sort the commitments from the list"}
)

// ParseFinderPriority finds the priority area numbered s among those the finder offers. It
// returns ok false when s is blank, and a message keyed by the field priority when no offered
// area has that number.
func ParseFinderPriority(s string, offered []Priority) (p Priority, ok bool, problems []FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Priority{}, false, nil
	}
	i := slices.IndexFunc(offered, func(p Priority) bool { return strconv.Itoa(p.Number) == s })
	if i < 0 {
		return Priority{}, false, []FieldError{errFinderPriority}
	}
	return offered[i], true, nil
}

// ParseFinderStatuses keeps the statuses of offered that got asks for, in offered's order. It
// returns a message keyed by the field status when got asks for any status not offered.
func ParseFinderStatuses(got, offered []string) ([]string, []FieldError) {
	var out []string
	for _, want := range offered {
		if slices.Contains(got, want) {
			out = append(out, want)
		}
	}
	for _, g := range got {
		if !slices.Contains(offered, g) {
			return out, []FieldError{errFinderStatus}
		}
	}
	return out, nil
}

// FinderOrganisationLookup is what the finder must do with the lead organisation a reader asks
// for.
type FinderOrganisationLookup int

// The outcomes of ParseFinderOrganisation.
const (
	// FinderOrganisationNone: no organisation was asked for.
	FinderOrganisationNone FinderOrganisationLookup = iota
	// FinderOrganisationFound: the organisation is one of those offered.
	FinderOrganisationFound
	// FinderOrganisationLookUp: the code is well formed but not offered; an organisation may
	// lead nothing in the plan yet, so the finder must look it up by its code.
	FinderOrganisationLookUp
	// FinderOrganisationRejected: the code cannot name an organisation.
	FinderOrganisationRejected
)

// ParseFinderOrganisation finds the lead organisation coded code among those the finder offers.
// It says what the finder must do next, with a message keyed by the field org when the code is
// rejected.
func ParseFinderOrganisation(code string, offered []Organisation) (Organisation, FinderOrganisationLookup, []FieldError) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Organisation{}, FinderOrganisationNone, nil
	}
	if i := slices.IndexFunc(offered, func(o Organisation) bool { return o.Code == code }); i >= 0 {
		return offered[i], FinderOrganisationFound, nil
	}
	if ValidCode(code) {
		return Organisation{}, FinderOrganisationLookUp, nil
	}
	return Organisation{}, FinderOrganisationRejected, UnknownFinderOrganisation()
}

// UnknownFinderOrganisation is the message, keyed by the field org, for a lead organisation
// that looking up its code did not find.
func UnknownFinderOrganisation() []FieldError {
	return []FieldError{errFinderOrganisation}
}

// ParseFinderSort checks the order a reader asks the finder for: blank for the default, or one
// of offered. It returns a message keyed by the field results for anything else.
func ParseFinderSort(s string, offered []string) (string, []FieldError) {
	s = strings.TrimSpace(s)
	if s == "" || slices.Contains(offered, s) {
		return s, nil
	}
	return s, []FieldError{errFinderSort}
}

// The finder's yes/no filters.
const (
	// FinderOnlyOverdue shows only overdue commitments.
	FinderOnlyOverdue = "overdue"
	// FinderOnlyUpdateDue shows only commitments with an update due.
	FinderOnlyUpdateDue = "update due"
)

// ParseFinderOverdue reads the finder's overdue filter: yes (see ParseFinderYes) shows only
// overdue commitments, and "no" only those that are not overdue, as the overview's counts of each
// status leave out the overdue ones.
func ParseFinderOverdue(s string) (only, not bool, errs []FieldError) {
	if strings.EqualFold(strings.TrimSpace(s), "no") {
		return false, true, nil
	}
	only, errs = ParseFinderYes(FinderOnlyOverdue, s)
	return only, false, errs
}

// ParseFinderYes reads the yes/no filter named which (FinderOnlyOverdue or
// FinderOnlyUpdateDue): blank is no; "yes", "true", "1" and "on" are yes, whatever their case.
// It returns a message keyed by the field only for anything else.
func ParseFinderYes(which, s string) (bool, []FieldError) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return false, nil
	case "yes", "true", "1", "on":
		return true, nil
	}
	what := "overdue commitments"
	if which == FinderOnlyUpdateDue {
		what = "commitments with an update due"
	}
	return false, []FieldError{{Field: "only", Message: "Choose whether to show only " + what}}
}
