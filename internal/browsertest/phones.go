package browsertest

import (
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// Visible reports whether the first element matching the CSS selector is
// shown: it is rendered, not hidden, and larger than 1 by 1 CSS pixels.
func (tab *Tab) Visible(css string) bool {
	tab.t.Helper()
	return run(tab, "see whether "+css+" is shown", chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) return false;
		const r = el.getBoundingClientRect();
		return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility === 'visible';
	})()`, jsString(css))))
}

// Box is where an element is in the viewport, in CSS pixels.
type Box struct {
	Left, Top, Right, Bottom float64
}

// BoxOf returns where the first element matching the CSS selector is, after
// scrolling the page back to its top-left corner.
func (tab *Tab) BoxOf(css string) Box {
	tab.t.Helper()
	return run(tab, "measure "+css, chromedp.Evaluate[Box](fmt.Sprintf(`(() => {
		window.scrollTo(0, 0);
		const el = document.querySelector(%s);
		if (!el) return { left: 0, top: 0, right: 0, bottom: 0 };
		const r = el.getBoundingClientRect();
		return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
	})()`, jsString(css))))
}

// SidewaysScrolling returns the regions of the tab's page, at its current
// width, whose content is wider than they are, so that a reader must scroll
// them sideways: each as its accessible name or its classes.
func (tab *Tab) SidewaysScrolling() []string {
	tab.t.Helper()
	return run(tab, "look for regions that scroll sideways", chromedp.Evaluate[[]string](`(() => {
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const cs = getComputedStyle(el);
			if (cs.overflowX !== 'auto' && cs.overflowX !== 'scroll') continue;
			if (el.scrollWidth > el.clientWidth + 1) {
				out.push((el.getAttribute('aria-label') || el.className) + ' (' + el.scrollWidth + 'px of content in ' + el.clientWidth + 'px)');
			}
		}
		return out;
	})()`))
}

// chartScript checks the charts of the page at the viewport's width: every
// piece of text in a chart's picture is drawn at 12 CSS pixels or more, lies
// within the picture, and overlaps no other; and each chart has a table of
// its numbers with a row for each bar.
const chartScript = `(() => {
	const problems = [];
	const figures = [...document.querySelectorAll('figure.app-chart')];
	for (const fig of figures) {
		const svg = fig.querySelector('svg.app-chart__picture');
		if (!svg) { problems.push(fig.id + ' has no picture'); continue; }
		const frame = svg.getBoundingClientRect();
		const boxes = [];
		for (const text of svg.querySelectorAll('text')) {
			const size = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
			const r = text.getBoundingClientRect();
			const what = fig.id + ' "' + text.textContent.trim() + '"';
			if (size < 12) problems.push(what + ' is drawn ' + size.toFixed(1) + 'px high, under 12px');
			if (r.left < frame.left - 0.5 || r.right > frame.right + 0.5 || r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5) {
				problems.push(what + ' sticks out of the picture (' + Math.round(r.left) + '-' + Math.round(r.right) + 'px across, in ' + Math.round(frame.left) + '-' + Math.round(frame.right) + 'px)');
			}
			boxes.push({ what, r });
		}
		for (let i = 0; i < boxes.length; i++) {
			for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i].r, b = boxes[j].r;
				const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
					Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
				if (overlap) problems.push(boxes[i].what + ' overlaps ' + boxes[j].what);
			}
		}
		const bars = new Set([...svg.querySelectorAll('.app-chart__segment')].map((g) => g.dataset.bar));
		const rows = fig.querySelectorAll('table tbody tr').length;
		if (rows === 0) problems.push(fig.id + ' has no table of its numbers');
		else if (rows < bars.size) problems.push(fig.id + ' pictures ' + bars.size + ' bars, but its table has ' + rows + ' rows');
	}
	return { charts: figures.length, problems };
})()`

// CheckCharts fails the test unless, at each width given, every chart on
// the tab's page draws its text at 12 CSS pixels or more, with no piece of
// text overlapping another or sticking out of the picture, and keeps a table
// of its numbers. It returns how many charts the page has. The viewport is
// put back afterwards.
func (tab *Tab) CheckCharts(state string, widths ...int64) int {
	tab.t.Helper()
	defer tab.resize(tab.width)
	n := 0
	for _, w := range widths {
		tab.resize(w)
		res := run(tab, "check the charts", chromedp.Evaluate[struct {
			Charts   int
			Problems []string
		}](chartScript))
		n = res.Charts
		if len(res.Problems) > 0 {
			tab.t.Errorf("browsertest: %s (%s) at %d px: %s", state, tab.Path(), w, strings.Join(res.Problems, "\n  "))
		}
	}
	return n
}

// ClickSummary clicks the visible summary of a details element whose text
// starts with text, opening or closing it.
func (tab *Tab) ClickSummary(text string) {
	tab.t.Helper()
	what := fmt.Sprintf("the control %q", text)
	tab.do("click "+what, tab.click(what, "//summary[starts-with(normalize-space(.), "+xpathString(text)+")]"))
}
