package tracker

import (
	"strings"
	"testing"
	"time"
)

func TestEmailProblem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "Enter an email address"},
		{"  ", "Enter an email address"},
		{"jane@example.scot", ""},
		{" Jane.Doe@NES.Scot.NHS.UK ", ""},
		{"jane", "Enter an email address in the correct format, like name@example.com"},
		{"jane@localhost", "Enter an email address in the correct format, like name@example.com"},
		{"Jane <jane@example.scot>", "Enter an email address in the correct format, like name@example.com"},
		{"jane@example.scot, bob@example.scot", "Enter an email address in the correct format, like name@example.com"},
		{strings.Repeat("a", 250) + "@example.scot", "Email address must be 254 characters or fewer"},
	}
	for _, tt := range tests {
		if got := EmailProblem(tt.in); got != tt.want {
			t.Errorf("EmailProblem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NormaliseEmail(" Jane.Doe@NES.Scot "); got != "Jane.Doe@nes.scot" {
		t.Errorf("NormaliseEmail = %q", got)
	}
}

func TestNameProblem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "Enter a full name"},
		{"Jane Doe", ""},
		{"Seán Ó Briain", ""},
		{"Jane\nDoe", "Full name must not include control characters"},
		{strings.Repeat("é", 201), "Full name must be 200 characters or fewer"},
	}
	for _, tt := range tests {
		if got := NameProblem(tt.in); got != tt.want {
			t.Errorf("NameProblem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenTTL(t *testing.T) {
	tests := []struct {
		p    TokenPurpose
		want time.Duration
	}{
		{TokenFirstAdmin, 24 * time.Hour},
		{TokenInvite, 7 * 24 * time.Hour},
		{TokenReset, time.Hour},
		{"other", 0},
	}
	for _, tt := range tests {
		if got := tt.p.TTL(); got != tt.want {
			t.Errorf("%s TTL = %v, want %v", tt.p, got, tt.want)
		}
	}
}
