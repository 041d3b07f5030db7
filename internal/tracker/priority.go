package tracker

import (
	"regexp"
	"strconv"
	"strings"
)

// PriorityInput is the priority area form as submitted, every field as typed.
type PriorityInput struct {
	Number    string
	Name      string
	Slug      string
	Tagline   string
	Heading   string
	Intro     string
	SourceURL string
}

// ParsePriority checks a priority area as staff type it. It trims every field, lower-cases the
// slug, makes one from the name with SlugOf when none is typed, and gives the introduction Unix
// line breaks. It returns the priority area (ID, plan and version unset) and a message for each
// field that is wrong, in the order of the form, each keyed by its field: number, name, slug,
// tagline, heading, intro or source_url. The text fields hold the cleaned text even when there are
// problems, so a form can be refilled from them; the area is only fit to save when there are none.
func ParsePriority(in PriorityInput) (Priority, []FieldError) {
	number := strings.TrimSpace(in.Number)
	p := Priority{Name: strings.TrimSpace(in.Name), Slug: strings.ToLower(strings.TrimSpace(in.Slug)),
		Tagline: strings.TrimSpace(in.Tagline), Heading: strings.TrimSpace(in.Heading),
		Intro: normaliseText(in.Intro), SourceURL: strings.TrimSpace(in.SourceURL)}
	if p.Slug == "" {
		p.Slug = SlugOf(p.Name)
	}
	var errs fieldErrors
	n, err := strconv.Atoi(number)
	switch {
	case number == "":
		errs.add("number", "Enter the priority area’s number, such as 4")
	case err != nil || n < 1 || n > 99:
		errs.add("number", "The number must be a whole number from 1 to 99")
	default:
		p.Number = n
	}
	errs.text("name", p.Name, "the priority area’s name", true, MaxTitle)
	if p.Slug != "" || p.Name != "" {
		errs.shaped("slug", p.Slug, ValidSlug, "Enter the priority area’s web address, such as digital-skills-and-leadership", wrongSlug)
	}
	errs.text("tagline", p.Tagline, "what it aims for", false, MaxShortText)
	errs.text("heading", p.Heading, "the heading", false, MaxShortText)
	errs.text("intro", p.Intro, "the introduction", false, MaxIntro)
	errs.url("source_url", p.SourceURL)
	return p, errs
}

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// SlugOf makes a web address from a name, at most 80 characters: "Digital Skills and
// Leadership" becomes digital-skills-and-leadership. It returns "" for a name with no letters or
// numbers of the Latin alphabet.
func SlugOf(name string) string {
	s := strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	return s
}
