package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// The print stylesheet, served at paths.PrintCSS to every page as a stylesheet for print, is
// print.css and, after it, rules that print the full address of each link in the main content
// after the link, so that a reader of the paper can follow it. Most links are written from the
// site's root, as "/organisations/NES", and a stylesheet cannot make full addresses of those by
// itself: these rules are made for the site's origin, from BASE_URL, and write it before the
// link's href.

//go:embed print.css
var printRules string

// linkContexts are where a link's address is not printed: tables and lists of facets, where an
// address in every cell would swamp the content, and navigation, which is not printed.
const linkContexts = ":is(table, nav, .ds_facets, .ds_breadcrumbs, .ds_pagination) a"

// printStylesheet returns the print stylesheet for a site at origin, such as
// "https://tracker.example.gov.scot".
func printStylesheet(origin string) []byte {
	var b strings.Builder
	b.WriteString(printRules)
	b.WriteString("\n/* The full address of each link in the content, after it. */\n@media print {\n")
	b.WriteString(`    main a[href^="/"]:not([href^="//"]):not(` + linkContexts + `)::after {` + "\n")
	b.WriteString(`        content: " (` + cssString(origin) + `" attr(href) ")";` + "\n")
	b.WriteString("    }\n\n")
	b.WriteString(`    main a:is([href^="http:"], [href^="https:"]):not(` + linkContexts + `)::after {` + "\n")
	b.WriteString(`        content: " (" attr(href) ")";` + "\n")
	b.WriteString("    }\n\n")
	b.WriteString(`    main a[href^="/"]::after,` + "\n" + `    main a[href^="http"]::after {` + "\n")
	b.WriteString("        font-size: 90%;\n        overflow-wrap: anywhere;\n    }\n}\n")
	return []byte(b.String())
}

// cssString escapes s for the inside of a double-quoted CSS string.
func cssString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\%x ", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// origin returns the scheme and host of an absolute address, or "" for one that is not.
func origin(address string) string {
	u, err := url.Parse(address)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// printVersion is the query that changes whenever the print stylesheet for origin does.
func printVersion(origin string) string {
	sum := sha256.Sum256(printStylesheet(origin))
	return hex.EncodeToString(sum[:])[:versionLen]
}

// printCSSPath returns the address of the print stylesheet for the site at origin. Every page
// links to it, and a site has one origin, so the address of the last origin asked for is kept
// rather than the stylesheet made and hashed again for each page.
func printCSSPath(origin string) string {
	if p := lastPrintCSSPath.Load(); p != nil && p.origin == origin {
		return p.path
	}
	p := &originPath{origin: origin, path: paths.PrintCSS + "?v=" + printVersion(origin)}
	lastPrintCSSPath.Store(p)
	return p.path
}

// originPath is the address of the print stylesheet for an origin.
type originPath struct{ origin, path string }

var lastPrintCSSPath atomic.Pointer[originPath]

// PrintCSSHandler serves the print stylesheet for the site at baseURL (BASE_URL), to GET and
// HEAD, cached for a year at the address the pages link to, which changes with the stylesheet.
// Mount it at paths.PrintCSS for every method (with chi: r.Handle).
func PrintCSSHandler(baseURL string) http.Handler {
	o := origin(baseURL)
	css, version := printStylesheet(o), printVersion(o)
	etag := `"` + version + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		if r.URL.Query().Get("v") == version {
			h.Set("Cache-Control", cacheImmutable)
		} else {
			h.Set("Cache-Control", cacheRevalidate)
		}
		h.Set("Content-Type", "text/css; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "print.css", time.Time{}, bytes.NewReader(css))
	})
}

// printDate is the date a page was made, as its printed footer gives it until the page's script
// puts the date of printing in its place.
func printDate(t time.Time) string { return tracker.InUK(t).Format("2 January 2006") }

// isoDate is a date as a time element's datetime attribute gives it.
func isoDate(t time.Time) string { return tracker.InUK(t).Format(time.DateOnly) }
