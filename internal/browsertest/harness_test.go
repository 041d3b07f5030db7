package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
)

// fixtures are pages with known faults, to show that the checks find them.
var fixtures = map[string]string{
	"/accessible": `<a href="#main-content">Skip to main content</a>
		<main id="main-content"><h1>Fine</h1><p><a href="/accessible">A link</a></p></main>`,
	"/no-alt": `<main><h1>Faults</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"></main>`,
	"/wide":   `<main><h1>Wide</h1><div style="width: 600px">Too wide for a phone</div></main>`,
	"/hidden-focus": `<style>a:focus { outline: none; }</style>
		<main><h1>Hidden focus</h1><p><a href="/hidden-focus">A link whose focus cannot be seen</a></p></main>`,
	"/run-together": `<main><h1>Names</h1><button type="button">Publish<span class="visually-hidden">the update</span></button>
		<a href="/run-together">Change<span class="visually-hidden"> commitment 4.1</span></a></main>`,
	"/invalid": `<main><h1>Invalid</h1><label aria-controls="x" for="y">Menu</label><input id="y" type="checkbox">
		<div id="x"></div><p>An <span>unclosed paragraph</div></main>`,
	"/download": `<main><h1>Download</h1><p><a href="/file.csv">The data (CSV)</a></p></main>`,
	"/script":   `<main><h1 id="h">Before</h1><script>document.getElementById('h').textContent = 'After';</script></main>`,
}

func fixtureServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/file.csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="commitments.csv"`)
			_, _ = w.Write([]byte("ref,status\n4.2,delivered\n"))
			return
		}
		body, ok := fixtures[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
			`<meta name="viewport" content="width=device-width, initial-scale=1"><title>Fixture</title>` +
			`<link rel="icon" href="data:,"></head><body>` + body + `</body></html>`))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestChecksFindFaults shows that each check fails on a page with the fault
// it looks for, and passes on a page without.
func TestChecksFindFaults(t *testing.T) {
	t.Parallel()
	ts := fixtureServer(t)
	tab := browsertest.NewTab(t, ts.URL)

	tab.Open("/accessible")
	if vs := tab.Violations(); len(vs) != 0 {
		t.Errorf("violations on an accessible page: %v", vs)
	}
	if out := tab.Overflow(); len(out) != 0 {
		t.Errorf("overflow on a narrow page: %q", out)
	}

	tab.Open("/no-alt")
	vs := tab.Violations()
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	if !slices.Contains(ids, "image-alt") {
		t.Errorf("axe-core found %q on an image without alt text, want image-alt", ids)
	}
	if len(vs) > 0 && !strings.Contains(vs[0].String(), "img") {
		t.Errorf("a violation's description does not name the element: %s", vs[0])
	}

	tab.Open("/wide")
	if out := tab.Overflow(); len(out) != 0 {
		t.Errorf("at 1280 pixels the wide page overflows: %q", out)
	}
	out := overflowAt320(t, tab)
	if len(out) < 2 || !strings.Contains(out[1], "div") {
		t.Errorf("at 320 pixels, overflow = %q, want the page's width and the div that sticks out", out)
	}

	tab.Open("/accessible")
	tab.Press(browsertest.KeyTab)
	if f := tab.Focused(); f.Href != "#main-content" || !f.Visible() {
		t.Errorf("first Tab focused %s (visible %t, indicator %q), want the skip link, visibly", f, f.Visible(), f.Indicator)
	}

	tab.Open("/hidden-focus")
	tab.Press(browsertest.KeyTab)
	if f := tab.Focused(); f.Tag != "a" || f.Visible() {
		t.Errorf("focus on a link styled outline: none = %s, visible %t (indicator %q), want an invisible focus", f, f.Visible(), f.Indicator)
	}
}

// TestRunTogetherNames shows that CheckAccessible finds a button whose
// visible and hidden words run together.
func TestRunTogetherNames(t *testing.T) {
	t.Parallel()
	ts := fixtureServer(t)
	tab := browsertest.NewTab(t, ts.URL)
	tab.Open("/run-together")
	ft := &fakeT{TB: t}
	browsertest.WithTB(tab, ft).CheckAccessible("fixture")
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], `"Publishthe update" (button)`) || strings.Contains(ft.errors[0], "Change") {
		t.Errorf("CheckAccessible reported %q, want only the button Publishthe update", ft.errors)
	}
}

// TestDownload downloads a file by clicking its link.
func TestDownload(t *testing.T) {
	t.Parallel()
	ts := fixtureServer(t)
	for _, tt := range []struct {
		name string
		opts []browsertest.TabOption
	}{{"with JavaScript", nil}, {"without JavaScript", []browsertest.TabOption{browsertest.NoScript()}}} {
		t.Run(tt.name, func(t *testing.T) {
			tab := browsertest.NewTab(t, ts.URL, tt.opts...)
			tab.Open("/download")
			d := tab.Download("The data (CSV)")
			if d.URL != "/file.csv" || d.Filename != "commitments.csv" || string(d.Data) != "ref,status\n4.2,delivered\n" {
				t.Errorf("download = %+v (%q)", d, d.Data)
			}
		})
	}
}

// fakeT records a check's failures instead of failing the test.
type fakeT struct {
	testing.TB
	errors []string
}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) Helper() {}

// overflowAt320 measures the page's overflow at 320 pixels wide.
func overflowAt320(t *testing.T, tab *browsertest.Tab) []string {
	t.Helper()
	narrow := browsertest.NewTab(t, tab.Base(), browsertest.Viewport(browsertest.NarrowWidth, 640))
	narrow.Open(tab.Path())
	return narrow.Overflow()
}

// TestNoScript shows that a NoScript tab runs none of the page's scripts,
// while the checks' own scripts still work.
func TestNoScript(t *testing.T) {
	t.Parallel()
	ts := fixtureServer(t)
	for _, tt := range []struct {
		name string
		opts []browsertest.TabOption
		want string
	}{
		{"with JavaScript", nil, "After"},
		{"without JavaScript", []browsertest.TabOption{browsertest.NoScript()}, "Before"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tab := browsertest.NewTab(t, ts.URL, tt.opts...)
			tab.Open("/script")
			if got := tab.Heading(); got != tt.want {
				t.Errorf("h1 = %q, want %q", got, tt.want)
			}
			tab.Open("/script") // the setting lasts from page to page
			if got := tab.Heading(); got != tt.want {
				t.Errorf("on the second page, h1 = %q, want %q", got, tt.want)
			}
			if vs := tab.Violations(); len(vs) != 0 {
				t.Errorf("violations: %v", vs)
			}
			if got := tab.Heading(); got != tt.want {
				t.Errorf("after axe-core ran, h1 = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNuChecksServedHTML shows that a tab gives the page as the server sent
// it, not as its scripts left it, and that the Nu Html Checker finds the
// errors in a page and none in a valid one.
func TestNuChecksServedHTML(t *testing.T) {
	t.Parallel()
	browsertest.RequireNu(t)
	ts := fixtureServer(t)
	tab := browsertest.NewTab(t, ts.URL)
	dir := t.TempDir()
	for _, page := range []string{"/script", "/invalid"} {
		tab.Open(page)
		body := tab.ServedHTML()
		if page == "/script" && !strings.Contains(string(body), `<h1 id="h">Before</h1>`) {
			t.Errorf("the served page has been changed by its script: %s", body)
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimPrefix(page, "/")+".html"), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := browsertest.CheckHTMLFiles(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, m := range msgs {
		if m.File != "invalid.html" {
			t.Errorf("an error in the valid page %s: %s", m.File, m)
		}
		found = append(found, m.Message)
	}
	if len(found) == 0 || !strings.Contains(strings.Join(found, "\n"), "“aria-controls” attribute must not be used on any “label” element") {
		t.Errorf("the checker found %q in the invalid page, want the label's aria-controls among them", found)
	}
	if len(msgs) > 0 && (msgs[0].Line < 1 || msgs[0].Column < 1) {
		t.Errorf("the first error is at line %d, column %d, want a place in the page", msgs[0].Line, msgs[0].Column)
	}
}
