package tracker

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s can be stored and shown as text: valid UTF-8 with no NUL byte
// (PostgreSQL cannot store NUL in text). Form validators check every text field with it.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// invalidText ends the message for a field that fails ValidText, after the field's name.
const invalidText = "contains characters that cannot be saved: remove any invisible control characters"
