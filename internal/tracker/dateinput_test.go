package tracker

import (
	"slices"
	"testing"
	"time"
)

func TestParseDateInput(t *testing.T) {
	tests := []struct {
		name     string
		in       DateInput
		required bool
		want     time.Time
		parts    []string
		message  string
	}{
		{"numbers", DateInput{"27", "3", "2027"}, true, day(2027, 3, 27), nil, ""},
		{"leading zeros and spaces", DateInput{" 05 ", "09", " 2026"}, true, day(2026, 9, 5), nil, ""},
		{"month by name", DateInput{"1", "October", "2026"}, true, day(2026, 10, 1), nil, ""},
		{"month abbreviated", DateInput{"1", "oct", "2026"}, true, day(2026, 10, 1), nil, ""},
		{"leap day", DateInput{"29", "2", "2028"}, true, day(2028, 2, 29), nil, ""},
		{"empty and optional", DateInput{"", " ", ""}, false, time.Time{}, nil, ""},
		{"empty and required", DateInput{}, true, time.Time{}, DateParts, "Enter the deadline"},
		{"no month", DateInput{"27", "", "2027"}, true, time.Time{}, []string{"month"}, "The deadline must include a month"},
		{"no day or year", DateInput{"", "3", ""}, false, time.Time{}, []string{"day", "year"}, "The deadline must include a day and a year"},
		{"day too big", DateInput{"32", "3", "2027"}, true, time.Time{}, []string{"day"}, "The deadline must be a real date"},
		{"month too big", DateInput{"27", "13", "2027"}, true, time.Time{}, []string{"month"}, "The deadline must be a real date"},
		{"words", DateInput{"first", "Smarch", "2027"}, true, time.Time{}, []string{"day", "month"}, "The deadline must be a real date"},
		{"a slash date in the day", DateInput{"27/3/2027", "", ""}, true, time.Time{}, []string{"month", "year"}, "The deadline must include a month and a year"},
		{"signs", DateInput{"+5", "-3", "2027"}, true, time.Time{}, []string{"day", "month"}, "The deadline must be a real date"},
		{"two-digit year", DateInput{"27", "3", "27"}, true, time.Time{}, []string{"year"}, "The deadline’s year must have 4 numbers, such as 2027"},
		{"year out of range", DateInput{"27", "3", "1999"}, true, time.Time{}, []string{"year"}, "The deadline must be between 2000 and 2099"},
		{"no such day in the month", DateInput{"31", "4", "2027"}, true, time.Time{}, []string{"day"}, "The deadline must be a real date: April 2027 has 30 days"},
		{"not a leap year", DateInput{"29", "2", "2027"}, true, time.Time{}, []string{"day"}, "The deadline must be a real date: February 2027 has 28 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDateInput(tt.in, "The deadline", tt.required)
			if !got.Equal(tt.want) {
				t.Errorf("date = %v, want %v", got, tt.want)
			}
			switch {
			case tt.message == "" && err != nil:
				t.Errorf("error = %+v, want none", err)
			case tt.message != "" && err == nil:
				t.Errorf("no error, want %q on %q", tt.message, tt.parts)
			case err != nil && (err.Message != tt.message || !slices.Equal(err.Parts, tt.parts)):
				t.Errorf("error = %q on %q, want %q on %q", err.Message, err.Parts, tt.message, tt.parts)
			}
			if tt.message != "" {
				if got := WrongDateParts(tt.in); tt.required && !slices.Equal(got, tt.parts) {
					t.Errorf("WrongDateParts = %q, want %q", got, tt.parts)
				}
			}
		})
	}
	if got := WrongDateParts(DateInput{"1", "1", "2027"}); !slices.Equal(got, DateParts) {
		t.Errorf("WrongDateParts of a real date = %q, want every part", got)
	}
}

// TestDateInputOf checks that a date is prefilled in the form the hint shows, and reads back.
func TestDateInputOf(t *testing.T) {
	in := DateInputOf(day(2027, 3, 27))
	if in != (DateInput{"27", "3", "2027"}) {
		t.Errorf("DateInputOf(27 March 2027) = %+v, want the hint's 27 3 2027", in)
	}
	if DateHint != "For example, 27 3 2027" {
		t.Errorf("DateHint = %q", DateHint)
	}
	if back, err := ParseDateInput(in, "The date", true); err != nil || !back.Equal(day(2027, 3, 27)) {
		t.Errorf("reading it back = %v, %v", back, err)
	}
	if in := DateInputOf(time.Time{}); !in.Empty() {
		t.Errorf("DateInputOf(zero) = %+v, want empty", in)
	}
}
