package web

import (
	"slices"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// DateInputProps configures DateInput, the design system's date input: day, month and year
// fields in a fieldset. Field.ID names the date: its inputs have the ids and names ID-day,
// ID-month and ID-year, and its error message the id error-message-ID. Field.Error is not used:
// the input finds its message in Errors, keyed by the input of the first wrong part (see
// tracker.DateField), so that the error summary links to that input.
type DateInputProps struct {
	Field
	Value tracker.DateInput
	// Errors are the form's errors.
	Errors []FieldError
}

// datePart is one field of a date input.
type datePart struct {
	ID, Name, Label, Value, Width string
	Wrong                         bool
}

// field is the date's Field with its error message, if it has one.
func (p DateInputProps) field() Field {
	f := p.Field
	f.Error = ""
	for _, part := range tracker.DateParts {
		if msg := ErrorFor(p.Errors, tracker.DateField(p.ID, part)); msg != "" {
			f.Error = msg
			break
		}
	}
	return f
}

// parts are the day, month and year fields, the wrong ones marked when the date has an error.
func (p DateInputProps) parts() []datePart {
	var wrong []string
	if p.field().Error != "" {
		wrong = tracker.WrongDateParts(p.Value)
	}
	values := map[string]string{tracker.DateDay: p.Value.Day, tracker.DateMonth: p.Value.Month, tracker.DateYear: p.Value.Year}
	labels := map[string]string{tracker.DateDay: "Day", tracker.DateMonth: "Month", tracker.DateYear: "Year"}
	var out []datePart
	for _, part := range tracker.DateParts {
		width := "fixed-2"
		if part == tracker.DateYear {
			width = "fixed-4"
		}
		out = append(out, datePart{ID: tracker.DateField(p.ID, part), Name: tracker.DateField(p.name(), part), Label: labels[part],
			Value: values[part], Width: width, Wrong: slices.Contains(wrong, part)})
	}
	return out
}

// errorIf is a stand-in error message for inputClass: "wrong" when wrong is true, else "".
func errorIf(wrong bool) string {
	if wrong {
		return "wrong"
	}
	return ""
}
