package web

import (
	"html"
	"strings"
)

// Status values of a commitment, as stored by the domain package
// (internal/tracker). Package web only knows how to present them.
const (
	StatusNoUpdate       = ""
	StatusNotStarted     = "not_started"
	StatusOnTrack        = "on_track"
	StatusAtRisk         = "at_risk"
	StatusDelayed        = "delayed"
	StatusDelivered      = "delivered"
	StatusWithdrawn      = "withdrawn"
	StatusCarriedForward = "carried_forward"
)

type statusStyle struct {
	label  string
	colour string // design system tag colour modifier
}

// Each status has its own tag colour. Red is kept for the overdue tag. The
// label is always shown, so colour is never the only cue.
var statusStyles = map[string]statusStyle{
	StatusNoUpdate:       {"No update yet", "grey"},
	StatusNotStarted:     {"Not started", "darkblue"},
	StatusOnTrack:        {"On track", "green"},
	StatusAtRisk:         {"At risk", "yellow"},
	StatusDelayed:        {"Delayed", "orange"},
	StatusDelivered:      {"Delivered", "teal"},
	StatusWithdrawn:      {"Withdrawn", "pink"},
	StatusCarriedForward: {"Carried forward", "purple"},
}

// Statuses lists the statuses an update can set, in the order to offer them.
// It leaves out StatusNoUpdate, which only describes a commitment that has
// never been updated.
func Statuses() []string {
	return []string{
		StatusNotStarted,
		StatusOnTrack,
		StatusAtRisk,
		StatusDelayed,
		StatusDelivered,
		StatusWithdrawn,
		StatusCarriedForward,
	}
}

// StatusLabel is the text shown for a status. An unknown value is shown as
// itself, with underscores turned into spaces and a capital first letter.
func StatusLabel(status string) string {
	if s, ok := statusStyles[status]; ok {
		return s.label
	}
	label := strings.ReplaceAll(status, "_", " ")
	if label != "" {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	return label
}

// statusTagClass is the class attribute of a status tag.
func statusTagClass(status string) string {
	if s, ok := statusStyles[status]; ok {
		return tagClass(s.colour)
	}
	return "ds_tag"
}

// tagClass is the class attribute of a design system tag of the colour.
func tagClass(colour string) string { return "ds_tag ds_tag--" + colour }

// colourOf returns the tag colour colours gives k, or otherwise when it gives none.
func colourOf[K comparable](colours map[K]string, k K, otherwise string) string {
	if c, ok := colours[k]; ok {
		return c
	}
	return otherwise
}

// statusTagMarkup is the markup of each known status's tag, made once: a list or history shows a tag
// on every row.
var statusTagMarkup = func() map[string]string {
	m := make(map[string]string, len(statusStyles))
	for s := range statusStyles {
		m[s] = makeStatusTag(s)
	}
	return m
}()

// statusTagHTML is the markup of a status tag: a strong element with the tag's class and the
// status's label, both escaped.
func statusTagHTML(status string) string {
	if t, ok := statusTagMarkup[status]; ok {
		return t
	}
	return makeStatusTag(status)
}

func makeStatusTag(status string) string {
	return `<strong class="` + html.EscapeString(statusTagClass(status)) + `">` +
		html.EscapeString(StatusLabel(status)) + `</strong>`
}
