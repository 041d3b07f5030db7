package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPrintStylesheet(t *testing.T) {
	css := string(printStylesheet("https://tracker.example.gov.scot"))
	for _, want := range []string{
		`content: " (https://tracker.example.gov.scot" attr(href) ")";`,
		`content: " (" attr(href) ")";`,
		".app-print-footer",          // from print.css
		"main form:not(.app-finder)", // no forms on paper
	} {
		if !strings.Contains(css, want) {
			t.Errorf("the print stylesheet lacks %s:\n%s", want, css)
		}
	}
	if got := cssString("a\"b\\c\nd"); got != `a\"b\\c\a d` {
		t.Errorf("cssString = %q", got)
	}
	if printVersion("https://a.example") == printVersion("https://b.example") {
		t.Error("the stylesheets of two sites have the same version")
	}
}

func TestPrintCSSHandler(t *testing.T) {
	h := PrintCSSHandler("https://tracker.example.gov.scot/")
	for _, tt := range []struct {
		method, target string
		status         int
		cache          string
	}{
		{http.MethodGet, printCSSPath("https://tracker.example.gov.scot"), 200, cacheImmutable},
		{http.MethodHead, printCSSPath("https://tracker.example.gov.scot"), 200, cacheImmutable},
		{http.MethodGet, "/print.css?v=old", 200, cacheRevalidate},
		{http.MethodPost, "/print.css", 405, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
		if rec.Code != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.target, rec.Code, tt.status)
			continue
		}
		if tt.status != 200 {
			if rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: Allow = %q", tt.method, tt.target, rec.Header().Get("Allow"))
			}
			continue
		}
		if got := rec.Header().Get("Cache-Control"); got != tt.cache {
			t.Errorf("%s %s: Cache-Control = %q, want %q", tt.method, tt.target, got, tt.cache)
		}
		if got := rec.Header().Get("Content-Type"); got != "text/css; charset=utf-8" {
			t.Errorf("%s %s: Content-Type = %q", tt.method, tt.target, got)
		}
		if tt.method == http.MethodGet && !strings.Contains(rec.Body.String(), `" (https://tracker.example.gov.scot" attr(href)`) {
			t.Errorf("GET %s: the stylesheet is not made for the site:\n%s", tt.target, rec.Body.String())
		}
	}
}

func TestPrintFooter(t *testing.T) {
	made := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC) // 23 November in London too
	doc := render(t, Layout(LayoutProps{Title: "T", PageURL: "https://tracker.example.gov.scot/commitments?priority=4", Made: made}))
	if got := doc.Find(".app-print-footer__address").Text(); got != "https://tracker.example.gov.scot/commitments?priority=4" {
		t.Errorf("the printed address is %q", got)
	}
	date := doc.Find(".app-print-footer__date")
	if date.Text() != "23 November 2026" || date.AttrOr("datetime", "") != "2026-11-23" {
		t.Errorf("the printed date is %q (%q)", date.Text(), date.AttrOr("datetime", ""))
	}
	if got := doc.Find(`link[rel="stylesheet"][media="print"]`).AttrOr("href", ""); got != printCSSPath("https://tracker.example.gov.scot") {
		t.Errorf("the print stylesheet is %q", got)
	}
	doc = render(t, Layout(LayoutProps{Title: "T"}))
	if doc.Find(".app-print-footer, link[media=print]").Length() != 0 {
		t.Error("a page without its address has a print footer or print stylesheet")
	}
}
