package web

import (
	"slices"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// AdminCommitmentView is what a commitment's page for staff shows: each field, with a link to
// change it, and the amendments the public page lists.
type AdminCommitmentView struct {
	Plan       tracker.Plan
	Commitment tracker.Commitment
	Amendments []tracker.Amendment
}

// CommitmentFieldView is what the form changing one field of a commitment shows.
type CommitmentFieldView struct {
	Plan tracker.Plan
	// Commitment is the commitment as it is saved.
	Commitment tracker.Commitment
	Field      tracker.CommitmentField
	// Form holds the field as typed (the other fields as saved), Note the change note.
	Form          CommitmentForm
	Note          string
	Priorities    []tracker.Priority
	Organisations []tracker.Organisation
	Errors        []FieldError
	Conflict      *Conflict
}

// fieldHeading is the title of the form that changes a field of a commitment.
func fieldHeading(f tracker.CommitmentField) string {
	switch f.Slug {
	case tracker.FieldNumber.Slug:
		return "Change the commitment’s number"
	case tracker.FieldPriority.Slug:
		return "Change the priority area"
	case tracker.FieldWhy.Slug:
		return "Change the reasons why"
	case tracker.FieldDue.Slug:
		return "Change the month it is due"
	case tracker.FieldSource.Slug:
		return "Change the page of the published plan"
	}
	return "Change " + lowerFirst(f.Label)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// orgChoices are the lists of organisations a lead line names: one for each chosen, in order,
// and one left at "None" to choose another, unless one is already.
func orgChoices(l LeadForm) []string {
	if slices.Contains(l.Orgs, "") {
		return l.Orgs
	}
	return append(slices.Clone(l.Orgs), "")
}

// orgPickerOptions are the options of a list of organisations: "None", then every organisation
// a lead line may name.
func orgPickerOptions(os []tracker.Organisation) []Option {
	out := []Option{{Value: "", Text: "None"}}
	for _, o := range os {
		text := o.Name + " (" + o.Code + ")"
		if o.RetiredAt != nil {
			text += " – retired"
		}
		out = append(out, Option{Value: idString(o.ID), Text: text})
	}
	return out
}

// leadOrgNames says which organisations a lead line names, by name and code.
func leadOrgNames(l tracker.LeadLine) string {
	names := make([]string, len(l.Organisations))
	for i, o := range l.Organisations {
		names[i] = o.Name + " (" + o.Code + ")"
	}
	return strings.Join(names, ", ")
}
