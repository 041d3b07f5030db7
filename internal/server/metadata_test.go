package server_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// meta returns the content of the head's meta element with the attribute attr (name or
// property) equal to key, and how many there are.
func meta(doc *goquery.Document, attr, key string) (string, int) {
	s := doc.Find(`head meta[` + attr + `="` + key + `"]`)
	return s.AttrOr("content", ""), s.Length()
}

// TestPublicPageMetadata checks the description, canonical link, Open Graph and Twitter card tags
// of the public pages: each page describes itself, and its canonical address is absolute, from
// BASE_URL, and the plan's own address for the page however it was reached.
func TestPublicPageMetadata(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://example.com", "https://example.com"} {
		var opts []appOption
		if strings.HasPrefix(base, "https") {
			opts = append(opts, withHTTPS())
		}
		app := newApp(t, opts...)
		c := anonymous(t, app)
		tests := []struct{ path, canonical, title string }{
			{"/", "/", "Care in the Digital Age"},
			{"/plans/2023-24", "/", "Care in the Digital Age"},
			{"/priorities/digital-skills-and-leadership", "/priorities/digital-skills-and-leadership", "Digital Skills and Leadership"},
			{"/commitments/4.2", "/commitments/4.2", "Commitment 4.2"},
			{"/plans/2023-24/commitments/4.2", "/commitments/4.2", "Commitment 4.2"},
			{"/organisations/NES", "/organisations/NES", "NHS Education for Scotland"},
			{"/commitments", "/commitments", "Commitments"},
			{"/commitments?status=on_track&q=&priority=", "/commitments?status=on_track", "Commitments"},
			{"/data", "/data", "Open data"},
			{"/about/statuses", "/about/statuses", "What the statuses mean"},
			{"/accessibility", "/accessibility", "Accessibility statement"},
			{"/privacy", "/privacy", "Privacy"},
			{"/cookies", "/cookies", "Cookies"},
			{"/contact", "/contact", "Contact"},
		}
		descriptions := map[string]string{}
		for _, tt := range tests {
			rec, doc := c.get(tt.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, rec.Code)
			}
			links := doc.Find(`head link[rel="canonical"]`)
			want := base + tt.canonical
			if links.Length() != 1 || links.AttrOr("href", "") != want {
				t.Errorf("%s: %d canonical links, %q; want %q", tt.path, links.Length(), links.AttrOr("href", ""), want)
			}
			desc, n := meta(doc, "name", "description")
			if n != 1 || desc == "" || desc == web.DefaultDescription {
				t.Errorf("%s: %d descriptions, %q: want one of the page's own", tt.path, n, desc)
			}
			if other, ok := descriptions[desc]; ok && !strings.HasPrefix(tt.path, "/plans/") && tt.canonical != other {
				t.Errorf("%s: the same description as %s", tt.path, other)
			}
			descriptions[desc] = tt.canonical
			wantMeta := map[[2]string]string{
				{"property", "og:type"}:         "website",
				{"property", "og:site_name"}:    "Delivery Tracker",
				{"property", "og:url"}:          want,
				{"property", "og:description"}:  desc,
				{"name", "twitter:card"}:        "summary",
				{"name", "twitter:description"}: desc,
			}
			for k, v := range wantMeta {
				if got, n := meta(doc, k[0], k[1]); n != 1 || got != v {
					t.Errorf("%s: %s %q (%d of them), want %q", tt.path, k[1], got, n, v)
				}
			}
			for _, k := range [][2]string{{"property", "og:title"}, {"name", "twitter:title"}} {
				if got, _ := meta(doc, k[0], k[1]); !strings.HasPrefix(got, tt.title) {
					t.Errorf("%s: %s %q, want it to start %q", tt.path, k[1], got, tt.title)
				}
			}
			if _, n := meta(doc, "name", "robots"); n != 0 || rec.Header().Get("X-Robots-Tag") != "" {
				t.Errorf("%s: a public page is marked noindex", tt.path)
			}
		}
	}
}

// TestSignedInPagesAreNotIndexed checks that the pages of signed-in users and of signing in ask
// search engines not to index them, in the page and in X-Robots-Tag, and that public pages and
// downloads do not.
func TestSignedInPagesAreNotIndexed(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	anon := anonymous(t, app)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	admin := signIn(t, app, tracker.RoleAdmin, "")
	tests := []struct {
		as      *client
		path    string
		noindex bool
	}{
		{partner, "/report", true},
		{partner, "/report/4.2", true},
		{partner, "/account", true},
		{admin, "/admin/users", true},
		{admin, "/admin/plans", true},
		{admin, "/review", true},
		{admin, "/dashboard", true},
		{anon, "/sign-in", true},
		{anon, "/forgot-password", true},
		{anon, "/admin/users", true},        // the redirect to sign in
		{anon, "/alerts/check-email", true}, // the pages of alert emails' links
		{anon, "/feedback?path=%2Fcommitments%2F4.2", true},
		{partner, "/commitments/4.2", true}, // a public page rendered for someone signed in
		{anon, "/", false},
		{anon, "/commitments/4.2", false},
		{anon, "/updates.csv", false},
		{anon, "/no/such/page", false},
	}
	for _, tt := range tests {
		rec, doc := tt.as.get(tt.path)
		if got := rec.Header().Get("X-Robots-Tag"); (got == "noindex, nofollow") != tt.noindex {
			t.Errorf("%s (%d): X-Robots-Tag %q, want noindex %v", tt.path, rec.Code, got, tt.noindex)
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Code != http.StatusOK {
			continue
		}
		robots, n := meta(doc, "name", "robots")
		if (n == 1 && robots == "noindex, nofollow") != tt.noindex {
			t.Errorf("%s: meta robots %q (%d of them), want noindex %v", tt.path, robots, n, tt.noindex)
		}
		if tt.noindex && doc.Find(`head link[rel="canonical"]`).Length() != 0 {
			t.Errorf("%s: a page not to be indexed names a canonical address", tt.path)
		}
	}
}

// TestRobotsTxt checks that robots.txt keeps crawlers out of the signed-in and sign-in pages only,
// and points at the sitemap.
func TestRobotsTxt(t *testing.T) {
	t.Parallel()
	app := newApp(t, withHTTPS())
	c := anonymous(t, app)
	rec := c.do(c.request(http.MethodGet, "/robots.txt", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /robots.txt = %d, %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	var disallowed []string
	for _, line := range strings.Split(body, "\n") {
		if p, ok := strings.CutPrefix(line, "Disallow: "); ok {
			disallowed = append(disallowed, p)
		}
	}
	if !strings.Contains(body, "User-agent: *\n") || !strings.Contains(body, "\nSitemap: https://example.com/sitemap.xml\n") {
		t.Errorf("robots.txt lacks a User-agent or the sitemap:\n%s", body)
	}
	blocked := func(path string) bool {
		for _, p := range disallowed {
			if strings.HasPrefix(path, p) {
				return true
			}
		}
		return false
	}
	for _, p := range []string{"/admin/users", "/admin/plans/2023-24", "/report", "/report/4.2", "/review/7", "/account",
		"/dashboard", "/sign-in", "/sign-in?next=/report", "/set-password", "/forgot-password", "/metrics"} {
		if !blocked(p) {
			t.Errorf("robots.txt lets crawlers into %s", p)
		}
	}
	for _, p := range []string{"/", "/commitments", "/commitments/4.2", "/priorities/digital-access", "/organisations/NES",
		"/data", "/updates.csv", "/updates.atom", "/plans/2023-24/commitments/4.2", "/sitemap.xml", web.AssetPath("app.css")} {
		if blocked(p) {
			t.Errorf("robots.txt keeps crawlers out of the public %s", p)
		}
	}
}

// TestSitemapEveryLinkAnswers checks that sitemap.xml lists every public page of every plan, the
// current and an older one, each with a date of change, and that every address in it answers 200.
func TestSitemapEveryLinkAnswers(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	ctx := t.Context()
	// A next plan, made current, with two commitments carried forward: 2023-24 becomes an older
	// plan at /plans/2023-24.
	staff, _ := createUser(t, app, tracker.RoleStaff, "")
	as := tracker.Actor{User: &staff, Label: "test"}
	old, err := app.Store.PlanBySlug(ctx, "2023-24")
	if err != nil {
		t.Fatal(err)
	}
	next, err := app.Store.CreatePlan(ctx, as, postgres.NewPlan{PreviousID: old.ID, CopyPriorities: true,
		Plan: tracker.Plan{Slug: "2024-25", Title: "Delivery Plan 2024-25", Period: "2024-25", PublishedOn: &fixedNow}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, ref := range []string{"4.1", "4.5"} {
		c, err := app.Store.CommitmentByRef(ctx, old.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if _, err := app.Store.CarryForward(ctx, as, next.ID, ids); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.MakeCurrent(ctx, as, next.ID, next.Version, ""); err != nil {
		t.Fatal(err)
	}

	c := anonymous(t, app)
	rec := c.do(c.request(http.MethodGet, "/sitemap.xml", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xml") {
		t.Fatalf("GET /sitemap.xml = %d, %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var set struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &set); err != nil {
		t.Fatalf("sitemap.xml: %v\n%s", err, rec.Body.String())
	}
	// Pages that change with no data, and so have no date of change.
	unchanging := map[string]bool{"/about/statuses": true, "/accessibility": true, "/privacy": true, "/cookies": true, "/contact": true}
	listed := map[string]bool{}
	for _, u := range set.URLs {
		path, ok := strings.CutPrefix(u.Loc, "http://example.com/")
		if !ok {
			t.Errorf("%s is not an absolute address on the site", u.Loc)
			continue
		}
		path = "/" + path
		if listed[path] {
			t.Errorf("%s listed twice", path)
		}
		listed[path] = true
		if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil && (u.LastMod != "" || !unchanging[path]) {
			t.Errorf("%s: lastmod %q: %v", path, u.LastMod, err)
		}
		if got := c.do(c.request(http.MethodGet, path, nil)); got.Code != http.StatusOK {
			t.Errorf("GET %s, listed in the sitemap, = %d", path, got.Code)
		}
	}

	want := []string{"/", "/commitments", "/data", "/about/statuses", "/accessibility", "/privacy", "/cookies", "/contact",
		"/commitments/4.1", "/commitments/4.5",
		"/plans/2023-24", "/plans/2023-24/commitments", "/plans/2023-24/commitments/4.2"}
	for _, p := range []tracker.Plan{{Slug: "2024-25", IsCurrent: true}, {Slug: "2023-24"}} {
		full, err := app.Store.PlanBySlug(ctx, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		priorities, err := app.Store.Priorities(ctx, full.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range priorities {
			want = append(want, paths.Priority(p, pr.Slug))
		}
		cs, err := app.Store.Commitments(ctx, postgres.CommitmentFilter{PlanID: full.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, cm := range cs {
			want = append(want, paths.Commitment(p, cm.Ref))
		}
	}
	orgs, err := app.Store.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		want = append(want, "/organisations/"+o.Code)
	}
	wanted := map[string]bool{}
	for _, p := range want {
		wanted[p] = true
		if !listed[p] {
			t.Errorf("the sitemap does not list %s", p)
		}
	}
	for p := range listed {
		if !wanted[p] {
			t.Errorf("the sitemap lists %s, which is not a public page of a plan", p)
		}
	}
}
