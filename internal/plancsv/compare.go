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
	// Row is the spreadsheet's row the commitment is in.
	Row int
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

// Compare works out what importing rows into the plan would do, and finds the problems that need
// the plan to see: unknown priority areas and organisation codes, refs of retired commitments, and
// everything tracker.ValidateCommitment checks. Rows with problems are left out of the preview.
func Compare(rows []Row, p Plan) (Preview, []Problem) {
	var out Preview
	var errs []Problem
	resolver := tracker.NewImportResolver(p.Priorities, p.Organisations, p.RetiredRefs)
	existing := map[string]tracker.Commitment{}
	for _, c := range p.Commitments {
		existing[c.Ref] = c
	}
	inFile := map[string]bool{}
	for _, row := range rows {
		inFile[row.Ref] = true
		c, problems := resolver.Resolve(row.ImportRow)
		for _, pb := range problems {
			errs = append(errs, Problem{Row: row.Row, Column: row.heading(pb.Field), Message: pb.Message})
		}
		if len(problems) > 0 || row.Priority == 0 || row.Due.IsZero() {
			continue
		}
		old, ok := existing[row.Ref]
		if !ok {
			c.Ordinal = tracker.RefOrdinal(c.Ref)
			out.Create = append(out.Create, Change{Row: row.Row, After: c})
			continue
		}
		c.ID, c.PlanID, c.Ordinal, c.Version = old.ID, old.PlanID, old.Ordinal, old.Version
		if !row.HasSourceURL {
			c.SourceURL = old.SourceURL
		}
		if fields := Differences(old, c); len(fields) > 0 {
			o := old
			out.Change = append(out.Change, Change{Row: row.Row, After: c, Before: &o, Fields: fields})
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

// Check reads a file, CSV or .xlsx, and compares it with the plan: every problem found, reading
// or comparing, in the order of the rows, and the preview, which holds only when there are none.
func Check(r io.Reader, p Plan) (Preview, []Problem) {
	rows, errs := Read(r)
	preview, more := Compare(rows, p)
	errs = append(errs, more...)
	slices.SortStableFunc(errs, func(a, b Problem) int { return a.Row - b.Row })
	return preview, errs
}

// heading is the file's heading of the column name, such as Due for due.
func (r Row) heading(name string) string {
	if h, ok := r.headings[name]; ok {
		return h
	}
	return name
}
