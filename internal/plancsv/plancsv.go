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
type LeadRow = tracker.ImportLead

// Row is one commitment as a file gives it, before its priority area and organisations are
// looked up in the plan, at the line of the file it starts on.
type Row struct {
	Line int
	tracker.ImportRow
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
			errs = append(errs, LineError{1, fmt.Sprintf("The header names an unknown column, %q: the columns are %s", tracker.Excerpt(h), strings.Join(Columns, ", "))})
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
		parsed, problems := tracker.ParseImportRow(tracker.ImportRowInput{Ref: raw("ref"), Priority: raw("priority"),
			Deliver: raw("deliver"), Why: raw("why"), Leads: raw("leads"), LeadOrganisations: raw("lead_organisations"),
			Due: raw("due"), SourceURL: raw("source_url")})
		for _, p := range problems {
			errs = append(errs, LineError{line, p})
		}
		row := Row{Line: line, ImportRow: parsed, HasSourceURL: hasSource}
		if row.Ref != "" {
			if first, ok := firstLine[row.Ref]; ok {
				errs = append(errs, LineError{line, tracker.ImportRefRepeated(row.Ref, first)})
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
