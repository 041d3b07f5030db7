package browsertest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Timeout bounds each step of a tab: a page load, a wait for an element, a
// check. A step that takes longer fails the test with what it was waiting
// for, rather than hanging until go test's own timeout.
var Timeout = 30 * time.Second

func (tab *Tab) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tab.ctx, Timeout)
}

// do runs the steps, failing the test with what it was doing if one fails.
func (tab *Tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := tab.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tab.t.Fatalf("browsertest: %s, on %s: %s", what, tab.where(), tab.errorText(err))
	}
}

// run runs one action that returns a value, failing the test if it fails.
func run[T any](tab *Tab, what string, a chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := tab.timeout()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.t.Fatalf("browsertest: %s, on %s: %s", what, tab.where(), tab.errorText(err))
	}
	return v
}

// where is the address of the tab's page, for messages.
func (tab *Tab) where() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || url == "" {
		return "(unknown page)"
	}
	return strings.TrimPrefix(url, tab.base)
}

// load runs the steps, which must start a page load, and waits for the page
// to load. It returns the HTTP status of the page's document.
func (tab *Tab) load(what string, steps ...chromedp.Action[chromedp.Void]) int {
	tab.t.Helper()
	ctx, cancel := tab.timeout()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tab.t.Fatalf("browsertest: %s, on %s: %s", what, tab.where(), tab.errorText(err))
	}
	if resp == nil {
		return 0
	}
	if resp.Status >= 400 {
		tab.console.errorPage(resp.URL)
	}
	return int(resp.Status)
}

// Open loads the page at path on the portal, as a person typing its address
// would, and fails the test unless it loads with status 200. Journeys open
// their first page this way and then click.
func (tab *Tab) Open(path string) {
	tab.t.Helper()
	if got := tab.OpenStatus(path); got != 200 {
		tab.t.Fatalf("browsertest: open %s: status %d, want 200", path, got)
	}
}

// OpenStatus loads the page at path and returns its HTTP status.
func (tab *Tab) OpenStatus(path string) int {
	tab.t.Helper()
	return tab.load("open "+path, chromedp.Navigate(tab.base+path))
}

// Path returns the path and query of the tab's page.
func (tab *Tab) Path() string {
	tab.t.Helper()
	url := run(tab, "read the address", chromedp.Location())
	return strings.TrimPrefix(url, tab.base)
}

// Title returns the document's title.
func (tab *Tab) Title() string {
	tab.t.Helper()
	return run(tab, "read the title", chromedp.Title())
}

// Text returns the visible text of the first element matching the CSS
// selector, with white space collapsed. It waits for the element to be
// present.
func (tab *Tab) Text(css string) string {
	tab.t.Helper()
	s := run(tab, "read the text of "+css, chromedp.Text(chromedp.CSS(css), chromedp.NodeReady))
	return strings.Join(strings.Fields(s), " ")
}

// Texts returns the visible text of every element matching the CSS
// selector, each with white space collapsed, without waiting.
func (tab *Tab) Texts(css string) []string {
	tab.t.Helper()
	return run(tab, "read the texts of "+css, chromedp.Evaluate[[]string](fmt.Sprintf(
		`[...document.querySelectorAll(%s)].map((e) => e.innerText.trim().replace(/\s+/g, ' '))`, jsString(css))))
}

// Heading returns the text of the page's h1.
func (tab *Tab) Heading() string {
	tab.t.Helper()
	return tab.Text("h1")
}

// Count returns how many elements match the CSS selector now, without
// waiting.
func (tab *Tab) Count(css string) int {
	tab.t.Helper()
	return run(tab, "count "+css, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%s).length", jsString(css))))
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (tab *Tab) WaitVisible(css string) {
	tab.t.Helper()
	tab.do("wait for "+css+" to be visible", chromedp.WaitVisible(chromedp.CSS(css)))
}

// WaitGone waits until no element matches the CSS selector.
func (tab *Tab) WaitGone(css string) {
	tab.t.Helper()
	tab.do("wait for "+css+" to go", chromedp.WaitNotPresent(chromedp.CSS(css)))
}

// linkXPath finds a link by its text, as a person reads it.
func linkXPath(text string) string {
	return "//a[normalize-space(.)=" + xpathString(text) + "]"
}

// buttonXPath finds a button by its text or value.
func buttonXPath(text string) string {
	t := xpathString(text)
	return "//button[normalize-space(.)=" + t + "] | //input[(@type='submit' or @type='button') and @value=" + t + "]"
}

// clickPoint finds the first visible element that the XPath expression
// matches, scrolls it into view, and returns the middle of its first box (the
// first line of a link that wraps), where a person would click. It fails if
// something else covers that point.
const clickPoint = `((xpath) => {
	const found = document.evaluate(xpath, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
	const all = [];
	for (let i = 0; i < found.snapshotLength; i++) all.push(found.snapshotItem(i));
	const el = all.find((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility === 'visible');
	if (!el) return { error: all.length ? 'none of the ' + all.length + ' matching elements is visible' : 'no such element' };
	el.scrollIntoView({ block: 'center', inline: 'nearest' });
	const box = el.getClientRects()[0];
	const x = box.left + box.width / 2, y = box.top + box.height / 2;
	const hit = document.elementFromPoint(x, y);
	if (!hit || !(el === hit || el.contains(hit) || (el.labels && [...el.labels].some((l) => l.contains(hit))))) {
		return { error: 'it is covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing') };
	}
	return { x, y };
})(%s)`

type point struct {
	X, Y  float64
	Error string
}

// click clicks the visible element that xpath finds, as a person would with
// the mouse. The element must be in the page already: pages are rendered on
// the server, so it is there once the page has loaded.
func (tab *Tab) click(what, xpath string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p, err := chromedp.Evaluate[point](fmt.Sprintf(clickPoint, jsString(xpath)))(ctx, t)
		if err != nil {
			return err
		}
		if p.Error != "" {
			return fmt.Errorf("cannot click %s: %s", what, p.Error)
		}
		_, err = chromedp.MouseClickXY(p.X, p.Y)(ctx, t)
		return err
	})
}

// ClickLink clicks the visible link whose text is text, as a person would,
// waits for the page it leads to, and fails the test unless that page loads
// with status 200.
func (tab *Tab) ClickLink(text string) {
	tab.t.Helper()
	if got := tab.ClickLinkStatus(text); got != 200 {
		tab.t.Fatalf("browsertest: follow the link %q: status %d, want 200", text, got)
	}
}

// ClickLinkStatus clicks the link whose text is text, waits for the page
// and returns its HTTP status.
func (tab *Tab) ClickLinkStatus(text string) int {
	tab.t.Helper()
	what := fmt.Sprintf("the link %q", text)
	return tab.load("follow "+what, tab.click(what, linkXPath(text)))
}

// ClickButton clicks the button whose text is text, which must submit a form
// or otherwise load a page, waits for the page, and returns its HTTP status
// (after any redirect): 200 after a redirect on success, 422 when the form
// comes back with errors.
func (tab *Tab) ClickButton(text string) int {
	tab.t.Helper()
	what := fmt.Sprintf("the button %q", text)
	return tab.load("press "+what, tab.click(what, buttonXPath(text)))
}

// PressButton clicks the button whose text is text, as a person would, when
// it does not load a page: one that a script on the page answers.
func (tab *Tab) PressButton(text string) {
	tab.t.Helper()
	what := fmt.Sprintf("the button %q", text)
	tab.do("press "+what, tab.click(what, buttonXPath(text)))
}

// fieldID returns the id of the form control labelled label.
func (tab *Tab) fieldID(label string) string {
	tab.t.Helper()
	xp := "//label[normalize-space(.)=" + xpathString(label) + "]"
	attrs := run(tab, fmt.Sprintf("find the field labelled %q", label), chromedp.Attributes(chromedp.Search(xp), chromedp.NodeReady))
	id := attrs["for"]
	if id == "" {
		tab.t.Fatalf("browsertest: the label %q on %s has no for attribute", label, tab.where())
	}
	return id
}

// Fill replaces the value of the text field or text area labelled label
// with value, typing it in as a person would.
func (tab *Tab) Fill(label, value string) {
	tab.t.Helper()
	tab.fill(fmt.Sprintf("%q", label), tab.fieldID(label), value)
}

// FillDate types a date into the design system's date input whose legend is
// legend: its Day, Month and Year fields, as a person would.
func (tab *Tab) FillDate(legend, day, month, year string) {
	tab.t.Helper()
	for _, part := range []struct{ label, value string }{{"Day", day}, {"Month", month}, {"Year", year}} {
		xp := "//fieldset[legend[normalize-space(.)=" + xpathString(legend) + "]]//label[normalize-space(.)=" + xpathString(part.label) + "]"
		what := fmt.Sprintf("%q of %q", part.label, legend)
		attrs := run(tab, "find the field "+what, chromedp.Attributes(chromedp.Search(xp), chromedp.NodeReady))
		if attrs["for"] == "" {
			tab.t.Fatalf("browsertest: the label %s on %s has no for attribute", what, tab.where())
		}
		tab.fill(what, attrs["for"], part.value)
	}
}

// fill types value into the field with the id, over what it holds.
func (tab *Tab) fill(what, id, value string) {
	tab.t.Helper()
	sel := chromedp.ID(id)
	// Select what the field holds, as a person would before typing over
	// it, then type the value in its place, or delete it.
	tab.do("fill in "+what,
		chromedp.Focus(sel, chromedp.NodeVisible),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%s).select()`, jsString(id))),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if value == "" {
				_, err := pressKey("Delete", 46, "", 0)(ctx, t)
				return err
			}
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: value})
			return err
		}),
	)
}

// Choose clicks the radio button or checkbox labelled label.
func (tab *Tab) Choose(label string) {
	tab.t.Helper()
	id := tab.fieldID(label)
	tab.do(fmt.Sprintf("choose %q", label), tab.click(fmt.Sprintf("the label %q", label), "//label[@for="+xpathString(id)+"]"))
}

// Select picks the option whose text is option in the select labelled label.
func (tab *Tab) Select(label, option string) {
	tab.t.Helper()
	id := tab.fieldID(label)
	value := run(tab, fmt.Sprintf("find the option %q of %q", option, label), chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const o = [...document.getElementById(%s).options].find((o) => o.text.trim() === %s); return o ? o.value : null })()`,
		jsString(id), jsString(option))))
	tab.do(fmt.Sprintf("select %q in %q", option, label), chromedp.SetValue(chromedp.ID(id), value, chromedp.NodeVisible))
}

// Value returns the current value of the form control labelled label.
func (tab *Tab) Value(label string) string {
	tab.t.Helper()
	id := tab.fieldID(label)
	return run(tab, fmt.Sprintf("read %q", label), chromedp.Value(chromedp.ID(id)))
}

// Cookies returns the names of the cookies the tab has for the portal.
func (tab *Tab) Cookies() []string {
	tab.t.Helper()
	res := run(tab, "read the cookies", func(ctx context.Context, t *chromedp.Target) (*network.GetCookiesResult, error) {
		r, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{tab.base + "/"}})
		return &r, err
	})
	var names []string
	for _, c := range res.Cookies {
		names = append(names, c.Name)
	}
	return names
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// xpathString quotes s as an XPath string literal; XPath 1.0 has no escapes,
// so a string with both kinds of quote is built with concat().
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	if !strings.Contains(s, `'`) {
		return `'` + s + `'`
	}
	parts := strings.Split(s, `"`)
	out := make([]string, 0, 2*len(parts))
	for i, p := range parts {
		if i > 0 {
			out = append(out, `'"'`)
		}
		if p != "" {
			out = append(out, `"`+p+`"`)
		}
	}
	return "concat(" + strings.Join(out, ", ") + ")"
}
