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
		{"jane.mcdonald1", []string{"jane.mcdonald@example.scot"}, FromEmail},
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

// TestPersonal checks that a password made from the user's email address or name is refused with
// the reason, and that one merely sharing some letters with them is not.
func TestPersonal(t *testing.T) {
	const email, name = "Jane.McDonald@example.scot", "Jane McDonald"
	short := "jo@nhs.scot"
	tests := []struct {
		pw, context, want string
	}{
		{"jane.mcdonald@example.scot", email, FromEmail},
		{"JANE.MCDONALD@EXAMPLE.SCOT", email, FromEmail},
		{"Jane.McDonald@example.scot1", email, FromEmail},
		{"jane.mcdonald", email, FromEmail},
		{"Jane.McDonald2024", email, FromEmail},
		{"2024jane.mcdonald", email, FromEmail},
		{"!!Jane.McDonald!!", email, FromEmail},
		{"janemcdonald1234", email, FromEmail},
		{"dlanodcm.enaj", email, FromEmail},              // reversed
		{"dlanodcm.enaj99", email, FromEmail},            // reversed, digits added
		{"j4ne.mcd0nald12", email, FromEmail},            // look-alike digits
		{"jane.mcdonaldjane.mcdonald", email, FromEmail}, // repeated
		{"example.scot2024", email, FromEmail},           // the domain
		{"examplescot!!!!", email, FromEmail},
		{"example123456789", email, FromEmail}, // the domain's first label
		{"jo1234567890", short, FromEmail},     // a short local part
		{"0987654321jo", short, FromEmail},
		{"jo@nhs.scot2026", short, FromEmail},
		{"nhs.scot-2026", short, FromEmail},
		{"Jane McDonald 99", name, FromName},
		{"janemcdonald!!!", name, FromName},
		{"McDonald19741974", name, FromName},
		// Sharing letters is not being made from them.
		{"jane likes purple kettles", email, ""},
		{"example of a good passphrase", email, ""},
		{"jolly nice harbour", short, ""},
		{"mcdonald farm tractor", name, ""},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			if got := Check(tt.pw, tt.context); got != tt.want {
				t.Errorf("Check(%q, %q) = %q, want %q", tt.pw, tt.context, got, tt.want)
			}
		})
	}
}
