package password

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash = %q, want the PHC form with its parameters", h)
	}
	h2, _ := Hash("correct horse battery staple", Fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{"correct horse battery staple", true},
		{"correct horse battery staplE", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := Verify(tt.pw, h)
		if err != nil || got != tt.want {
			t.Errorf("Verify(%q) = %v, %v, want %v", tt.pw, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$!!"} {
		if ok, err := Verify("x", bad); ok || err != ErrMalformed {
			t.Errorf("Verify(x, %q) = %v, %v, want false, ErrMalformed", bad, ok, err)
		}
	}
	if NeedsRehash(h, Fast) || !NeedsRehash(h, Default) {
		t.Error("NeedsRehash does not compare the stored parameters")
	}
}

func TestDefaultParams(t *testing.T) {
	h, err := Hash("correct horse battery staple", Default)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q, want OWASP's parameters m=19456,t=2,p=1", h)
	}
	if ok, _ := Verify("correct horse battery staple", h); !ok {
		t.Error("Verify fails on a Default hash")
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		pw      string
		context []string
		want    string
	}{
		{"", nil, "Enter a password"},
		{"short", nil, "Password must be 12 characters or more"},
		{"elevenchars", nil, "Password must be 12 characters or more"},
		{strings.Repeat("ab", 129), nil, "Password must be 256 characters or fewer"},
		{"password1234", nil, "Password is too easy to guess: try three random words"},
		{"P@ssw0rd2024!", nil, "Password is too easy to guess: try three random words"},
		{"passwordpassword", nil, "Password is too easy to guess: try three random words"},
		{"123456789012", nil, "Password is too easy to guess: try three random words"},
		{"qwertyuiopasdf", nil, "Password is too easy to guess: try three random words"},
		{"aaaaaaaaaaaa", nil, "Password is too easy to guess: try three random words"},
		{"abababababab", nil, "Password is too easy to guess: try three random words"},
		{"winniethepooh", nil, "Password is too easy to guess: try three random words"},
		{"Sunshine!!2025", nil, "Password is too easy to guess: try three random words"},
		{"DeliveryTracker1", nil, "Password is too easy to guess: try three random words"},
		{"jane.mcdonald1", []string{"jane.mcdonald@example.scot"}, "Password is too easy to guess: try three random words"},
		{"correct horse battery staple", nil, ""},
		{"purple-kettle-harbour", nil, ""},
		{"ñandú café thé", nil, ""},
		{"twelve chars", nil, ""},
	}
	for _, tt := range tests {
		if got := Check(tt.pw, tt.context...); got != tt.want {
			t.Errorf("Check(%q) = %q, want %q", tt.pw, got, tt.want)
		}
	}
}
