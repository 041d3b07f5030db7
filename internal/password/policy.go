package password

import (
	_ "embed"
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
// when it may. context holds words the password must not simply be, such as the user's email
// address and name.
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
	case Common(pw, context...):
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
// one of the context words, or the name of the service.
func Common(pw string, context ...string) bool {
	set := commonSet()
	s := strings.ToLower(strings.TrimSpace(pw))
	var words []string
	for _, c := range context {
		c = strings.ToLower(strings.TrimSpace(c))
		if local, _, ok := strings.Cut(c, "@"); ok {
			c = local
		}
		if utf8.RuneCountInString(c) >= 4 {
			words = append(words, c, strings.ReplaceAll(c, " ", ""))
		}
	}
	words = append(words, "deliverytracker", "delivery tracker", "careinthedigitalage")
	bad := func(c string) bool {
		if c == "" {
			return true
		}
		if set[c] || fewDistinct(c) || inSequence(c) {
			return true
		}
		for _, w := range words {
			if c == w {
				return true
			}
		}
		return false
	}
	for _, c := range candidates(s) {
		if bad(c) || bad(leet.Replace(c)) {
			return true
		}
	}
	return false
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
