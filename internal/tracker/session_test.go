package tracker

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "less than a minute"},
		{20 * time.Second, "less than a minute"},
		{time.Minute, "1 minute"},
		{30 * time.Minute, "30 minutes"},
		{29*time.Minute + 40*time.Second, "30 minutes"},
		{time.Hour, "1 hour"},
		{90 * time.Minute, "1 hour 30 minutes"},
		{12 * time.Hour, "12 hours"},
		{KeptFormTTL, "2 hours"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestSessionEndedMessage(t *testing.T) {
	idle, lifetime := 30*time.Minute, 12*time.Hour
	tests := []struct {
		end  SessionEnd
		kept bool
		want []string // words the message must have
		not  []string // and must not
	}{
		{SessionIdle, false, []string{"session expired", "30 minutes", "Sign in again"}, []string{"kept"}},
		{SessionIdle, true, []string{"session expired", "30 minutes", "has not been saved yet", "kept", "within 2 hours"}, nil},
		{SessionLifetime, false, []string{"session expired", "more than 12 hours ago"}, []string{"kept"}},
		{SessionLifetime, true, []string{"more than 12 hours ago", "kept"}, nil},
		{SessionsEnded, true, []string{"signed out everywhere", "password was changed", "kept"}, nil},
		{SessionDisabled, false, []string{"account has been disabled", "contact an administrator"}, []string{"kept"}},
		{SessionDisabled, true, []string{"account has been disabled", "kept for 2 hours", "If your account is enabled again", "contact an administrator"}, nil},
	}
	for _, tt := range tests {
		got := SessionEndedMessage(tt.end, idle, lifetime, tt.kept)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s, kept %v: %q lacks %q", tt.end, tt.kept, got, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%s, kept %v: %q says %q", tt.end, tt.kept, got, w)
			}
		}
	}
	if got := SessionEndedMessage(SessionNoUser, idle, lifetime, false); got != "" {
		t.Errorf("an account that no longer exists is told %q", got)
	}
}

func TestCanKeepForm(t *testing.T) {
	for _, end := range []SessionEnd{SessionIdle, SessionLifetime, SessionsEnded, SessionDisabled} {
		if !CanKeepForm(end) {
			t.Errorf("a form sent after %q is not kept", end)
		}
	}
	for _, end := range []SessionEnd{SessionNoUser, ""} {
		if CanKeepForm(end) {
			t.Errorf("a form sent after %q is kept, for an account not known", end)
		}
	}
}

func TestKeepableFields(t *testing.T) {
	form := map[string][]string{
		"narrative": {"Going well."}, "status": {"on_track"}, "version": {"3"}, "lead-1-org": {"4", "7"},
		"password": {"secret one"}, "new_password": {"secret two"}, "Password2": {"secret three"},
		"current": {"secret four"}, "confirm": {"secret five"}, "empty": {},
	}
	got := KeepableFields(form)
	want := []string{"lead-1-org", "narrative", "status", "version"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) {
		t.Errorf("kept fields %q, want %q", keys, want)
	}
	if !slices.Equal(got["lead-1-org"], []string{"4", "7"}) {
		t.Errorf("lead-1-org kept as %q", got["lead-1-org"])
	}
	got["narrative"][0] = "changed"
	if form["narrative"][0] != "Going well." {
		t.Error("KeepableFields shares its values with the form")
	}
	if KeepableFields(map[string][]string{"password": {"x"}, "confirm": {"x"}}) != nil {
		t.Error("a form of passwords alone is kept")
	}
}

func TestFormPutBack(t *testing.T) {
	if got := FormPutBack("Submit for review"); got != "What you typed has been put back. It has not been saved yet: check it and press Submit for review again." {
		t.Errorf("FormPutBack = %q", got)
	}
	if got := FormPutBack(""); !strings.Contains(got, "press the button again") {
		t.Errorf("FormPutBack without a button = %q", got)
	}
	if !strings.Contains(KeptFormGone(), Duration(KeptFormTTL)) {
		t.Errorf("KeptFormGone = %q, does not say how long forms are kept", KeptFormGone())
	}
}
