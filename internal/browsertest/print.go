package browsertest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// emulateMedia sets the media type the tab's pages are styled for: "print",
// or "" for the screen. Motion stays reduced, as NewTab sets it.
func (tab *Tab) emulateMedia(media string) {
	tab.t.Helper()
	tab.do("style the page for "+media, call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Media:    media,
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}))
}

// Printed is what the tab's page shows on paper.
type Printed struct {
	// Shown are the navigation, filters and form controls that are printed,
	// which should be none.
	Shown []string `json:"shown"`
	// Footer is the text of the footer that says where and when the page
	// was printed, or "" when it is not printed.
	Footer  string `json:"footer"`
	Address string `json:"address"`
	Date    string `json:"date"`
	// Links are the links of the main content with what is printed after
	// each, as "href => text after it".
	Links []string `json:"links"`
}

// printedScript describes the page as the browser styles it for print.
const printedScript = `(() => {
	const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
	const describe = (el) => {
		let s = el.tagName.toLowerCase();
		if (el.id) s += '#' + el.id;
		for (const c of el.classList) s += '.' + c;
		return s;
	};
	const shown = [];
	const unwanted = 'nav, form:not(.app-finder), input:not([type=hidden]), select, textarea, button, .ds_search-filters, .ds_site-navigation';
	for (const el of document.querySelectorAll(unwanted)) {
		if (rendered(el)) shown.push(describe(el));
	}
	const footer = document.querySelector('.app-print-footer');
	const text = (sel) => { const e = footer && footer.querySelector(sel); return e ? e.textContent.trim() : ''; };
	const links = [];
	for (const a of document.querySelectorAll('main a[href]')) {
		if (!rendered(a)) continue;
		const after = getComputedStyle(a, '::after').content;
		links.push(a.getAttribute('href') + ' => ' + (after === 'none' || after === 'normal' ? '' : after));
	}
	return {
		shown,
		footer: footer && rendered(footer) ? footer.textContent.trim().replace(/\s+/g, ' ') : '',
		address: text('.app-print-footer__address'),
		date: text('.app-print-footer__date'),
		links,
	};
})()`

// Printed returns what the tab's page shows when it is printed.
func (tab *Tab) Printed() Printed {
	tab.t.Helper()
	tab.emulateMedia("print")
	defer tab.emulateMedia("")
	return run(tab, "look at the page as printed", chromedp.Evaluate[Printed](printedScript))
}

// printDate is a date as the printed footer gives it.
var printDate = regexp.MustCompile(`^[1-9][0-9]? (January|February|March|April|May|June|July|August|September|October|November|December) 20[0-9]{2}$`)

// CheckPrint fails the test unless the tab's page, styled for print, shows
// no navigation, filters or form controls, gives its own full address and a
// date at its foot, and prints the full address after each link of its main
// content that leads to another page, outside tables and lists of filters.
// It returns what is printed. state names the page for messages.
func (tab *Tab) CheckPrint(state string) Printed {
	tab.t.Helper()
	p := tab.Printed()
	where := fmt.Sprintf("%s (%s), printed", state, tab.Path())
	if len(p.Shown) > 0 {
		tab.t.Errorf("browsertest: %s, shows navigation or form controls: %s", where, strings.Join(p.Shown, ", "))
	}
	if p.Footer == "" {
		tab.t.Errorf("browsertest: %s, has no footer saying where and when it was printed", where)
	}
	if want := tab.base + tab.Path(); p.Address != want {
		tab.t.Errorf("browsertest: %s, gives its address as %q, want %q", where, p.Address, want)
	}
	if !printDate.MatchString(p.Date) {
		tab.t.Errorf("browsertest: %s, gives the date as %q, want a date such as 23 November 2026", where, p.Date)
	}
	for _, l := range p.Links {
		href, after, _ := strings.Cut(l, " => ")
		if after == "" || !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
			continue
		}
		if want := strconv.Quote(" (" + tab.base + href + ")"); after != want {
			tab.t.Errorf("browsertest: %s, prints %s after the link to %s, want %s", where, after, href, want)
		}
	}
	return p
}

// PrintedAddresses returns the links of the main content after which the
// printed page gives an address, as "href => what it prints".
func (p Printed) PrintedAddresses() []string {
	var out []string
	for _, l := range p.Links {
		if _, after, _ := strings.Cut(l, " => "); after != "" {
			out = append(out, l)
		}
	}
	return out
}
