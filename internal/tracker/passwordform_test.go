package tracker

import (
	"slices"
	"testing"
	"time"
)

func TestCheckSignIn(t *testing.T) {
	tests := []struct {
		email, password string
		want            []string
	}{
		{"a@example.org", "pw", nil},
		{"", "pw", []string{"email: Enter your email address"}},
		{"a@example.org", "", []string{"password: Enter your password"}},
		{"", "", []string{"email: Enter your email address", "password: Enter your password"}},
	}
	for _, tt := range tests {
		if got := messages(CheckSignIn(tt.email, tt.password)); !slices.Equal(got, tt.want) {
			t.Errorf("CheckSignIn(%q, %q) = %q, want %q", tt.email, tt.password, got, tt.want)
		}
	}
	if got, want := messages(SignInFailed()), []string{"email: Enter a correct email address and password"}; !slices.Equal(got, want) {
		t.Errorf("SignInFailed() = %q, want %q", got, want)
	}
}

func TestSignInThrottled(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want string
	}{
		{time.Second, "email: There have been too many attempts to sign in. Wait 1 minute, then try again"},
		{time.Minute, "email: There have been too many attempts to sign in. Wait 1 minute, then try again"},
		{time.Minute + time.Second, "email: There have been too many attempts to sign in. Wait 2 minutes, then try again"},
		{15 * time.Minute, "email: There have been too many attempts to sign in. Wait 15 minutes, then try again"},
	}
	for _, tt := range tests {
		if got := messages(SignInThrottled(tt.wait)); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("SignInThrottled(%v) = %q, want %q", tt.wait, got, tt.want)
		}
	}
}

func TestCurrentPassword(t *testing.T) {
	if got := CheckCurrentPassword("secret"); got != nil {
		t.Errorf("CheckCurrentPassword(secret) = %q, want nil", messages(got))
	}
	tests := []struct {
		name string
		got  []FieldError
		want string
	}{
		{"empty", CheckCurrentPassword(""), "current: Enter your current password"},
		{"throttled", CurrentPasswordRefused(true), "current: There have been too many wrong passwords. Wait a few minutes, then try again"},
		{"wrong", CurrentPasswordRefused(false), "current: Your current password is not correct"},
	}
	for _, tt := range tests {
		if got := messages(tt.got); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckNewPassword(t *testing.T) {
	tests := []struct {
		name                                string
		problem, password, confirm, current string
		change                              bool
		want                                []string
	}{
		{"good", "", "new one", "new one", "", false, nil},
		{"weak", "Password is too short", "x", "x", "", false, []string{"password: Password is too short"}},
		{"weak and mistyped", "Password is too short", "x", "y", "", false, []string{"password: Password is too short"}},
		{"mistyped", "", "new one", "new two", "", false, []string{"confirm: Enter the same password twice"}},
		{"change", "", "new one", "new one", "old one", true, nil},
		{"same as current", "", "old one", "old one", "old one", true, []string{"password: Choose a password different from your current one"}},
		{"change mistyped", "", "old one", "old", "old one", true, []string{"confirm: Enter the same password twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs []FieldError
			if tt.change {
				errs = CheckPasswordChange(tt.problem, tt.password, tt.confirm, tt.current)
			} else {
				errs = CheckNewPassword(tt.problem, tt.password, tt.confirm)
			}
			if got := messages(errs); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
