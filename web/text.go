package web

import (
	"context"
	"io"
)

// Text is text written into a page HTML-escaped, exactly as { s } writes it, but straight into
// the page. templ's { } first makes a copy of each value with fmt.Sprint: for the hundreds of
// values of a page of results and its drop-down lists, those copies and the garbage collection
// they caused were a sixth of the time the page took to render. Use @Text(s) for the text of
// long, repeated lists; { s } everywhere else.
type Text string

// Render writes the text, escaped.
func (t Text) Render(_ context.Context, w io.Writer) error {
	return writeEscaped(w, string(t))
}

// htmlSpecial marks the bytes html.EscapeString (and so templ) escapes, with what it writes
// for them.
var htmlSpecial = [256]string{'&': "&amp;", '\'': "&#39;", '<': "&lt;", '>': "&gt;", '"': "&#34;"}

// writeEscaped writes s to w with the characters html.EscapeString escapes replaced as it
// replaces them, without building the escaped string first.
func writeEscaped(w io.Writer, s string) error {
	sw, ok := w.(io.StringWriter)
	if !ok {
		sw = stringWriter{w}
	}
	last := 0
	for i := 0; i < len(s); i++ {
		entity := htmlSpecial[s[i]]
		if entity == "" {
			continue
		}
		if _, err := sw.WriteString(s[last:i]); err != nil {
			return err
		}
		if _, err := sw.WriteString(entity); err != nil {
			return err
		}
		last = i + 1
	}
	_, err := sw.WriteString(s[last:])
	return err
}

// stringWriter writes strings to a writer that has no WriteString of its own.
type stringWriter struct{ w io.Writer }

func (s stringWriter) WriteString(str string) (int, error) { return io.WriteString(s.w, str) }

// selectOptions are the options of a drop-down list, the one whose value is selected marked so,
// written as the markup templ would write for them, straight into the page (see Text): the lists
// of lead organisations, in the finder and on each lead line of a commitment's form, have
// hundreds.
type selectOptions struct {
	options  []Option
	selected string
}

// Render writes the options.
func (o selectOptions) Render(_ context.Context, w io.Writer) error {
	for _, op := range o.options {
		if _, err := io.WriteString(w, `<option value="`); err != nil {
			return err
		}
		if err := writeEscaped(w, op.Value); err != nil {
			return err
		}
		end := `">`
		if op.Value == o.selected {
			end = `" selected>`
		}
		if _, err := io.WriteString(w, end); err != nil {
			return err
		}
		if err := writeEscaped(w, op.Text); err != nil {
			return err
		}
		if _, err := io.WriteString(w, `</option>`); err != nil {
			return err
		}
	}
	return nil
}
