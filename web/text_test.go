package web

import (
	"context"
	"html"
	"strings"
	"testing"
)

// FuzzTextEscapesAsTempl checks that Text writes any string exactly as templ's { } writes it
// (html.EscapeString), both into templ's own buffer and into a plain writer.
func FuzzTextEscapesAsTempl(f *testing.F) {
	for _, s := range []string{"", "plain", `Tom & Jerry's <b>"quoted"</b>`, "&&", "<", "é & ü", "a\x00<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		if err := Text(s).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if got, want := b.String(), html.EscapeString(s); got != want {
			t.Fatalf("Text(%q) wrote %q, want %q", s, got, want)
		}
		var plain strings.Builder
		if err := Text(s).Render(context.Background(), writerOnly{&plain}); err != nil {
			t.Fatal(err)
		}
		if plain.String() != b.String() {
			t.Fatalf("Text(%q) wrote %q to a plain writer, %q to a string writer", s, plain.String(), b.String())
		}
	})
}

// writerOnly hides every method of a writer but Write.
type writerOnly struct {
	w interface{ Write([]byte) (int, error) }
}

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

func TestSelectWritesItsOptions(t *testing.T) {
	p := SelectProps{Field: Field{ID: "org", Name: "org", Label: "Lead organisation", Value: `B&"C"`},
		Options: []Option{{Value: "", Text: "Any organisation"}, {Value: "A", Text: "Alpha <1>"},
			{Value: `B&"C"`, Text: "Bravo & Charlie's"}}}
	var b strings.Builder
	if err := Select(p).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	want := `<select class="ds_select" id="org" name="org"><option value="">Any organisation</option>` +
		`<option value="A">Alpha &lt;1&gt;</option>` +
		`<option value="B&amp;&#34;C&#34;" selected>Bravo &amp; Charlie&#39;s</option></select>`
	if !strings.Contains(b.String(), want) {
		t.Errorf("Select wrote\n%s\nwant it to hold\n%s", b.String(), want)
	}
}
