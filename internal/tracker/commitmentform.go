package tracker

import (
	"slices"
	"strconv"
	"strings"
)

// CommitmentInput is the commitment form as submitted, every field as typed. Priority is the ID
// of a priority area of the plan; Why holds one reason a line.
type CommitmentInput struct {
	Ref       string
	Priority  string
	Deliver   string
	Why       string
	DueMonth  string
	DueYear   string
	SourceURL string
	// Leads are the form's lead line rows in order, blank rows included.
	Leads []LeadInput
}

// LeadInput is one lead line row of the commitment form: its text and the IDs of the
// organisations chosen for it; empty IDs, from lists left at "None", are left out.
type LeadInput struct {
	Text string
	Orgs []string
}

// LeadField names the form field of part ("text" or "org") of the lead line row at index i
// (from 0), such as lead-1-text: the key ParseCommitment gives a problem with that row.
func LeadField(i int, part string) string { return "lead-" + strconv.Itoa(i+1) + "-" + part }

// commitmentFieldOrder is the order of the commitment form's fields; lead rows come after.
var commitmentFieldOrder = []string{"ref", "priority", "deliver", "why", "due"}

// ParseCommitment reads the commitment form and checks it with ValidateCommitment. priorities
// are the plan's priority areas and orgs the organisations a lead line may name; a priority or
// organisation ID not among them counts as not chosen. Rows of Leads with no text and nothing
// ticked are left out. The due month must be a month from 1 to 12 and a four-digit year.
//
// It returns the commitment (ID, plan, ordinal and version unset; PriorityID 0 when none of
// priorities was chosen) and a message for each problem, in the order of the form, each keyed by
// its form field: ref, priority, deliver, why, due, source_url, or LeadField(i, "text") and
// LeadField(i, "org") for lead row i; a problem with the lead lines as a whole is keyed
// LeadField(0, "text"). The commitment is only fit to save when there are none.
func ParseCommitment(in CommitmentInput, priorities []Priority, orgs []Organisation) (Commitment, []FieldError) {
	c := Commitment{Ref: strings.TrimSpace(in.Ref), Deliver: strings.TrimSpace(in.Deliver),
		Why: SplitLines(in.Why), SourceURL: strings.TrimSpace(in.SourceURL)}
	if s := strings.TrimSpace(in.Priority); s != "" {
		id, _ := strconv.ParseInt(s, 10, 64)
		for _, p := range priorities {
			if p.ID == id {
				c.PriorityID, c.PriorityNumber, c.PrioritySlug, c.PriorityName = p.ID, p.Number, p.Slug, p.Name
			}
		}
	}
	byID := map[string]Organisation{}
	for _, o := range orgs {
		byID[strconv.FormatInt(o.ID, 10)] = o
	}
	var errs, leadErrs fieldErrors
	for i, l := range in.Leads {
		text := strings.TrimSpace(l.Text)
		l.Orgs = DropBlankChoices(l.Orgs)
		if text == "" && len(l.Orgs) == 0 {
			continue
		}
		line := LeadLine{Text: text}
		if text == "" {
			leadErrs.add(LeadField(i, "text"), "Enter lead line %d as the plan prints it, or remove its organisations", i+1)
		}
		for _, id := range l.Orgs {
			o, ok := byID[id]
			if !ok {
				leadErrs.add(LeadField(i, "org"), "Choose the organisations lead line %d names from the list", i+1)
				break
			}
			line.Organisations = append(line.Organisations, o)
		}
		c.Leads = append(c.Leads, line)
	}
	month, year := strings.TrimSpace(in.DueMonth), strings.TrimSpace(in.DueYear)
	badDue := false
	if month != "" || year != "" {
		mn, errM := strconv.Atoi(month)
		yr, errY := strconv.Atoi(year)
		m, err := NewMonth(yr, mn)
		if errM != nil || errY != nil || err != nil || len(year) != 4 {
			errs.add("due", "Enter the month it is due as a month from 1 to 12 and a four-digit year, such as 3 and 2024")
			badDue = true
		} else {
			c.Due = m
		}
	}
	// With neither part of the month typed, ValidateCommitment asks for it.
	for _, p := range ValidateCommitment(c) {
		if p.Field == "due" && badDue {
			continue // the month as typed is reported already
		}
		if p.Field == "leads" {
			if len(leadErrs) > 0 {
				continue
			}
			p.Field = LeadField(0, "text")
		}
		errs = append(errs, p)
	}
	errs = append(errs, leadErrs...)
	// Show the problems in the order of the form.
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		ia, ib := slices.Index(commitmentFieldOrder, a.Field), slices.Index(commitmentFieldOrder, b.Field)
		if ia < 0 {
			ia = len(commitmentFieldOrder)
		}
		if ib < 0 {
			ib = len(commitmentFieldOrder)
		}
		return ia - ib
	})
	return c, errs
}
