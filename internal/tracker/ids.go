package tracker

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	refPattern  = regexp.MustCompile(`^[0-9]{1,3}\.[0-9]{1,3}$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)
	codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,39}$`)
)

// ValidRef reports whether s has the shape of a commitment's ref, such as "4.2".
func ValidRef(s string) bool { return refPattern.MatchString(s) }

// ValidSlug reports whether s has the shape of a plan's or priority area's slug.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidCode reports whether s has the shape of an organisation's code, such as "NHS-BOARDS".
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// RefOrdinal returns the position a ref gives its commitment within its priority area: the number
// after the dot, 2 for "4.2". It returns 0 if ref is not a valid ref.
func RefOrdinal(ref string) int {
	if !ValidRef(ref) {
		return 0
	}
	_, minor, _ := strings.Cut(ref, ".")
	n, _ := strconv.Atoi(minor)
	return n
}
