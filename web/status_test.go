package web

import (
	"slices"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// The tags must agree with the domain's statuses and their labels.
func TestStatusesMatchTracker(t *testing.T) {
	var want []string
	for _, s := range tracker.Statuses {
		want = append(want, string(s))
	}
	if got := Statuses(); !slices.Equal(got, want) {
		t.Errorf("Statuses() = %v, tracker has %v", got, want)
	}
	for _, s := range append([]tracker.Status{tracker.NoUpdate}, tracker.Statuses...) {
		if got := StatusLabel(string(s)); got != s.Label() {
			t.Errorf("StatusLabel(%q) = %q, tracker says %q", s, got, s.Label())
		}
		if _, ok := statusStyles[string(s)]; !ok {
			t.Errorf("no tag colour for %q", s)
		}
	}
}
