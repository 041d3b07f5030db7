package password

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MinLength and MaxLength bound a password's length in characters. The NCSC advises a minimum
// length and a generous maximum, with no rules on which kinds of character to use.
const (
	MinLength = 12
	MaxLength = 256
)

// commonList is Openwall's list of the passwords most often seen, most common first.
//
//go:embed common-passwords.txt
var commonList string

var (
	commonOnce sync.Once
	common     map[string]bool
)

func commonSet() map[string]bool {
	commonOnce.Do(func() {
		common = make(map[string]bool, 4000)
		for line := range strings.Lines(commonList) {
			line = strings.TrimRight(line, "\r\n")
			if line == "" || strings.HasPrefix(line, "#!") {
				continue
			}
			common[strings.ToLower(line)] = true
		}
	})
	return common
}

// Check returns why pw may not be used as a password, fit to show the person choosing it, or ""
// when it may. context holds the user's email address and name, which the password must not be
// made from (see Personal).
func Check(pw string, context ...string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return "Enter a password"
	case n < MinLength:
		return "Password must be 12 characters or more"
	case n > MaxLength:
		return "Password must be 256 characters or fewer"
	case !utf8.ValidString(pw):
		return "Password must only include characters you can type"
	}
	if msg := Personal(pw, context...); msg != "" {
		return msg
	}
	switch {
	case Common(pw):
		return "Password is too easy to guess: try three random words"
	}
	return ""
}

// sequences are runs of characters people type in order. A password that is a piece of one,
// forwards or backwards, is guessed at once.
var sequences = []string{
	"0123456789012345678901234567890123456789",
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
	"qwertzuiopasdfghjklyxcvbnm",
	"azertyuiopqsdfghjklmwxcvbn",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
	"1q2w3e4r5t6y7u8i9o0p",
	"zaq1xsw2cde3vfr4bgt5nhy6mju7",
}

var leet = strings.NewReplacer("@", "a", "4", "a", "8", "b", "3", "e", "1", "i", "!", "i", "0", "o",
	"$", "s", "5", "s", "7", "t", "+", "t", "2", "z")

// Common reports whether pw is, or is made simply from, a common password: one in the bundled
// list, in any case, with digits or symbols added at either end, with letters swapped for
// look-alike digits, or repeated; a run of keys or characters in order; a character repeated; or
// the name of the service.
func Common(pw string) bool {
	set := commonSet()
	s := strings.ToLower(strings.TrimSpace(pw))
	words := []string{"deliverytracker", "delivery tracker", "careinthedigitalage"}
	bad := func(c string) bool {
		return c == "" || set[c] || fewDistinct(c) || inSequence(c) || slices.Contains(words, c)
	}
	for _, c := range candidates(s) {
		if bad(c) || bad(leet.Replace(c)) {
			return true
		}
	}
	return false
}

// The reasons Personal gives.
const (
	FromEmail = "Password must not be made from your email address"
	FromName  = "Password must not be made from your name"
)

// Personal returns why pw may not be used because it is made from one of the context words, or
// "". A context word with an @ is an email address: the password may not be the address, its
// local part (at any length, with or without its dots, hyphens and underscores), its domain or
// the domain's first label. Any other context word is a name: the password may not be the name,
// with or without its spaces, or a part of it of four letters or more. Each is refused in any
// case, forwards or reversed, with letters swapped for look-alike digits, repeated, or with
// digits or symbols (but no letters) added before or after it.
func Personal(pw string, context ...string) string {
	s := strings.ToLower(strings.TrimSpace(pw))
	cands := append(candidates(s), candidates(reverse(s))...)
	for _, c := range slicesClone(cands) {
		cands = append(cands, leet.Replace(c))
	}
	for _, c := range context {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		msg, words := FromName, nameWords(c)
		if strings.Contains(c, "@") {
			msg, words = FromEmail, emailWords(c)
		}
		for _, cand := range cands {
			for _, w := range words {
				if madeFrom(cand, w) {
					return msg
				}
			}
		}
	}
	return ""
}

// emailWords returns the pieces of an email address a password must not be made from.
func emailWords(email string) []string {
	local, domain, _ := strings.Cut(email, "@")
	words := []string{email, stripAny(email, ".-_+@"), local, stripAny(local, ".-_+"), domain, stripAny(domain, ".-")}
	if label, _, ok := strings.Cut(domain, "."); ok {
		words = append(words, label)
	}
	return words
}

// nameWords returns the pieces of a name a password must not be made from.
func nameWords(name string) []string {
	words := []string{name, stripAny(name, " .-'’")}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if utf8.RuneCountInString(part) >= 4 {
			words = append(words, part)
		}
	}
	return words
}

// madeFrom reports whether c is w with nothing but non-letters before or after it.
func madeFrom(c, w string) bool {
	if w == "" {
		return false
	}
	i := strings.Index(c, w)
	if i < 0 {
		return false
	}
	return !strings.ContainsFunc(c[:i]+c[i+len(w):], unicode.IsLetter)
}

func stripAny(s, chars string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(chars, r) {
			return -1
		}
		return r
	}, s)
}

// candidates returns the password and the simpler forms it may be made from.
func candidates(s string) []string {
	out := []string{s}
	trimmed := strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if trimmed != s && trimmed != "" {
		out = append(out, trimmed)
	}
	trimmedEnd := strings.TrimRightFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if trimmedEnd != s && trimmedEnd != "" && trimmedEnd != trimmed {
		out = append(out, trimmedEnd)
	}
	for _, c := range slicesClone(out) {
		if u := repeatedUnit(c); u != "" {
			out = append(out, u)
		}
		if nospace := strings.ReplaceAll(c, " ", ""); nospace != c {
			out = append(out, nospace)
		}
	}
	return out
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// repeatedUnit returns u when s is u repeated two or more times, or "".
func repeatedUnit(s string) string {
	for n := 1; n <= len(s)/2; n++ {
		if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s {
			return s[:n]
		}
	}
	return ""
}

// fewDistinct reports whether s uses three or fewer different characters.
func fewDistinct(s string) bool {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
		if len(seen) > 3 {
			return false
		}
	}
	return true
}

func inSequence(s string) bool {
	if len(s) < 4 {
		return false
	}
	rev := reverse(s)
	for _, q := range sequences {
		if strings.Contains(q, s) || strings.Contains(q, rev) {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
