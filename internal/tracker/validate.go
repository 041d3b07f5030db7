package tracker

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits on what staff enter for a commitment.
const (
	MaxDeliverLength  = 1000
	MaxWhyLength      = 1000
	MaxWhyItems       = 20
	MaxLeadLineLength = 300
	MaxLeadLines      = 20
	MaxURLLength      = 500
)

// ValidateCommitment checks what a commitment says, as staff enter it in a form or a CSV file:
// the ref, that a priority area is chosen, what it will deliver, why, its lead lines and the
// month it is due. It returns every problem found, in the order of the fields, each naming its
// field by the domain's name for it: ref, priority, deliver, why, due, leads or source_url.
func ValidateCommitment(c Commitment) []FieldError {
	var ps []FieldError
	add := func(field, format string, args ...any) {
		ps = append(ps, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case c.Ref == "":
		add("ref", "Enter the commitment’s number, such as 4.2")
	case RefOrdinal(c.Ref) == 0:
		add("ref", "Enter the commitment’s number as the priority area’s number, a dot and its position, such as 4.2")
	}
	if c.PriorityID == 0 && c.PriorityNumber == 0 {
		add("priority", "Choose the priority area")
	}
	switch {
	case strings.TrimSpace(c.Deliver) == "":
		add("deliver", "Enter what the commitment will deliver")
	case utf8.RuneCountInString(c.Deliver) > MaxDeliverLength:
		add("deliver", "What it will deliver must be %d characters or fewer", MaxDeliverLength)
	case strings.ContainsAny(c.Deliver, "\r\n"):
		add("deliver", "What it will deliver must be one paragraph, without line breaks")
	case !ValidText(c.Deliver):
		add("deliver", "What it will deliver %s", invalidText)
	}
	switch {
	case len(c.Why) > MaxWhyItems:
		add("why", "Enter %d reasons or fewer", MaxWhyItems)
	default:
		for i, w := range c.Why {
			if utf8.RuneCountInString(w) > MaxWhyLength {
				add("why", "Reason %d must be %d characters or fewer", i+1, MaxWhyLength)
				break
			}
			if !ValidText(w) {
				add("why", "Reason %d %s", i+1, invalidText)
				break
			}
		}
	}
	if c.Due.IsZero() {
		add("due", "Enter the month it is due, such as 3 and 2024")
	}
	if len(c.Leads) > MaxLeadLines {
		add("leads", "Enter %d lead lines or fewer", MaxLeadLines)
	}
	for i, l := range c.Leads {
		switch {
		case strings.TrimSpace(l.Text) == "":
			add("leads", "Lead line %d is empty: enter it as the plan prints it", i+1)
		case utf8.RuneCountInString(l.Text) > MaxLeadLineLength:
			add("leads", "Lead line %d must be %d characters or fewer", i+1, MaxLeadLineLength)
		case strings.ContainsAny(l.Text, "\r\n"):
			add("leads", "Lead line %d must not contain a line break", i+1)
		case !ValidText(l.Text):
			add("leads", "Lead line %d %s", i+1, invalidText)
		}
		seen := map[int64]bool{}
		for _, o := range l.Organisations {
			if seen[o.ID] {
				add("leads", "Lead line %d names %s twice", i+1, o.Name)
				break
			}
			seen[o.ID] = true
		}
	}
	if c.SourceURL != "" {
		if msg := CheckURL(c.SourceURL); msg != "" {
			add("source_url", "%s", msg)
		}
	}
	return ps
}

// CheckURL checks an address someone entered for a link. It returns what is wrong, or "".
func CheckURL(s string) string {
	if len(s) > MaxURLLength {
		return fmt.Sprintf("The web address must be %d characters or fewer", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " \t\r\n") || !ValidText(s) {
		return "Enter a full web address starting with https://"
	}
	return ""
}

// SplitLines splits text someone typed into its non-blank lines, each trimmed of surrounding
// space: one bullet or lead line per line.
func SplitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
