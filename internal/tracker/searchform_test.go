package tracker

import (
	"strings"
	"testing"
)

func TestParseSearchText(t *testing.T) {
	long := strings.Repeat("é", MaxSearchText)
	tests := []struct {
		name, in, want string
		problems       []string
	}{
		{"empty", "", "", nil},
		{"spaces collapsed", "  digital \t  skills \n", "digital skills", nil},
		{"control characters", "a\x01b\x7fc", "a b c", nil},
		{"invalid UTF-8 dropped", "ab\xffc", "abc", nil},
		{"at the limit", long, long, nil},
		{"over the limit", long + "x", long + "x", []string{"q: Search must be 200 characters or fewer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseSearchText(tt.in)
			if got != tt.want {
				t.Errorf("text: got %q, want %q", got, tt.want)
			}
			checkProblems(t, errs, tt.problems)
		})
	}
}

func TestParseFinderPage(t *testing.T) {
	bad := []string{"results: Page must be a whole number from 1 to 100000"}
	tests := []struct {
		in       string
		want     int
		problems []string
	}{
		{"", 0, nil}, {" 3 ", 3, nil}, {"1", 1, nil}, {"100000", 100000, nil},
		{"0", 0, bad}, {"-1", 0, bad}, {"100001", 0, bad}, {"two", 0, bad}, {"1.5", 0, bad},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, errs := ParseFinderPage(tt.in)
			if got != tt.want {
				t.Errorf("page: got %d, want %d", got, tt.want)
			}
			checkProblems(t, errs, tt.problems)
		})
	}
}
