package tracker_test

import (
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestParseSubscribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, email, freq string
		wantFields        []string
		wantEmail         string
	}{
		{"at once", " Reader@Example.ORG ", "immediate", nil, "Reader@example.org"},
		{"daily", "a@example.org", "daily", nil, "a@example.org"},
		{"no address", "", "daily", []string{"email"}, ""},
		{"not an address", "reader", "daily", []string{"email"}, ""},
		{"no frequency", "a@example.org", "", []string{"frequency"}, ""},
		{"unknown frequency", "a@example.org", "hourly", []string{"frequency"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, errs := tracker.ParseSubscribe(tt.email, tt.freq)
			if len(errs) != len(tt.wantFields) {
				t.Fatalf("errors = %v, want on %v", errs, tt.wantFields)
			}
			for i, e := range errs {
				if e.Field != tt.wantFields[i] || e.Message == "" {
					t.Errorf("error %d = %+v, want one on %s", i, e, tt.wantFields[i])
				}
			}
			if len(errs) == 0 && (f.Email != tt.wantEmail || string(f.Frequency) != tt.freq) {
				t.Errorf("got %+v, want %s %s", f, tt.wantEmail, tt.freq)
			}
		})
	}
}

func TestParseEmailPreferences(t *testing.T) {
	t.Parallel()
	form := map[string]string{"pref_update_submitted": "daily", "pref_return_reply": "immediate", "pref_update_returned": "daily"}
	got, errs := tracker.ParseEmailPreferences(tracker.RoleStaff, func(k string) string { return form[k] })
	if len(errs) != 0 || len(got) != 2 || got[tracker.EmailKindSubmitted] != tracker.FrequencyDaily || got[tracker.EmailKindReply] != tracker.FrequencyImmediate {
		t.Errorf("staff: %v, %v; want their two kinds only", got, errs)
	}
	got, errs = tracker.ParseEmailPreferences(tracker.RolePartner, func(k string) string { return form[k] })
	if len(errs) != 0 || len(got) != 1 || got[tracker.EmailKindReturned] != tracker.FrequencyDaily {
		t.Errorf("partner: %v, %v", got, errs)
	}
	_, errs = tracker.ParseEmailPreferences(tracker.RolePartner, func(k string) string { return "weekly" })
	if len(errs) != 3 || errs[0].Field != "pref_update_returned" || errs[1].Field != "pref_reply_answer" || errs[2].Field != "pref_update_published" {
		t.Errorf("unknown frequencies: %v", errs)
	}
}

func TestEmailAbout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    tracker.Email
		want string
	}{
		{tracker.Email{Kind: tracker.EmailKindReminder, Reminder: "before-7"}, "Reminder 7 days before the deadline"},
		{tracker.Email{Kind: tracker.EmailKindReminder, Reminder: "after-1"}, "Reminder 1 day after the deadline"},
		{tracker.Email{Kind: tracker.EmailKindReminder, Reminder: "before-0"}, "Reminder on the deadline"},
		{tracker.Email{Kind: tracker.EmailKindReminder, Reminder: "sideways-3"}, "Reporting round reminder"},
		{tracker.Email{Kind: tracker.EmailKindSubmitted}, "An update is submitted for review"},
		{tracker.Email{Kind: tracker.EmailKindReset}, "Password reset link"},
		{tracker.Email{Kind: tracker.EmailKindAlertConfirm}, "Confirm an email alert"},
		{tracker.Email{Kind: tracker.EmailKindAlertDigest}, "Daily summary of email alerts"},
	}
	for _, tt := range tests {
		if got := tt.e.About(); got != tt.want {
			t.Errorf("%s %s: About() = %q, want %q", tt.e.Kind, tt.e.Reminder, got, tt.want)
		}
	}
}

func TestRedactLinks(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Use https://x.example/set-password?token=abc_DEF-123 now", "Use https://x.example/set-password?token=(hidden) now"},
		{"Stop: https://x.example/alerts/unsubscribe?t=Zz9-_\nManage: https://x.example/alerts/manage?t=q%2B1",
			"Stop: https://x.example/alerts/unsubscribe?t=(hidden)\nManage: https://x.example/alerts/manage?t=(hidden)"},
		{"See https://x.example/commitments/4.2?at=1", "See https://x.example/commitments/4.2?at=1"},
	}
	for _, tt := range tests {
		if got := tracker.RedactLinks(tt.in); got != tt.want {
			t.Errorf("RedactLinks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
