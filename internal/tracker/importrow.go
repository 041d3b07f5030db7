package tracker

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxImportBytes is the largest file of commitments staff may import.
const MaxImportBytes = 600 << 10

// CheckImportFile checks the file staff chose to import, by its size in bytes: 0 when none was
// chosen or it is empty. It returns a message keyed by the field file, or nil.
func CheckImportFile(size int64) []FieldError {
	switch {
	case size > MaxImportBytes:
		return []FieldError{{Field: "file", Message: fmt.Sprintf("The file must be smaller than %d KB: split it into smaller files", MaxImportBytes>>10)}}
	case size <= 0:
		return []FieldError{{Field: "file", Message: "Choose a spreadsheet of commitments to import, .xlsx or CSV"}}
	}
	return nil
}

// ImportRowInput is one commitment as a file of commitments gives it, each cell as written. Why
// holds one reason a line; Leads one lead line a line, as the plan prints it; LeadOrganisations
// one line a lead line, of the codes of the organisations it names separated by ";".
type ImportRowInput struct {
	Ref               string
	Priority          string
	Deliver           string
	Why               string
	Leads             string
	LeadOrganisations string
	Due               string
	SourceURL         string
}

// ImportLead is a lead line as a file gives it: the text and the codes of the organisations it
// names.
type ImportLead struct {
	Text  string
	Codes []string
}

// ImportRow is one commitment read from a file, before its priority area and organisations are
// looked up in the plan.
type ImportRow struct {
	Ref string
	// Priority is the number of its priority area; 0 when the cell was wrong.
	Priority int
	Deliver  string
	Why      []string
	Leads    []ImportLead
	// Due is zero when the cell was wrong.
	Due       Month
	SourceURL string
}

// ParseImportRow reads the cells of one row of a file of commitments: the priority area's
// number, the month it is due (such as March 2024) and the lead lines paired with their
// organisations' codes (upper-cased). It returns the row and the problems with its cells, each
// keyed by the column it is about (priority, due, leads or lead_organisations), in the order of
// the columns; the row's other rules are checked by ImportResolver.Resolve.
func ParseImportRow(in ImportRowInput) (ImportRow, []FieldError) {
	row := ImportRow{Ref: strings.TrimSpace(in.Ref), Deliver: strings.TrimSpace(in.Deliver), Why: SplitLines(in.Why),
		SourceURL: strings.TrimSpace(in.SourceURL)}
	var problems fieldErrors
	if p := strings.TrimSpace(in.Priority); p == "" {
		problems.add("priority", "Enter the number of its priority area, such as 4")
	} else if n, err := strconv.Atoi(p); err != nil || n <= 0 {
		problems.add("priority", "“%s” is not the number of a priority area: enter one such as 4", Excerpt(p))
	} else {
		row.Priority = n
	}
	if d := strings.TrimSpace(in.Due); d == "" {
		problems.add("due", "Enter the month it is due, such as March 2024")
	} else if m, err := ParseMonth(d); err != nil {
		problems.add("due", "“%s” is not a month and year: enter one such as March 2024", Excerpt(d))
	} else {
		row.Due = m
	}
	leads, problem := importLeads(in.Leads, in.LeadOrganisations)
	if problem != nil {
		problems = append(problems, *problem)
	}
	row.Leads = leads
	return row, problems
}

// ImportRefRepeated is the problem with a row whose ref an earlier row of the file, the
// spreadsheet's row first, has too.
func ImportRefRepeated(ref string, first int) string {
	return fmt.Sprintf("%s is in row %d too: each commitment may appear once", Excerpt(ref), first)
}

// importLeads pairs the lines of the leads cell with the lines of the lead_organisations cell.
func importLeads(leads, orgs string) ([]ImportLead, *FieldError) {
	texts := cellLines(leads)
	codeLines := cellLines(orgs)
	for i, t := range texts {
		if t == "" {
			return nil, &FieldError{Field: "leads", Message: fmt.Sprintf("Line %d is blank: remove it, or enter the lead line as printed", i+1)}
		}
	}
	if len(codeLines) > len(texts) {
		return nil, &FieldError{Field: "lead_organisations", Message: fmt.Sprintf(
			"It has %d lines but leads has %d: give one line of codes per lead line", len(codeLines), len(texts))}
	}
	out := make([]ImportLead, len(texts))
	for i, t := range texts {
		out[i].Text = t
		if i < len(codeLines) {
			for _, c := range strings.Split(codeLines[i], ";") {
				if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
					out[i].Codes = append(out[i].Codes, c)
				}
			}
		}
	}
	return out, nil
}

// cellLines splits a cell into its lines, trimmed, without the blank lines at the end.
func cellLines(s string) []string {
	parts := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// Excerpt shortens text from a file to at most 40 characters and an ellipsis, for quoting in a
// message.
func Excerpt(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// ImportResolver looks up the rows of a file of commitments in the plan they are imported into.
type ImportResolver struct {
	priorities map[int]Priority
	orgs       map[string]Organisation
	retired    map[string]bool
}

// NewImportResolver returns a resolver for a plan with these priority areas, every organisation
// (retired ones included, so that a row naming one gets a clear message) and the refs of the
// plan's retired commitments.
func NewImportResolver(priorities []Priority, orgs []Organisation, retiredRefs []string) ImportResolver {
	r := ImportResolver{priorities: map[int]Priority{}, orgs: map[string]Organisation{}, retired: map[string]bool{}}
	for _, p := range priorities {
		r.priorities[p.Number] = p
	}
	for _, o := range orgs {
		r.orgs[o.Code] = o
	}
	for _, ref := range retiredRefs {
		r.retired[ref] = true
	}
	return r
}

// importColumnOf names the column of a file where a problem with a domain field shows.
var importColumnOf = map[string]string{
	"ref": "ref", "priority": "priority", "deliver": "deliver", "why": "why", "leads": "leads",
	"due": "due", "source_url": "source_url",
}

// Resolve turns a row read by ParseImportRow into a commitment of the plan, and finds the
// problems that need the plan to see: a priority area or organisation code it does not have, a
// retired organisation, the ref of a retired commitment, and everything ValidateCommitment
// checks, each keyed by the column it is about. Problems ParseImportRow reported (a zero
// Priority or Due) are not reported again. The commitment (ID, plan, ordinal and version unset)
// is only fit to import when there are no problems and neither Priority nor Due is zero.
func (r ImportResolver) Resolve(row ImportRow) (Commitment, []FieldError) {
	var problems fieldErrors
	c := Commitment{Ref: row.Ref, Deliver: row.Deliver, Why: row.Why, Due: row.Due, SourceURL: row.SourceURL}
	if row.Priority != 0 {
		pr, ok := r.priorities[row.Priority]
		if !ok {
			problems.add("priority", "%d is not a priority area of this plan", row.Priority)
		} else {
			c.PriorityID, c.PriorityNumber, c.PrioritySlug, c.PriorityName = pr.ID, pr.Number, pr.Slug, pr.Name
		}
	}
	for i, l := range row.Leads {
		line := LeadLine{Text: l.Text}
		for _, code := range l.Codes {
			o, ok := r.orgs[code]
			switch {
			case !ok:
				problems.add("lead_organisations", "Line %d: no organisation has the code %s", i+1, Excerpt(code))
			case o.RetiredAt != nil:
				problems.add("lead_organisations", "Line %d: %s (%s) is retired", i+1, o.Name, o.Code)
			default:
				line.Organisations = append(line.Organisations, o)
			}
		}
		c.Leads = append(c.Leads, line)
	}
	probe := c
	if row.Priority != 0 && probe.PriorityID == 0 {
		probe.PriorityNumber = row.Priority // reported above already
	}
	if row.Due.IsZero() {
		probe.Due = Month{Year: 2000, Month: 1} // reported by ParseImportRow already
	}
	for _, pb := range ValidateCommitment(probe) {
		if pb.Field == "priority" && row.Priority == 0 {
			continue // reported by ParseImportRow already
		}
		problems.add(importColumnOf[pb.Field], "%s", pb.Message)
	}
	if r.retired[row.Ref] {
		problems.add("ref", "%s belonged to a commitment that was retired: give this commitment another number", row.Ref)
	}
	return c, problems
}
