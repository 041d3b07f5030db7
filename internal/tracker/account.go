package tracker

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// TokenPurpose is what a single-use account link is for.
type TokenPurpose string

// The purposes of single-use links.
const (
	// TokenFirstAdmin creates the first administrator, while there is none.
	TokenFirstAdmin TokenPurpose = "first_admin"
	// TokenInvite lets an invited user, or one created from the command line, set their password.
	TokenInvite TokenPurpose = "invite"
	// TokenReset lets a user choose a new password.
	TokenReset TokenPurpose = "reset"
)

// TTL returns how long a link of the purpose stays valid: a day for the first administrator,
// seven days for an invitation, an hour for a password reset.
func (p TokenPurpose) TTL() time.Duration {
	switch p {
	case TokenFirstAdmin:
		return 24 * time.Hour
	case TokenInvite:
		return 7 * 24 * time.Hour
	case TokenReset:
		return time.Hour
	}
	return 0
}

// ErrLinkInvalid is returned for a single-use link that does not exist, has expired or has been
// used.
var ErrLinkInvalid = &Error{Code: EINVALID, Message: "This link has expired or has already been used"}

// MaxEmailLength and MaxNameLength bound an account's email address and name.
const (
	MaxEmailLength = 254
	MaxNameLength  = 200
)

// NormaliseEmail returns the address as the portal keeps it: trimmed, with the domain in lower
// case. Addresses are compared without regard to case.
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.LastIndex(s, "@"); at >= 0 {
		s = s[:at] + strings.ToLower(s[at:])
	}
	return s
}

// EmailProblem returns what is wrong with an email address, fit to show people, or "".
func EmailProblem(s string) string {
	s = NormaliseEmail(s)
	if s == "" {
		return "Enter an email address"
	}
	if len(s) > MaxEmailLength {
		return "Email address must be 254 characters or fewer"
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "Enter an email address in the correct format, like name@example.com"
	}
	return ""
}

// NameProblem returns what is wrong with a person's name, fit to show people, or "".
func NameProblem(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "Enter a full name"
	case utf8.RuneCountInString(s) > MaxNameLength:
		return "Full name must be 200 characters or fewer"
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "Full name must not include control characters"
	case !ValidText(s):
		return "Full name " + invalidText
	}
	return ""
}
