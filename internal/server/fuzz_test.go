package server

import (
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// FuzzLocalPath checks the rule for where sign-in may send a user afterwards: only to a path on
// this site, never to another host however the address is disguised.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/report/4.2?x=1", "//evil.example", "/\\evil.example", "https://evil.example/",
		"/%2f%2fevil.example", "/sign-in", "javascript:alert(1)", "/\x00", "/\t/evil.example", "///evil", "/a/../..//evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next)
		if got == "" {
			return
		}
		if got != next {
			t.Fatalf("localPath(%q) = %q, want the path unchanged or nothing", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(got, "/") ||
			strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") || !tracker.ValidText(got) {
			t.Errorf("localPath(%q) lets sign-in redirect there", next)
		}
	})
}

// FuzzFieldLabel checks the labels the "not saved" page gives to any field name.
func FuzzFieldLabel(f *testing.F) {
	for _, s := range []string{"evidence_url", "", "_", "é", "narrative"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !tracker.ValidText(name) {
			return // refused before any handler sees it (checkInput)
		}
		if l := fieldLabel(name); l == "" || !tracker.ValidText(l) {
			t.Errorf("fieldLabel(%q) = %q", name, l)
		}
	})
}
