// Package plancsv is the spreadsheet format in which staff export a plan's commitments, edit
// them in Excel or another spreadsheet and import them again, as CSV or as an Excel workbook
// (.xlsx). It reads and writes both, and compares a file with the plan to say what importing it
// would create and change. It knows nothing of SQL or HTTP.
//
// The format: a header row naming the columns in any order, then one row per commitment. CSV is
// UTF-8, comma-separated, and starts with a byte order mark so that Excel reads it as UTF-8 (one
// is accepted, not needed, on import); a workbook's first sheet holds the same rows.
//
//	ref                 the commitment's number, such as 4.2 (unique in the file)
//	priority            the number of its priority area in the plan, such as 4
//	deliver             what it will deliver
//	why                 why: one reason per line within the cell
//	leads               who leads it: each line as the plan prints it, one per line within the cell
//	lead_organisations  the codes of the organisations each lead line names: one line per line of
//	                    leads, in the same order, codes separated by ";"; a blank line (or a
//	                    missing line at the end) for a lead line that names none
//	due                 the month it is due, such as March 2024
//	source_url          optional: the page of the published plan it comes from
//
// Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a formula.
// Export, in either format, puts an apostrophe before such a cell (and before one that already
// starts with apostrophes followed by one of those), and import takes one apostrophe off again,
// so that an exported file opens safely and re-imports unchanged. A workbook cell that holds a
// formula is refused.
//
// Problems are reported at the spreadsheet's row, as Excel numbers them (the header is row 1; a
// CSV record with line breaks in its cells is still one row), and the column's heading.
package plancsv

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Columns are the columns of the format, in the order Write writes them.
var Columns = []string{"ref", "priority", "deliver", "why", "leads", "lead_organisations", "due", "source_url"}

// optional columns may be left out of a file; a file without source_url leaves the source
// addresses of existing commitments as they are.
var optional = map[string]bool{"source_url": true}

// MaxRows bounds the commitments one file may hold.
const MaxRows = 2000

// Problem is a problem with a file: at a row of the spreadsheet (1 is the header; 0 for the
// file as a whole) and, when it is about one cell, the heading of its column as the file has it.
type Problem struct {
	Row     int
	Column  string
	Message string
}

// Error says where the problem is and what it is, such as "Row 6, column ‘due’: …".
func (e Problem) Error() string {
	switch {
	case e.Row > 0 && e.Column != "":
		return fmt.Sprintf("Row %d, column ‘%s’: %s", e.Row, e.Column, e.Message)
	case e.Row > 0:
		return fmt.Sprintf("Row %d: %s", e.Row, e.Message)
	}
	return e.Message
}

// LeadRow is a lead line as a file gives it: the text and the codes of the organisations it names.
type LeadRow = tracker.ImportLead

// Row is one commitment as a file gives it, before its priority area and organisations are
// looked up in the plan, at the spreadsheet's row it is in.
type Row struct {
	Row int
	tracker.ImportRow
	// HasSourceURL is true when the file has the source_url column.
	HasSourceURL bool
	// headings are the file's headings of the columns, by column name, for problems found later.
	headings map[string]string
}

// record is a row of a sheet as read from a file: its number and its cells as written.
type record struct {
	row   int
	cells []string
	// wide is true when the row has more cells than the header has columns (CSV records are
	// compared with the header instead).
	wide bool
}

// Read parses a file, CSV or .xlsx (told apart by their contents). It returns the rows it could
// read and every problem found; a file with problems must not be imported. Problems of shape
// (encoding, quoting, header, cell counts, formulas) and of single cells (numbers, months,
// duplicate refs) are found here; Compare finds the rest.
func Read(r io.Reader) ([]Row, []Problem) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, []Problem{{Message: "The file could not be read"}}
	}
	var records []record
	var problems []Problem
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		records, problems = readXLSX(data)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return nil, []Problem{{Message: "The file is an old Excel workbook (.xls): save it as an Excel workbook (.xlsx) or as “CSV UTF-8”"}}
	default:
		records, problems = readCSV(data)
	}
	if len(problems) > 0 && len(records) == 0 {
		return nil, problems
	}
	rows, more := parse(records, len(problems) > 0)
	return rows, append(problems, more...)
}

// parse checks the header (the first record) and reads each other record into a row. partial
// is true when the records stop short of the file's end, at a problem already reported.
func parse(records []record, partial bool) ([]Row, []Problem) {
	if len(records) == 0 {
		return nil, []Problem{{Message: "The file is empty"}}
	}
	header := records[0]
	index := map[string]int{}
	headings := map[string]string{}
	var errs []Problem
	for i, h := range header.cells {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			errs = append(errs, Problem{Row: header.row, Message: fmt.Sprintf("Column %s has no heading", columnLetter(i))})
		case !known(name):
			errs = append(errs, Problem{Row: header.row, Message: fmt.Sprintf("Column %s has an unknown heading, “%s”: the columns are %s",
				columnLetter(i), tracker.Excerpt(h), strings.Join(Columns, ", "))})
		case hasKey(index, name):
			errs = append(errs, Problem{Row: header.row, Message: fmt.Sprintf("The header names the column %s twice", name)})
		default:
			index[name] = i
			headings[name] = strings.TrimSpace(h)
		}
	}
	if len(index) == 0 {
		return nil, []Problem{{Row: header.row, Message: "The first row must name the columns, such as ref and due: the columns are " + strings.Join(Columns, ", ")}}
	}
	for _, c := range Columns {
		if _, ok := index[c]; !ok && !optional[c] {
			errs = append(errs, Problem{Row: header.row, Message: fmt.Sprintf("The header has no %s column", c)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	_, hasSource := index["source_url"]
	var rows []Row
	firstRow := map[string]int{}
	for _, rec := range records[1:] {
		if blank(rec.cells) {
			continue
		}
		if len(rows) >= MaxRows {
			errs = append(errs, Problem{Row: rec.row, Message: fmt.Sprintf("The file has more than %d commitments: split it into smaller files", MaxRows)})
			break
		}
		if rec.wide || len(rec.cells) != len(header.cells) {
			errs = append(errs, Problem{Row: rec.row, Message: fmt.Sprintf("The row has %d cells but the header has %d columns", len(rec.cells), len(header.cells))})
			continue
		}
		// raw is a cell as written, but for the apostrophe export adds.
		raw := func(name string) string {
			i, ok := index[name]
			if !ok {
				return ""
			}
			return unneutralise(rec.cells[i])
		}
		parsed, problems := tracker.ParseImportRow(tracker.ImportRowInput{Ref: raw("ref"), Priority: raw("priority"),
			Deliver: raw("deliver"), Why: raw("why"), Leads: raw("leads"), LeadOrganisations: raw("lead_organisations"),
			Due: raw("due"), SourceURL: raw("source_url")})
		for _, p := range problems {
			errs = append(errs, Problem{Row: rec.row, Column: heading(header.cells, index[p.Field]), Message: p.Message})
		}
		row := Row{Row: rec.row, ImportRow: parsed, HasSourceURL: hasSource, headings: headings}
		if row.Ref != "" {
			if first, ok := firstRow[row.Ref]; ok {
				errs = append(errs, Problem{Row: rec.row, Column: heading(header.cells, index["ref"]), Message: tracker.ImportRefRepeated(row.Ref, first)})
			} else {
				firstRow[row.Ref] = rec.row
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(errs) == 0 && !partial {
		errs = append(errs, Problem{Message: "The file has a header but no commitments"})
	}
	return rows, errs
}

// columnLetter names a column (0 is the first) as spreadsheets do: A, B, ..., Z, AA, ...
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

func known(name string) bool {
	for _, c := range Columns {
		if c == name {
			return true
		}
	}
	return false
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// formulaStart reports whether a spreadsheet would run s as a formula, after any apostrophes
// that lead it.
func formulaStart(s string) bool {
	return tracker.StartsFormula(strings.TrimLeft(s, "'"))
}

// neutralise makes a cell safe to open in a spreadsheet; unneutralise undoes it.
func neutralise(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

func unneutralise(s string) string {
	if strings.HasPrefix(s, "'") && formulaStart(s) {
		return s[1:]
	}
	return s
}

// cells are the cells of the rows of the format for commitments, header first, each
// neutralised. Every commitment's priority area number must be set; lead lines' organisations
// need their codes.
func cells(cs []tracker.Commitment) [][]string {
	out := [][]string{Columns}
	for _, c := range cs {
		leads := make([]string, len(c.Leads))
		orgs := make([]string, len(c.Leads))
		for i, l := range c.Leads {
			leads[i] = l.Text
			codes := make([]string, len(l.Organisations))
			for j, o := range l.Organisations {
				codes[j] = o.Code
			}
			orgs[i] = strings.Join(codes, ";")
		}
		rec := []string{c.Ref, fmt.Sprint(c.PriorityNumber), c.Deliver, strings.Join(c.Why, "\n"),
			strings.Join(leads, "\n"), strings.TrimRight(strings.Join(orgs, "\n"), "\n"), c.Due.String(), c.SourceURL}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		out = append(out, rec)
	}
	return out
}
