package tracker

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a reader may ask the commitments finder for.
const (
	// MaxSearchText is the most characters the finder's search text may have.
	MaxSearchText = 200
	// MaxFinderPage is the highest page of results a reader may ask for.
	MaxFinderPage = 100000
)

// ParseSearchText reads the finder's search text as a reader typed it. It makes the text safe to
// search for (valid UTF-8, no control characters, spaces collapsed) and returns it, with a
// message keyed by the field q when it is longer than MaxSearchText.
func ParseSearchText(s string) (string, []FieldError) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxSearchText {
		return s, []FieldError{{Field: "q", Message: "Search must be " + strconv.Itoa(MaxSearchText) + " characters or fewer"}}
	}
	return s, nil
}

// ParseFinderPage reads the page of results a reader asks for: a whole number from 1 to
// MaxFinderPage, or "" for none (0). It returns a message keyed by the field results for
// anything else.
func ParseFinderPage(s string) (int, []FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxFinderPage {
		return 0, []FieldError{{Field: "results", Message: "Page must be a whole number from 1 to " + strconv.Itoa(MaxFinderPage)}}
	}
	return n, nil
}
