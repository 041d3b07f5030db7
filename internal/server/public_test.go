package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// fixedNow is the clock the public page tests run at: 23 November 2026.
var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// newServer returns the portal over a fresh database, its clock fixed at now. The handler is a
// *testApp (helpers_test.go), so signIn and the other helpers work with it.
func newServer(t *testing.T, now time.Time) http.Handler {
	t.Helper()
	return newApp(t, withNow(now))
}

// get serves a GET request and parses the HTML it returns.
func get(t *testing.T, h http.Handler, path string) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("GET %s: parse HTML: %v", path, err)
	}
	return rec, doc
}

func text(s *goquery.Selection) string {
	return strings.Join(strings.Fields(s.Text()), " ")
}

func texts(s *goquery.Selection) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, text(e)) })
	return out
}

// checkPage checks what every page must have: one h1, a skip link to the main content, and a
// title of the form "Page – Delivery Tracker".
// inlineScript finds script elements that would run: inline, and not a data block.
const inlineScript = `script:not([src]):not([type="application/ld+json"])`

func checkPage(t *testing.T, path string, doc *goquery.Document, wantTitle string) {
	t.Helper()
	if n := doc.Find("h1").Length(); n != 1 {
		t.Errorf("%s has %d h1 elements, want 1", path, n)
	}
	if got := text(doc.Find("head > title")); got != wantTitle+" – Delivery Tracker" {
		t.Errorf("%s title = %q, want %q", path, got, wantTitle+" – Delivery Tracker")
	}
	skip := doc.Find(`a[href="#main-content"]`)
	if skip.Length() == 0 || doc.Find("#main-content").Length() != 1 {
		t.Errorf("%s has no working skip link", path)
	}
	if doc.Find(inlineScript).Length() > 0 {
		t.Errorf("%s has inline script", path)
	}
	// A data block (JSON-LD) runs nothing, so the Content-Security-Policy does not apply to it; it
	// must be JSON, whatever the data holds.
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		if !json.Valid([]byte(s.Text())) {
			t.Errorf("%s has JSON-LD that is not JSON", path)
		}
	})
}

func TestOverview(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	rec, doc := get(t, h, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	checkPage(t, "/", doc, "Care in the Digital Age: Delivery Plan 2023-24")
	if got := text(doc.Find("h1")); got != "Care in the Digital Age: Delivery Plan 2023-24" {
		t.Errorf("h1 = %q", got)
	}
	if !strings.Contains(text(doc.Find("main")), "4 August 2023") {
		t.Error("overview does not show the publication date")
	}
	if n := doc.Find(".app-aims li").Length(); n != 3 {
		t.Errorf("overview shows %d aims, want 3", n)
	}
	figures := map[string]string{}
	doc.Find(".app-figure").Each(func(_ int, s *goquery.Selection) {
		figures[text(s.Find(".app-figure__label"))] = text(s.Find(".app-figure__number"))
	})
	// Each commitment is counted once: 4.1 and 4.3 last reported On track, and 4.4 and 4.5 have no
	// update, but all four are past their month, so they are counted as overdue only.
	want := map[string]string{"commitments": "6", "delivered": "2", "on track": "0", "at risk or delayed": "0",
		"overdue": "4", "no update yet": "0"}
	for k, v := range want {
		if figures[k] != v {
			t.Errorf("headline figure %q = %q, want %q (all: %v)", k, figures[k], v, figures)
		}
	}
	titles := texts(doc.Find(".app-priority__title"))
	if len(titles) != 6 || titles[3] != "4. Digital Skills and Leadership" {
		t.Errorf("priority areas = %q", titles)
	}
	counts := texts(doc.Find(".app-priority__count"))
	if len(counts) != 6 || counts[0] != "Commitments not yet entered in the tracker" ||
		counts[3] != "5 commitments in Digital Skills and Leadership, 4 overdue in Digital Skills and Leadership" ||
		counts[4] != "1 commitment in Digital Futures" {
		t.Errorf("priority counts = %q", counts)
	}
	if !strings.Contains(text(doc.Find(".app-priority").Eq(5)), "Data is harnessed to the benefit of citizens, services and innovation.") {
		t.Error("priority 6 tagline missing")
	}
}

func TestPriorityPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		now         time.Time
		wantOverdue []string
	}{
		{"at 30 April 2024", time.Date(2024, 4, 30, 12, 0, 0, 0, time.UTC), []string{"4.4"}},
		{"at 1 May 2024", time.Date(2024, 5, 1, 0, 30, 0, 0, time.UTC), []string{"4.4", "4.5"}},
		{"at 23 November 2026", fixedNow, []string{"4.1", "4.3", "4.4", "4.5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newServer(t, tt.now)
			path := "/priorities/digital-skills-and-leadership"
			rec, doc := get(t, h, path)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", path, rec.Code)
			}
			checkPage(t, path, doc, "Digital Skills and Leadership")
			refs := texts(doc.Find(".app-commitment__ref"))
			if !slices.Equal(refs, []string{"4.1", "4.2", "4.3", "4.4", "4.5"}) {
				t.Fatalf("commitments = %q", refs)
			}
			var overdue []string
			doc.Find(".app-commitment").Each(func(i int, s *goquery.Selection) {
				if strings.Contains(text(s), "Overdue") {
					overdue = append(overdue, refs[i])
				}
			})
			if !slices.Equal(overdue, tt.wantOverdue) {
				t.Errorf("overdue = %q, want %q", overdue, tt.wantOverdue)
			}
			if !strings.Contains(text(doc.Find("main")), "Workforce development in digital skills") {
				t.Error("introduction missing")
			}
		})
	}
	h := newServer(t, fixedNow)
	_, doc := get(t, h, "/priorities/digital-access")
	if !strings.Contains(text(doc.Find("main")), "The commitments for this priority area have not been entered in the tracker yet.") {
		t.Error("empty priority area does not say its commitments have not been entered")
	}
	_, doc = get(t, h, "/priorities/digital-futures")
	if got := text(doc.Find("h1")); got != "Digital Futures – Innovating and Enhancing Our Digital Nation" {
		t.Errorf("digital futures h1 = %q", got)
	}
}

func TestCommitmentPage(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)

	rec, doc := get(t, h, "/commitments/4.5")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /commitments/4.5 = %d", rec.Code)
	}
	checkPage(t, "/commitments/4.5", doc, "Commitment 4.5")
	lines := texts(doc.Find(".app-lead"))
	want := []string{
		"CivTech (Digital Directorate)",
		"Scottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)",
		"NHS Test Beds",
		"Digital Health & Care Innovation Centre (DHI)",
		"Local Government Digital Office (LGDO) and others, depending on the nature of the challenges.",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("4.5 lead lines = %q,\nwant %q", lines, want)
	}
	var links []string
	doc.Find(".app-lead").Eq(1).Find("a").Each(func(_ int, a *goquery.Selection) {
		links = append(links, a.AttrOr("href", ""))
	})
	if !slices.Equal(links, []string{"/organisations/SG-DHCD", "/organisations/CSO"}) {
		t.Errorf("second lead line links to %q", links)
	}
	if !strings.Contains(text(doc.Find("main")), "No progress has been published") {
		t.Error("4.5 should say no progress has been published")
	}
	if n := doc.Find(".ds_summary-list__value li").Length(); n < 3 {
		t.Errorf("4.5 shows %d why bullets, want 3", n)
	}

	_, doc = get(t, h, "/commitments/4.4")
	if !strings.Contains(text(doc.Find("main")), "No lead organisation named") {
		t.Error("4.4 does not say no lead organisation is named")
	}
	if !strings.Contains(text(doc.Find("main")), "Overdue") {
		t.Error("4.4 (March 2024, no update) is not shown overdue")
	}

	_, doc = get(t, h, "/commitments/4.2")
	items := doc.Find(".app-timeline__item")
	if items.Length() != 2 {
		t.Fatalf("4.2 history has %d items, want 2", items.Length())
	}
	first, second := text(items.Eq(0)), text(items.Eq(1))
	if !strings.Contains(first, "2025-26") || !strings.Contains(first, "Completed") ||
		!strings.Contains(first, "Four Learner Pathways published September 2024.") {
		t.Errorf("newest 4.2 update = %q", first)
	}
	if !strings.Contains(second, "Reported in the Delivery Plan 2024-25") || !strings.Contains(second, "On track") {
		t.Errorf("older 4.2 update = %q", second)
	}
	if !strings.Contains(first, "Care in the Digital Age: Delivery Plan 2025-26") {
		t.Errorf("newest 4.2 update does not name the plan that reported it: %q", first)
	}
	if strings.Contains(text(doc.Find(".app-commitment-status, .ds_summary-list")), "Overdue") {
		t.Error("4.2 is delivered and must not be overdue")
	}
}

func TestOrganisationPage(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	rec, doc := get(t, h, "/organisations/CSO")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /organisations/CSO = %d", rec.Code)
	}
	checkPage(t, "/organisations/CSO", doc, "Chief Scientist Office")
	if refs := texts(doc.Find(".app-commitment__ref")); !slices.Equal(refs, []string{"4.5"}) {
		t.Errorf("CSO leads %q, want 4.5", refs)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	for _, path := range []string{
		"/priorities/nope", "/commitments/9.9", "/commitments/%00", "/commitments/4.2%27%20OR%201=1",
		"/organisations/nope", "/organisations/..%2f..%2fetc", "/plans/1999-00", "/plans/2023-24/commitments/zz",
		"/no/such/page", "/commitments/" + strings.Repeat("9", 5000),
	} {
		rec, doc := get(t, h, path)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
			continue
		}
		checkPage(t, path, doc, "Page not found")
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	for _, path := range []string{"/healthz", "/readyz"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, rec.Code)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	for _, path := range []string{"/", "/commitments/4.2", "/nope"} {
		rec, _ := get(t, h, path)
		hdr := rec.Header()
		csp := hdr.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s CSP = %q", path, csp)
		}
		if hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Referrer-Policy") == "" || hdr.Get("Permissions-Policy") == "" {
			t.Errorf("%s headers = %v", path, hdr)
		}
	}
}
