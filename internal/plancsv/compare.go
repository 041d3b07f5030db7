package plancsv

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Change is what importing one row does to the plan.
type Change struct {
	Line int
	// After is the commitment as the file has it, with its priority area and organisations
	// resolved. For a change, it carries the existing commitment's ID, ordinal and version.
	After tracker.Commitment
	// Before is the commitment as the plan has it now; nil for a new commitment.
	Before *tracker.Commitment
	// Fields names what changes, such as "what it will deliver", in the order of the columns.
	Fields []string
}

// Preview is what importing a file would do: nothing is written until it is applied.
type Preview struct {
	Create    []Change
	Change    []Change
	Unchanged []string
	// NotInFile lists the refs of the plan's commitments the file leaves out: importing leaves
	// them as they are.
	NotInFile []string
}

// Empty reports whether importing would change nothing.
func (p Preview) Empty() bool { return len(p.Create) == 0 && len(p.Change) == 0 }

// Plan is what a file is compared with: the plan's current commitments (not retired, with their
// lead lines), the refs its retired commitments used, its priority areas and every organisation,
// retired ones included so that a file naming one gets a clear message.
type Plan struct {
	Commitments   []tracker.Commitment
	RetiredRefs   []string
	Priorities    []tracker.Priority
	Organisations []tracker.Organisation
}

// columnOf names the column where a problem with a domain field shows in the file.
var columnOf = map[string]string{
	"ref": "ref", "priority": "priority", "deliver": "deliver", "why": "why", "leads": "leads",
	"due": "due", "source_url": "source_url",
}

// Compare works out what importing rows into the plan would do, and finds the problems that need
// the plan to see: unknown priority areas and organisation codes, refs of retired commitments, and
// everything tracker.ValidateCommitment checks. Rows with problems are left out of the preview.
func Compare(rows []Row, p Plan) (Preview, []LineError) {
	var out Preview
	var errs []LineError
	priorities := map[int]tracker.Priority{}
	for _, pr := range p.Priorities {
		priorities[pr.Number] = pr
	}
	orgs := map[string]tracker.Organisation{}
	for _, o := range p.Organisations {
		orgs[o.Code] = o
	}
	existing := map[string]tracker.Commitment{}
	for _, c := range p.Commitments {
		existing[c.Ref] = c
	}
	retired := map[string]bool{}
	for _, r := range p.RetiredRefs {
		retired[r] = true
	}
	inFile := map[string]bool{}
	for _, row := range rows {
		inFile[row.Ref] = true
		bad := func(format string, args ...any) {
			errs = append(errs, LineError{row.Line, fmt.Sprintf(format, args...)})
		}
		before := len(errs)
		c := tracker.Commitment{Ref: row.Ref, Deliver: row.Deliver, Why: row.Why, Due: row.Due, SourceURL: row.SourceURL}
		if row.Priority != 0 {
			pr, ok := priorities[row.Priority]
			if !ok {
				bad("priority %d is not a priority area of this plan", row.Priority)
			} else {
				c.PriorityID, c.PriorityNumber, c.PrioritySlug, c.PriorityName = pr.ID, pr.Number, pr.Slug, pr.Name
			}
		}
		for i, l := range row.Leads {
			line := tracker.LeadLine{Text: l.Text}
			for _, code := range l.Codes {
				o, ok := orgs[code]
				switch {
				case !ok:
					bad("lead_organisations line %d: no organisation has the code %s", i+1, truncate(code))
				case o.RetiredAt != nil:
					bad("lead_organisations line %d: %s (%s) is retired", i+1, o.Name, o.Code)
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
			probe.Due = tracker.Month{Year: 2000, Month: 1} // reported by Read already
		}
		for _, pb := range tracker.ValidateCommitment(probe) {
			if pb.Field == "priority" && row.Priority == 0 {
				continue // reported by Read already
			}
			bad("%s: %s", columnOf[pb.Field], pb.Message)
		}
		if retired[row.Ref] {
			bad("ref %s belonged to a commitment that was retired: give this commitment another number", row.Ref)
		}
		if len(errs) > before || row.Priority == 0 || row.Due.IsZero() {
			continue
		}
		old, ok := existing[row.Ref]
		if !ok {
			c.Ordinal = tracker.RefOrdinal(c.Ref)
			out.Create = append(out.Create, Change{Line: row.Line, After: c})
			continue
		}
		c.ID, c.PlanID, c.Ordinal, c.Version = old.ID, old.PlanID, old.Ordinal, old.Version
		if !row.HasSourceURL {
			c.SourceURL = old.SourceURL
		}
		if fields := Differences(old, c); len(fields) > 0 {
			o := old
			out.Change = append(out.Change, Change{Line: row.Line, After: c, Before: &o, Fields: fields})
		} else {
			out.Unchanged = append(out.Unchanged, c.Ref)
		}
	}
	for _, c := range p.Commitments {
		if !inFile[c.Ref] {
			out.NotInFile = append(out.NotInFile, c.Ref)
		}
	}
	return out, errs
}

// Differences names what differs between two versions of a commitment, of what staff edit: its
// priority area, what it will deliver, why, the lead lines and the organisations they name, the
// month it is due and its source.
func Differences(a, b tracker.Commitment) []string {
	var out []string
	if a.Ref != b.Ref {
		out = append(out, "number")
	}
	if a.PriorityID != b.PriorityID {
		out = append(out, "priority area")
	}
	if a.Deliver != b.Deliver {
		out = append(out, "what it will deliver")
	}
	if !slices.Equal(a.Why, b.Why) {
		out = append(out, "why")
	}
	if LeadsKey(a.Leads) != LeadsKey(b.Leads) {
		out = append(out, "who leads it")
	}
	if a.Due != b.Due {
		out = append(out, "due")
	}
	if a.SourceURL != b.SourceURL {
		out = append(out, "source")
	}
	return out
}

// LeadsKey is a canonical text of lead lines and the organisations each names, for comparing.
func LeadsKey(leads []tracker.LeadLine) string {
	var b strings.Builder
	for _, l := range leads {
		b.WriteString(l.Text)
		for _, o := range l.Organisations {
			fmt.Fprintf(&b, "\x00%d", o.ID)
		}
		b.WriteString("\x01")
	}
	return b.String()
}

// Check reads a file and compares it with the plan: every problem found, reading or comparing,
// in the order of the lines, and the preview, which holds only when there are none.
func Check(r io.Reader, p Plan) (Preview, []LineError) {
	rows, errs := Read(r)
	preview, more := Compare(rows, p)
	errs = append(errs, more...)
	slices.SortStableFunc(errs, func(a, b LineError) int { return a.Line - b.Line })
	return preview, errs
}
