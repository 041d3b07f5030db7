// Package plancsv is the CSV format in which staff export a plan's commitments, edit them in a
// spreadsheet and import them again. It reads and writes the format, and compares a file with the
// plan to say what importing it would create and change. It knows nothing of SQL or HTTP.
//
// The format: UTF-8 (a leading byte order mark is allowed), comma-separated, a header row naming
// the columns in any order, then one row per commitment:
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
// Export puts an apostrophe before such a cell (and before one that already starts with
// apostrophes followed by one of those), and import takes one apostrophe off again, so that an
// exported file opens safely and re-imports unchanged.
package plancsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Columns are the columns of the format, in the order Write writes them.
var Columns = []string{"ref", "priority", "deliver", "why", "leads", "lead_organisations", "due", "source_url"}

// optional columns may be left out of a file; a file without source_url leaves the source
// addresses of existing commitments as they are.
var optional = map[string]bool{"source_url": true}

// MaxRows bounds the commitments one file may hold.
const MaxRows = 2000

// LineError is a problem with a file, at a line of it (1 is the header). A row whose cells span
// several lines is reported at the line it starts on.
type LineError struct {
	Line    int
	Message string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// LeadRow is a lead line as a file gives it: the text and the codes of the organisations it names.
type LeadRow struct {
	Text  string
	Codes []string
}

// Row is one commitment as a file gives it, before its priority area and organisations are
// looked up in the plan.
type Row struct {
	Line      int
	Ref       string
	Priority  int
	Deliver   string
	Why       []string
	Leads     []LeadRow
	Due       tracker.Month
	SourceURL string
	// HasSourceURL is true when the file has the source_url column.
	HasSourceURL bool
}

// Read parses a file. It returns the rows it could read and every problem found; a file with
// problems must not be imported. Problems of shape (encoding, quoting, header, cell counts) and of
// single cells (numbers, months, duplicate refs) are found here; Compare finds the rest.
func Read(r io.Reader) ([]Row, []LineError) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, []LineError{{Line: 1, Message: "The file could not be read"}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []LineError{{Line: 1, Message: "The file is empty"}}
	}
	if !utf8.Valid(data) {
		at := 0
		for at < len(data) {
			r, size := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		line := bytes.Count(data[:at], []byte("\n")) + 1
		return nil, []LineError{{Line: line, Message: "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”"}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, []LineError{parseError(err)}
	}
	index := map[string]int{}
	var errs []LineError
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			errs = append(errs, LineError{1, fmt.Sprintf("Column %d has no name in the header", i+1)})
		case !known(name):
			errs = append(errs, LineError{1, fmt.Sprintf("The header names an unknown column, %q: the columns are %s", truncate(h), strings.Join(Columns, ", "))})
		case hasKey(index, name):
			errs = append(errs, LineError{1, fmt.Sprintf("The header names the column %s twice", name)})
		default:
			index[name] = i
		}
	}
	for _, c := range Columns {
		if _, ok := index[c]; !ok && !optional[c] {
			errs = append(errs, LineError{1, fmt.Sprintf("The header has no %s column", c)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	_, hasSource := index["source_url"]
	var rows []Row
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, parseError(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rows) >= MaxRows {
			errs = append(errs, LineError{line, fmt.Sprintf("The file has more than %d commitments: split it into smaller files", MaxRows)})
			break
		}
		if len(rec) != len(header) {
			errs = append(errs, LineError{line, fmt.Sprintf("The row has %d cells but the header has %d columns", len(rec), len(header))})
			continue
		}
		// raw is a cell as written, but for the apostrophe export adds; cell, trimmed too.
		raw := func(name string) string {
			i, ok := index[name]
			if !ok {
				return ""
			}
			return unneutralise(rec[i])
		}
		cell := func(name string) string { return strings.TrimSpace(raw(name)) }
		row := Row{Line: line, Ref: cell("ref"), Deliver: cell("deliver"), Why: tracker.SplitLines(raw("why")),
			SourceURL: cell("source_url"), HasSourceURL: hasSource}
		bad := func(format string, args ...any) {
			errs = append(errs, LineError{line, fmt.Sprintf(format, args...)})
		}
		if p := cell("priority"); p == "" {
			bad("priority is empty: enter the number of the priority area, such as 4")
		} else if n, err := strconv.Atoi(p); err != nil || n <= 0 {
			bad("priority %q is not the number of a priority area, such as 4", truncate(p))
		} else {
			row.Priority = n
		}
		if d := cell("due"); d == "" {
			bad("due is empty: enter the month it is due, such as March 2024")
		} else if m, err := tracker.ParseMonth(d); err != nil {
			bad("due %q is not a month and year such as March 2024", truncate(d))
		} else {
			row.Due = m
		}
		leads, problem := leadRows(raw("leads"), raw("lead_organisations"))
		if problem != "" {
			bad("%s", problem)
		}
		row.Leads = leads
		if row.Ref != "" {
			if first, ok := firstLine[row.Ref]; ok {
				bad("ref %s is on line %d too: each commitment may appear once", truncate(row.Ref), first)
			} else {
				firstLine[row.Ref] = line
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(errs) == 0 {
		errs = append(errs, LineError{1, "The file has a header but no commitments"})
	}
	return rows, errs
}

// leadRows pairs the lines of the leads cell with the lines of the lead_organisations cell.
func leadRows(leads, orgs string) ([]LeadRow, string) {
	texts := lines(leads)
	codeLines := lines(orgs)
	for i, t := range texts {
		if t == "" {
			return nil, fmt.Sprintf("leads line %d is blank: remove it, or enter the lead line as printed", i+1)
		}
	}
	if len(codeLines) > len(texts) {
		return nil, fmt.Sprintf("lead_organisations has %d lines but leads has %d: give one line of codes per lead line", len(codeLines), len(texts))
	}
	out := make([]LeadRow, len(texts))
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
	return out, ""
}

// lines splits a cell into its lines, trimmed, without the blank lines at the end.
func lines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	parts := strings.Split(s, "\n")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func parseError(err error) LineError {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return LineError{1, "The file could not be read as CSV"}
	}
	line := pe.StartLine
	if line == 0 {
		line = pe.Line
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return LineError{line, "A quoted cell is not closed: check the quote marks from here on"}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return LineError{line, "A quote mark appears inside a cell that does not start with one: put the whole cell in quote marks and double the quote marks inside it"}
	default:
		return LineError{line, "The file could not be read as CSV from here on"}
	}
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

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// truncate shortens what a file holds for quoting in a message.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// formulaStart reports whether a spreadsheet would run s as a formula, after any apostrophes
// that lead it.
func formulaStart(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
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

// Write writes commitments in the format, with the header. Every commitment's priority area
// number must be set; lead lines' organisations need their codes.
func Write(w io.Writer, cs []tracker.Commitment) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return fmt.Errorf("plancsv: write header: %w", err)
	}
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
		rec := []string{c.Ref, strconv.Itoa(c.PriorityNumber), c.Deliver, strings.Join(c.Why, "\n"),
			strings.Join(leads, "\n"), strings.TrimRight(strings.Join(orgs, "\n"), "\n"), c.Due.String(), c.SourceURL}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("plancsv: write %s: %w", c.Ref, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("plancsv: write: %w", err)
	}
	return nil
}
