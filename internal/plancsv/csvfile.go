package plancsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// bom is the UTF-8 byte order mark that starts the CSV export, so that Excel reads it as UTF-8.
const bom = "\xef\xbb\xbf"

// readCSV reads a CSV file into records numbered as a spreadsheet numbers its rows: each record
// is one row, however many lines its cells span, and a blank line (which encoding/csv skips) is
// an empty row.
func readCSV(data []byte) ([]record, []Problem) {
	data = bytes.TrimPrefix(data, []byte(bom))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []Problem{{Message: "The file is empty"}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var records []record
	row := 0
	for {
		start := cr.InputOffset()
		rec, err := cr.Read()
		// Lines that are only a line end before the record are rows left empty.
		row += 1 + blankLines(data[start:])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return records, []Problem{parseError(row, err)}
		}
		for i, cell := range rec {
			if !utf8.ValidString(cell) {
				p := Problem{Row: row, Message: "The cell is not UTF-8 text: save the file from your spreadsheet as “CSV UTF-8”"}
				if len(records) > 0 {
					p.Column = heading(records[0].cells, i)
				} else {
					p.Message = "The header is not UTF-8 text: save the file from your spreadsheet as “CSV UTF-8”"
				}
				return nil, []Problem{p}
			}
		}
		records = append(records, record{row: row, cells: rec})
	}
	return records, nil
}

// blankLines counts the lines at the start of data that hold only a line end.
func blankLines(data []byte) int {
	n := 0
	for {
		switch {
		case bytes.HasPrefix(data, []byte("\n")):
			data = data[1:]
		case bytes.HasPrefix(data, []byte("\r\n")):
			data = data[2:]
		default:
			return n
		}
		n++
	}
}

func parseError(row int, err error) Problem {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return Problem{Row: row, Message: "The file could not be read as CSV from here on"}
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return Problem{Row: row, Message: "A quoted cell is not closed: check the quote marks from here on"}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return Problem{Row: row, Message: "A quote mark appears inside a cell that does not start with one: put the whole cell in quote marks and double the quote marks inside it"}
	default:
		return Problem{Row: row, Message: "The file could not be read as CSV from here on"}
	}
}

// Write writes commitments as CSV, starting with a byte order mark and the header. Every
// commitment's priority area number must be set; lead lines' organisations need their codes.
func Write(w io.Writer, cs []tracker.Commitment) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("plancsv: write: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(cells(cs)); err != nil {
		return fmt.Errorf("plancsv: write: %w", err)
	}
	return nil
}
