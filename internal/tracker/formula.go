package tracker

import "strings"

// FormulaStarts are the characters with which a cell that a spreadsheet would run as a formula
// begins: =, +, -, @, a tab or a carriage return. Every CSV the portal writes puts an apostrophe
// before such a cell, so that spreadsheets show the text as it is.
const FormulaStarts = "=+-@\t\r"

// StartsFormula reports whether a spreadsheet would run the cell s as a formula.
func StartsFormula(s string) bool { return s != "" && strings.IndexByte(FormulaStarts, s[0]) >= 0 }
