package tracker

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on what staff type into the forms that manage plans, priority areas, organisations and
// reporting rounds.
const (
	// MaxTitle is the most characters a plan's title or strategy, a priority area's name or an
	// organisation's name may have.
	MaxTitle = 200
	// MaxPeriod is the most characters the period a plan covers may have, such as 2024-25.
	MaxPeriod = 20
	// MaxShortText is the most characters a licence, attribution, tagline, heading or one way of
	// writing an organisation's name may have.
	MaxShortText = 300
	// MaxIntro is the most characters a priority area's introduction may have.
	MaxIntro = 5000
	// MaxAsWritten is the most ways of writing an organisation's name it may have.
	MaxAsWritten = 20
	// MaxRoundName is the most characters a reporting round's name may have.
	MaxRoundName = 100
)

// fieldErrors collects a form's problems in the order of its fields.
type fieldErrors []FieldError

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// text checks a text field: required or not, and at most max characters. label names the field
// after "Enter", such as "the plan’s title".
func (e *fieldErrors) text(field, value, label string, required bool, max int) {
	switch {
	case required && value == "":
		e.add(field, "Enter %s", label)
	case utf8.RuneCountInString(value) > max:
		e.add(field, "%s must be %d characters or fewer", capitalise(label), max)
	}
}

// shaped checks a field that must be filled in with a value of a certain shape, such as a code or
// a web address: enter is the message when it is empty, and wrong when valid refuses it.
func (e *fieldErrors) shaped(field, value string, valid func(string) bool, enter, wrong string) {
	switch {
	case value == "":
		e.add(field, "%s", enter)
	case !valid(value):
		e.add(field, "%s", wrong)
	}
}

// wrongSlug is the message for a web address (a slug) that ValidSlug refuses.
const wrongSlug = "The web address must be lower-case letters, numbers and hyphens, starting with a letter or number"

// url checks an optional web address with CheckURL.
func (e *fieldErrors) url(field, value string) {
	if value != "" {
		if msg := CheckURL(value); msg != "" {
			e.add(field, "%s", msg)
		}
	}
}

// capitalise upper-cases the first letter of a label that starts with an ASCII letter.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
