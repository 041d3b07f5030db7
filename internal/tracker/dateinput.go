package tracker

import (
	"strconv"
	"strings"
	"time"
)

// DateInput is a date as typed into the design system's date input: the day, month and year
// fields, each as typed. The month may be a number or a month's name (March, mar).
type DateInput struct {
	Day   string
	Month string
	Year  string
}

// The parts of a date input, which also end the ids and names of its fields: a date field
// "deadline" has the inputs deadline-day, deadline-month and deadline-year.
const (
	DateDay   = "day"
	DateMonth = "month"
	DateYear  = "year"
)

// DateParts are the parts of a date input, in the order of its fields.
var DateParts = []string{DateDay, DateMonth, DateYear}

// DateHint is the hint of every date input: an example in the form the fields take.
const DateHint = "For example, 27 3 2027"

// Earliest and latest years a date input takes.
const (
	MinDateYear = 2000
	MaxDateYear = 2099
)

// DateInputOf splits a date into the fields of a date input, as people type them (27, 3 and
// 2027); a zero date gives empty fields.
func DateInputOf(d time.Time) DateInput {
	if d.IsZero() {
		return DateInput{}
	}
	return DateInput{Day: strconv.Itoa(d.Day()), Month: strconv.Itoa(int(d.Month())), Year: strconv.Itoa(d.Year())}
}

// Empty reports whether nothing was typed in any field.
func (in DateInput) Empty() bool {
	return strings.TrimSpace(in.Day) == "" && strings.TrimSpace(in.Month) == "" && strings.TrimSpace(in.Year) == ""
}

// DateError is what is wrong with a date input: a message that says which part is wrong, and
// those parts (DateDay, DateMonth, DateYear), in order.
type DateError struct {
	Parts   []string
	Message string
}

// ParseDateInput reads a date input. what names the date in messages, starting with a capital,
// such as "The deadline". A date input left empty is a zero time and no error unless required.
// Messages follow the design system's pattern: "Enter the deadline", "The deadline must include a
// month", "The deadline must be a real date", "The deadline’s year must have 4 numbers".
func ParseDateInput(in DateInput, what string, required bool) (time.Time, *DateError) {
	parts := map[string]string{DateDay: strings.TrimSpace(in.Day), DateMonth: strings.TrimSpace(in.Month), DateYear: strings.TrimSpace(in.Year)}
	var missing []string
	for _, p := range DateParts {
		if parts[p] == "" {
			missing = append(missing, p)
		}
	}
	switch {
	case len(missing) == 3 && !required:
		return time.Time{}, nil
	case len(missing) == 3:
		return time.Time{}, &DateError{Parts: DateParts, Message: "Enter " + lowerFirst(what)}
	case len(missing) > 0:
		return time.Time{}, &DateError{Parts: missing, Message: what + " must include a " + strings.Join(missing, " and a ")}
	}
	day, dayErr := digits(parts[DateDay])
	month, monthErr := dateMonth(parts[DateMonth])
	year, yearErr := digits(parts[DateYear])
	var wrong []string
	if dayErr != nil || day < 1 || day > 31 {
		wrong = append(wrong, DateDay)
	}
	if monthErr != nil {
		wrong = append(wrong, DateMonth)
	}
	if yearErr != nil {
		wrong = append(wrong, DateYear)
	}
	if len(wrong) > 0 {
		return time.Time{}, &DateError{Parts: wrong, Message: what + " must be a real date"}
	}
	if len(parts[DateYear]) != 4 {
		return time.Time{}, &DateError{Parts: []string{DateYear}, Message: what + "’s year must have 4 numbers, such as 2027"}
	}
	if year < MinDateYear || year > MaxDateYear {
		return time.Time{}, &DateError{Parts: []string{DateYear}, Message: what + " must be between " + strconv.Itoa(MinDateYear) + " and " + strconv.Itoa(MaxDateYear)}
	}
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day {
		return time.Time{}, &DateError{Parts: []string{DateDay}, Message: what + " must be a real date: " + month.String() + " " + strconv.Itoa(year) + " has " + strconv.Itoa(daysIn(month, year)) + " days"}
	}
	return d, nil
}

// dateMonth reads the month field: a number from 1 to 12, or a month's name or its first three
// letters.
func dateMonth(s string) (time.Month, error) {
	if n, err := digits(s); err == nil {
		if n < 1 || n > 12 {
			return 0, strconv.ErrRange
		}
		return time.Month(n), nil
	}
	for m := time.January; m <= time.December; m++ {
		if strings.EqualFold(s, m.String()) || strings.EqualFold(s, m.String()[:3]) {
			return m, nil
		}
	}
	return 0, strconv.ErrSyntax
}

// digits reads a number written only in the digits 0 to 9 (no sign), of at most 9 of them.
func digits(s string) (int, error) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// DateField is the id of the input of a date field's part: DateField("deadline", DateMonth) is
// deadline-month.
func DateField(field, part string) string { return field + "-" + part }

// WrongDateParts are the parts of a date input to mark as wrong when it has an error: those
// ParseDateInput finds wrong, or every part when the date is real but wrong for another reason,
// such as a deadline before the opening day.
func WrongDateParts(in DateInput) []string {
	if _, err := ParseDateInput(in, "The date", true); err != nil {
		return err.Parts
	}
	return DateParts
}

// date checks a date input of the field, as ParseDateInput does, and adds its problem keyed by
// the input of its first wrong part, so that the error summary links there.
func (e *fieldErrors) date(field string, in DateInput, what string, required bool) time.Time {
	d, err := ParseDateInput(in, what, required)
	if err != nil {
		e.add(DateField(field, err.Parts[0]), "%s", err.Message)
	}
	return d
}
