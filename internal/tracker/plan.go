package tracker

import (
	"strconv"
	"strings"
)

// PlanInput is the plan form as submitted, every field as typed.
type PlanInput struct {
	Title       string
	Slug        string
	Period      string
	Strategy    string
	PublishedOn DateInput
	SourceURL   string
	Licence     string
	Attribution string
}

// ParsePlan checks the details of a plan as staff type them. It trims every field and lower-cases
// the slug, and returns the plan (ID, version, current and previous plan unset) and a message for
// each field that is wrong, in the order of the form, each keyed by its field: title, period,
// slug, strategy, published_on (keyed by the input of its first wrong part, such as
// published_on-day: see DateField), source_url, licence or attribution. The plan's text fields hold
// the trimmed text even when there are problems, so a form can be refilled from them; the plan is
// only fit to save when there are none.
func ParsePlan(in PlanInput) (Plan, []FieldError) {
	p := Plan{Title: strings.TrimSpace(in.Title), Slug: strings.ToLower(strings.TrimSpace(in.Slug)),
		Period: strings.TrimSpace(in.Period), Strategy: strings.TrimSpace(in.Strategy),
		SourceURL: strings.TrimSpace(in.SourceURL), Licence: strings.TrimSpace(in.Licence),
		Attribution: strings.TrimSpace(in.Attribution)}
	var errs fieldErrors
	errs.text("title", p.Title, "the plan’s title", true, MaxTitle)
	errs.text("period", p.Period, "the period it covers", true, MaxPeriod)
	errs.shaped("slug", p.Slug, ValidSlug, "Enter the plan’s web address, such as 2024-25", wrongSlug)
	errs.text("strategy", p.Strategy, "the strategy", false, MaxTitle)
	if d := errs.date("published_on", in.PublishedOn, "The publication date", false); !d.IsZero() {
		p.PublishedOn = &d
	}
	errs.url("source_url", p.SourceURL)
	errs.text("licence", p.Licence, "the licence", false, MaxShortText)
	errs.text("attribution", p.Attribution, "the attribution", false, MaxShortText)
	return p, errs
}

// ParsePreviousPlan checks the plan a new plan follows, as the form sends it: the ID of one of
// plans, or "" for none. It returns the plan's ID (0 for none) and, when s names no plan of the
// list, a message keyed by the field previous.
func ParsePreviousPlan(s string, plans []Plan) (int64, []FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	id, _ := strconv.ParseInt(s, 10, 64)
	for _, p := range plans {
		if p.ID == id {
			return id, nil
		}
	}
	return 0, []FieldError{{Field: "previous", Message: "Choose a plan from the list"}}
}
