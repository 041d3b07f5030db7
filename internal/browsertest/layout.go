package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// NarrowWidth is the width at which pages must reflow (WCAG 1.4.10): 320 CSS
// pixels, a 1280 pixel wide window zoomed to 400%.
const NarrowWidth = 320

// PhoneWidth is the width of a common phone, 375 CSS pixels.
const PhoneWidth = 375

// WideWidth is the desktop width at which pages are checked and pictured.
const WideWidth = 1280

// ScreenshotWidths are the widths of the pictures Screenshots takes.
var ScreenshotWidths = []int64{NarrowWidth, PhoneWidth, WideWidth}

// overflowScript returns nothing when the page fits its viewport's width, and
// otherwise how wide it is and the innermost elements that stick out.
const overflowScript = `(() => {
	const root = document.documentElement;
	const width = root.clientWidth;
	if (root.scrollWidth <= width) return [];
	const out = [root.scrollWidth + 'px wide in a ' + width + 'px viewport'];
	const sticksOut = (el) => {
		const r = el.getBoundingClientRect();
		return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
	};
	const describe = (el) => {
		let s = el.tagName.toLowerCase();
		if (el.id) s += '#' + el.id;
		for (const c of el.classList) s += '.' + c;
		const r = el.getBoundingClientRect();
		const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
		return s + ' spans ' + Math.round(r.left) + 'px to ' + Math.round(r.right) + 'px' + (text ? ' ("' + text + '")' : '');
	};
	// Content that sticks out of a box that scrolls or clips it does not
	// widen the page, unless it is positioned out of the box.
	const clipped = (el) => {
		const pos = getComputedStyle(el).position;
		if (pos === 'absolute' || pos === 'fixed') return false;
		for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
			if (getComputedStyle(a).overflowX !== 'visible') return true;
		}
		return false;
	};
	const culprit = (el) => sticksOut(el) && !clipped(el);
	for (const el of document.body.querySelectorAll('*')) {
		if (out.length > 10) break;
		if (culprit(el) && ![...el.children].some(culprit)) out.push(describe(el));
	}
	return out;
})()`

// Overflow returns, for the tab's page at its current width, nothing if the
// page needs no horizontal scrolling, and otherwise the page's width and the
// elements that stick out.
func (tab *Tab) Overflow() []string {
	tab.t.Helper()
	return run(tab, "measure the page's width", chromedp.Evaluate[[]string](overflowScript))
}

// resize sets the viewport's width, keeping its height.
func (tab *Tab) resize(width int64) {
	tab.t.Helper()
	tab.do(fmt.Sprintf("resize the viewport to %d pixels", width), chromedp.EmulateViewport(width, tab.height))
}

// Resize sets the tab's viewport to width CSS pixels, keeping its height:
// the width the tab keeps from then on, to which checks that change it put
// it back.
func (tab *Tab) Resize(width int64) {
	tab.t.Helper()
	tab.width = width
	tab.resize(width)
}

// CheckReflow fails the test if the tab's page, at 320 CSS pixels wide,
// scrolls horizontally. The viewport is put back afterwards.
func (tab *Tab) CheckReflow(state string) {
	tab.t.Helper()
	tab.resize(NarrowWidth)
	defer tab.resize(tab.width)
	tab.checkOverflow(state)
}

// checkOverflow fails the test if the tab's page scrolls horizontally at
// the viewport's width, which must be NarrowWidth.
func (tab *Tab) checkOverflow(state string) {
	tab.t.Helper()
	if out := tab.Overflow(); len(out) > 0 {
		tab.t.Errorf("browsertest: %s (%s) scrolls sideways at %d CSS pixels: the page is %s",
			state, tab.Path(), NarrowWidth, strings.Join(out, "\n  "))
	}
}

// loadImages loads the page's lazy images, which a screenshot of the whole
// page shows though they are outside the viewport, and waits until every
// image is ready to paint.
const loadImages = `Promise.all([...document.images].map((img) => {
	img.loading = 'eager';
	return img.decode().catch(() => {});
}))`

// Screenshots saves pictures of the whole page at 320, 375 and 1280 CSS
// pixels wide as screenshots/<name>-320.png, <name>-375.png and
// <name>-1280.png, for a person to look at. The viewport is put back
// afterwards.
func (tab *Tab) Screenshots(name string) {
	tab.t.Helper()
	dir, err := screenshotDir("")
	if err != nil {
		tab.t.Fatalf("browsertest: %v", err)
	}
	defer tab.resize(tab.width)
	if tab.noScript {
		tab.setScripts(true)
		defer tab.setScripts(false)
	}
	for _, w := range ScreenshotWidths {
		tab.resize(w)
		tab.do("load the page's images", chromedp.Evaluate[chromedp.Void](loadImages, chromedp.EvalAwaitPromise))
		buf := run(tab, "take a screenshot", chromedp.FullScreenshot(100))
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.png", fileName(name), w))
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			tab.t.Fatalf("browsertest: %v", err)
		}
	}
}

// CheckPage runs the checks every page must pass: no WCAG 2.2 A or AA rule
// broken at 1280 or at 320 CSS pixels wide, and no horizontal scrolling at
// 320. It also saves the page's HTML, as the server sent it, for the Nu Html
// Checker that Main runs over every page the tests checked. state names the
// page and what it shows, as in "commitment" or "report form with errors".
// The viewport is put back afterwards.
func (tab *Tab) CheckPage(state string) {
	tab.t.Helper()
	tab.saveHTML(state)
	widths := []int64{WideWidth, NarrowWidth}
	if tab.width == NarrowWidth {
		widths = []int64{NarrowWidth, WideWidth}
	}
	current := tab.width
	defer func() {
		if current != tab.width {
			tab.resize(tab.width)
		}
	}()
	for _, w := range widths {
		if w != current {
			tab.resize(w)
			current = w
		}
		tab.CheckAccessible(fmt.Sprintf("%s at %d px", state, w))
		if w == NarrowWidth {
			tab.checkOverflow(state)
		}
	}
}

// screenshotDir returns screenshots/ (or a folder in it) at the
// repository's root, creating it. The folder is git-ignored.
func screenshotDir(sub string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "screenshots", sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}

// fileName turns a test or page name into a file name.
func fileName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		default:
			return '-'
		}
	}, name)
}
