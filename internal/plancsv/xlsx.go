package plancsv

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// sheetName is the name of the export's one sheet; import reads a workbook's first sheet,
// whatever its name.
const sheetName = "Commitments"

// xlsxLimits bound what opening an uploaded workbook may unpack, however small the upload: a
// workbook is a zip file, and its worksheets and shared strings are kept in memory up to
// UnzipXMLSizeLimit.
var xlsxLimits = excelize.Options{RawCellValue: true, UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20}

// readXLSX reads the first sheet of an Excel workbook into records numbered by their rows. Cells
// are read as stored, not as formatted, except that a date in the due column (Excel turns
// "March 2025" typed into a cell into one) is read as its month. A cell holding a formula is a
// problem: import takes text, never what a formula computes.
func readXLSX(data []byte) ([]record, []Problem) {
	f, err := excelize.OpenReader(bytes.NewReader(data), xlsxLimits)
	if err != nil {
		return nil, []Problem{{Message: "The file could not be read as an Excel workbook (.xlsx): save it from your spreadsheet again, as .xlsx or “CSV UTF-8”"}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, []Problem{{Message: "The workbook has no sheets"}}
	}
	sheet := sheets[0]
	rows, err := f.GetRows(sheet, xlsxLimits)
	if err != nil {
		return nil, []Problem{{Message: "The workbook’s first sheet could not be read: save it from your spreadsheet again"}}
	}
	if len(rows) == 0 {
		return nil, []Problem{{Message: "The file is empty"}}
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	width := len(rows[0])
	due := -1
	for i, h := range rows[0] {
		if strings.EqualFold(strings.TrimSpace(h), "due") {
			due = i
		}
	}
	var records []record
	var problems []Problem
	for i, cells := range rows {
		row := i + 1
		rec := record{row: row, cells: cells, wide: len(cells) > width}
		for len(rec.cells) < width {
			rec.cells = append(rec.cells, "")
		}
		for col := range rec.cells {
			name, _ := excelize.CoordinatesToCellName(col+1, row)
			if formula, _ := f.GetCellFormula(sheet, name); formula != "" {
				problems = append(problems, Problem{Row: row, Column: heading(rows[0], col),
					Message: "The cell holds a formula: type the text itself, or put an apostrophe before the =, +, - or @ that starts it"})
				continue
			}
			if !utf8.ValidString(rec.cells[col]) {
				rec.cells[col] = strings.ToValidUTF8(rec.cells[col], "\uFFFD")
			}
			if col == due && row > 1 {
				rec.cells[col] = dateAsMonth(f, sheet, name, rec.cells[col], date1904)
			}
		}
		records = append(records, rec)
	}
	return records, problems
}

// heading is the heading of column col as the header row has it, or its letter.
func heading(header []string, col int) string {
	if col < len(header) && strings.TrimSpace(header[col]) != "" {
		return strings.TrimSpace(header[col])
	}
	return columnLetter(col)
}

// dateAsMonth turns a cell that holds a date, stored as a number, into its month, such as
// March 2025; other cells stay as they are.
func dateAsMonth(f *excelize.File, sheet, cell, value string, date1904 bool) string {
	n, err := strconv.ParseFloat(value, 64)
	if err != nil || n < 1 {
		return value
	}
	if t, _ := f.GetCellType(sheet, cell); t != excelize.CellTypeUnset && t != excelize.CellTypeNumber && t != excelize.CellTypeDate {
		return value
	}
	d, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return value
	}
	return tracker.Month{Year: d.Year(), Month: d.Month()}.String()
}

// WriteXLSX writes commitments as an Excel workbook of one sheet, in the same columns and with
// the same cells as Write. Every commitment's priority area number must be set; lead lines'
// organisations need their codes.
func WriteXLSX(w io.Writer, cs []tracker.Commitment) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := writeSheet(f, cells(cs)); err != nil {
		return fmt.Errorf("plancsv: write workbook: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("plancsv: write workbook: %w", err)
	}
	return nil
}

// columnWidths are the widths of the export's columns, in characters.
var columnWidths = []float64{8, 9, 60, 50, 40, 22, 16, 40}

func writeSheet(f *excelize.File, rows [][]string) error {
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	for i, wd := range columnWidths {
		col := columnLetter(i)
		if err := f.SetColWidth(sheetName, col, col, wd); err != nil {
			return err
		}
		if err := f.SetColStyle(sheetName, col, wrap); err != nil {
			return err
		}
	}
	for r, rec := range rows {
		for c, v := range rec {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			// The priority area's number is a number; every other cell is text, so that Excel
			// neither runs nor reformats it (4.10 stays 4.10, March 2024 stays text).
			if n, err := strconv.Atoi(v); err == nil && r > 0 && Columns[c] == "priority" {
				err = f.SetCellInt(sheetName, cell, int64(n))
				if err != nil {
					return err
				}
				continue
			}
			if err := f.SetCellStr(sheetName, cell, v); err != nil {
				return err
			}
		}
	}
	if err := f.SetRowStyle(sheetName, 1, 1, bold); err != nil {
		return err
	}
	return f.SetPanes(sheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
