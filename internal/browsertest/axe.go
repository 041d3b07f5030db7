package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the axe-core rule tags the pages are checked against: every
// WCAG 2.0, 2.1 and 2.2 level A and AA rule.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axePath is where `npm ci` in web/ puts the pinned axe-core.
const axePath = "web/node_modules/axe-core/axe.min.js"

var axeSource struct {
	once sync.Once
	src  string
	err  error
}

// axeScript returns axe-core's source, read once per test binary.
func axeScript(t testing.TB) string {
	t.Helper()
	axeSource.once.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			axeSource.err = err
			return
		}
		b, err := os.ReadFile(filepath.Join(root, axePath))
		if err != nil {
			axeSource.err = err
			return
		}
		axeSource.src = string(b)
	})
	if axeSource.err != nil {
		unavailable(t, "axe-core is not installed: %v (run `make test`, or `npm ci` in web/, which installs the pinned axe-core)", axeSource.err)
	}
	return axeSource.src
}

// RepoRoot returns the repository's root: the nearest directory above the
// working directory (a package's directory, under go test) with a go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Violation is a failed axe-core rule and the elements that fail it.
type Violation struct {
	ID     string          `json:"id"`
	Impact string          `json:"impact"`
	Help   string          `json:"help"`
	URL    string          `json:"helpUrl"`
	Nodes  []ViolationNode `json:"nodes"`
}

// ViolationNode is an element that fails a rule.
type ViolationNode struct {
	Target  string `json:"target"`  // CSS selectors that find the element
	HTML    string `json:"html"`    // the element's opening tag, abridged
	Summary string `json:"summary"` // what to fix
}

// String describes the violation for a person fixing it.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    - %s\n      %s", n.Target, n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	return b.String()
}

// axeRun runs axe-core on the document with the WCAG tags and returns the
// violations in a form that needs no further decoding.
const axeRun = `(async () => {
	const results = await axe.run(document, {
		runOnly: { type: 'tag', values: %s },
		resultTypes: ['violations'],
	});
	const selector = (t) => Array.isArray(t) ? t.join(' >>> ') : String(t);
	return results.violations.map((v) => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map((n) => ({ target: n.target.map(selector).join(', '), html: n.html, summary: n.failureSummary || '' })),
	}));
})()`

// Violations runs axe-core on the tab's page and returns the WCAG 2.2 A and
// AA rules it breaks.
func (tab *Tab) Violations() []Violation {
	tab.t.Helper()
	src := axeScript(tab.t)
	if !run(tab, "look for axe-core", chromedp.Evaluate[bool](`typeof window.axe === 'object'`)) {
		tab.do("load axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	tags := make([]string, len(AxeTags))
	for i, tag := range AxeTags {
		tags[i] = jsString(tag)
	}
	script := fmt.Sprintf(axeRun, "["+strings.Join(tags, ", ")+"]")
	if tab.noScript {
		// axe-core waits on timers, which do not run while scripts are
		// off. The page's own scripts were skipped when it loaded and do
		// not run when scripts are turned back on, so turn them on for
		// axe-core alone.
		tab.setScripts(true)
		defer tab.setScripts(false)
	}
	return run(tab, "run axe-core", chromedp.Evaluate[[]Violation](script, chromedp.EvalAwaitPromise))
}

// runTogether finds words of links and buttons that run into their visually
// hidden words, as "Publishthe update on 4.1": a screen reader reads the
// name with no space where the page meant one. Whitespace at the start of
// an element's text is easily lost when a page is made.
const runTogether = `(() => {
	const out = [];
	for (const hidden of document.querySelectorAll('a .visually-hidden, button .visually-hidden')) {
		const control = hidden.closest('a, button');
		const range = document.createRange();
		range.setStart(control, 0);
		range.setEndBefore(hidden);
		const before = range.toString();
		const inside = hidden.textContent;
		if (/[\p{L}\p{N}]$/u.test(before) && /^[\p{L}\p{N}]/u.test(inside)) {
			out.push('"' + (before + inside).trim().replace(/\s+/g, ' ') + '" (' + control.tagName.toLowerCase() + ')');
		}
	}
	return out;
})()`

// CheckAccessible fails the test, listing each problem, if the tab's page
// breaks any WCAG 2.2 A or AA rule that axe-core checks, or runs the words of
// a link or button into its visually hidden words. state names what
// the page shows, such as "overview" or "report form with errors".
func (tab *Tab) CheckAccessible(state string) {
	tab.t.Helper()
	if names := run(tab, "look for hidden words run together", chromedp.Evaluate[[]string](runTogether)); len(names) > 0 {
		tab.t.Errorf("browsertest: %s (%s): link and button names run visible and hidden words together:\n  %s",
			state, tab.Path(), strings.Join(names, "\n  "))
	}
	vs := tab.Violations()
	if len(vs) == 0 {
		return
	}
	list := make([]string, len(vs))
	for i, v := range vs {
		list[i] = v.String()
	}
	tab.t.Errorf("browsertest: %s (%s) breaks %d WCAG 2.2 A/AA rule(s):\n  %s", state, tab.Path(), len(vs), strings.Join(list, "\n  "))
}
