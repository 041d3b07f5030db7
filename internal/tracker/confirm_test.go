package tracker

import (
	"strings"
	"testing"
)

func TestParseActionReason(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		required bool
		want     string
		problems []string
	}{
		{"given", "  Left the organisation.\r\nMoved to NHS 24.  ", true, "Left the organisation.\nMoved to NHS 24.", nil},
		{"missing", "  \r\n ", true, "", []string{"reason: Enter the reason: it is kept in the audit log"}},
		{"optional and missing", "", false, "", nil},
		{"at the limit", strings.Repeat("é", MaxActionReason), true, strings.Repeat("é", MaxActionReason), nil},
		{"line breaks count once", strings.Repeat("a\r\n", MaxActionReason/2-1) + "ab", true, strings.Repeat("a\n", MaxActionReason/2-1) + "ab", nil},
		{"over the limit", strings.Repeat("a", MaxActionReason+1), false, "", []string{"reason: Reason must be 1000 characters or fewer"}},
		{"not text", "bad\x00", true, "", []string{"reason: Reason contains characters that cannot be saved: remove any invisible control characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseActionReason(tt.in, tt.required)
			checkProblems(t, errs, tt.problems)
			if got != tt.want {
				t.Errorf("reason = %q, want %q", got, tt.want)
			}
		})
	}
}
