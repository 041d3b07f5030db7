package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// live is the portal behind a real net/http server, so that HEAD, Content-Length and chunking
// are as a client sees them. It never decompresses for the test.
type live struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
}

func newLive(t *testing.T, h http.Handler) *live {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &live{t: t, srv: srv, client: &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request as c (nil: anonymous, without cookies) with the headers given as name, value
// pairs, and returns the response with its body read.
func (l *live) do(c *client, method, path string, headers ...string) (*http.Response, []byte) {
	l.t.Helper()
	req, err := http.NewRequest(method, l.srv.URL+path, nil)
	if err != nil {
		l.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c != nil {
		for _, ck := range c.jar.Cookies(c.base) {
			req.AddCookie(ck)
		}
	}
	res, err := l.client.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		l.t.Fatal(err)
	}
	return res, b
}

// TestResponsesAreCompressed checks, for each kind of response, that gzip and brotli are sent when
// asked for, decode to the plain bytes, carry Vary: Accept-Encoding and a tag of their own, and
// answer If-None-Match with that tag; and that tiny bodies are sent plain.
func TestResponsesAreCompressed(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	l := newLive(t, app)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	for _, ref := range []string{"4.1", "4.2", "4.3"} { // a feed long enough to compress
		publish(t, app.Pool, ref, "on_track", strings.Repeat("Work goes on as planned with the partners. ", 10))
	}
	tests := []struct {
		name string
		as   *client
		path string
		tag  bool // the response has an entity tag
	}{
		{"public page", nil, "/", true},
		{"commitment page", nil, "/commitments/4.2", true},
		{"finder", nil, "/commitments?status=on_track", true},
		{"sitemap", nil, "/sitemap.xml", true},
		{"signed-in page", partner, "/report", false},
		{"page not found", nil, "/no/such/page", false},
		{"CSV", nil, "/commitments.csv", true},
		{"JSON", nil, "/updates.json", true},
		{"Atom feed", nil, "/updates.atom", true},
		{"stylesheet", nil, web.AssetPath("app.css"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plainRes, plain := l.do(tt.as, http.MethodGet, tt.path)
			if len(plain) < 1024 {
				t.Fatalf("%s: %d bytes, too few to be compressed", tt.path, len(plain))
			}
			for _, c := range []struct{ accept, enc string }{
				{"gzip", "gzip"}, {"gzip, deflate, br", "br"}, {"br;q=0.5, gzip;q=0.9", "gzip"}, {"br;q=0, gzip;q=0", ""},
			} {
				res, body := l.do(tt.as, http.MethodGet, tt.path, "Accept-Encoding", c.accept)
				if res.StatusCode != plainRes.StatusCode || res.Header.Get("Content-Encoding") != c.enc {
					t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q; want %d, %q", c.accept, res.StatusCode,
						res.Header.Get("Content-Encoding"), plainRes.StatusCode, c.enc)
					continue
				}
				if !bytes.Equal(decodeBody(t, c.enc, body), plain) {
					t.Errorf("Accept-Encoding %q: decodes to other bytes than the plain response", c.accept)
				}
				if c.enc != "" && len(body) >= len(plain) {
					t.Errorf("Accept-Encoding %q: %d bytes, no fewer than %d", c.accept, len(body), len(plain))
				}
				if vary := res.Header.Values("Vary"); len(vary) != 1 || !strings.Contains(vary[0], "Accept-Encoding") {
					t.Errorf("Accept-Encoding %q: Vary %q, want one line with Accept-Encoding", c.accept, vary)
				}
				if !tt.tag {
					continue
				}
				tag := res.Header.Get("ETag")
				if (tag == plainRes.Header.Get("ETag")) != (c.enc == "") || tag == "" {
					t.Errorf("Accept-Encoding %q: ETag %s, plain %s: each encoding needs its own", c.accept, tag, plainRes.Header.Get("ETag"))
				}
				nm, nb := l.do(tt.as, http.MethodGet, tt.path, "Accept-Encoding", c.accept, "If-None-Match", tag)
				if nm.StatusCode != http.StatusNotModified || len(nb) != 0 || nm.Header.Get("ETag") != tag {
					t.Errorf("Accept-Encoding %q, If-None-Match %s: %d, ETag %s; want 304", c.accept, tag, nm.StatusCode, nm.Header.Get("ETag"))
				}
			}
		})
	}

	// Tiny bodies are not worth compressing.
	for _, path := range []string{"/healthz", "/robots.txt"} {
		res, body := l.do(nil, http.MethodGet, path, "Accept-Encoding", "br, gzip")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || len(body) >= 1024 {
			t.Errorf("%s: %d, Content-Encoding %q for %d bytes; want it plain", path, res.StatusCode, res.Header.Get("Content-Encoding"), len(body))
		}
	}
	// A static file compressed once when the portal starts is not compressed again on its way out:
	// decoding it once gives the file.
	_, svg := l.do(nil, http.MethodGet, web.AssetPath("images/ogl.svg"))
	res, body := l.do(nil, http.MethodGet, web.AssetPath("images/ogl.svg"), "Accept-Encoding", "br")
	if enc := res.Header.Get("Content-Encoding"); enc != "br" || !bytes.Equal(decodeBody(t, enc, body), svg) {
		t.Errorf("the logo, sent with Content-Encoding %q, does not decode once to the file", enc)
	}
}

// TestHeadAnswersEveryGet checks that HEAD on pages, downloads, feeds and static files answers
// as GET does, with the same headers and no body.
func TestHeadAnswersEveryGet(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	l := newLive(t, app)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	paths := []struct {
		as   *client
		path string
	}{
		{nil, "/"}, {nil, "/commitments/4.2"}, {nil, "/commitments?status=delayed"}, {nil, "/organisations/NES"},
		{nil, "/data"}, {nil, "/commitments.csv"}, {nil, "/updates.json"}, {nil, "/updates.atom"},
		{nil, "/commitments/4.2/updates.atom"}, {nil, web.AssetPath("app.css")}, {nil, web.AssetPath("images/ogl.svg")},
		{nil, "/robots.txt"}, {nil, "/sitemap.xml"}, {nil, "/sign-in"}, {nil, "/no/such/page"}, {nil, "/healthz"},
		{partner, "/report"}, {partner, "/commitments/4.2"},
	}
	for _, p := range paths {
		for _, accept := range []string{"", "gzip, br"} {
			get, _ := l.do(p.as, http.MethodGet, p.path, "Accept-Encoding", accept)
			head, body := l.do(p.as, http.MethodHead, p.path, "Accept-Encoding", accept)
			if head.StatusCode != get.StatusCode || len(body) != 0 {
				t.Errorf("HEAD %s (%q): %d with %d bytes; GET %d", p.path, accept, head.StatusCode, len(body), get.StatusCode)
				continue
			}
			for _, h := range []http.Header{get.Header, head.Header} {
				h.Del("Date")
				h.Del("X-Request-Id")
			}
			for k := range mergeKeys(get.Header, head.Header) {
				if g, h := strings.Join(get.Header.Values(k), ", "), strings.Join(head.Header.Values(k), ", "); g != h {
					t.Errorf("HEAD %s (%q): %s %q, GET's %q", p.path, accept, k, h, g)
				}
			}
		}
	}
}

func mergeKeys(a, b http.Header) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// TestMethodNotAllowed checks that a 405 names the methods the address takes in Allow, and is the
// design system's error page.
func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	tests := []struct {
		as           *client
		method, path string
		allow        string
	}{
		{c, http.MethodDelete, "/", "GET, HEAD"},
		{c, http.MethodPost, "/commitments/4.2", "GET, HEAD"},
		{c, http.MethodPut, "/commitments.csv", "GET, HEAD"},
		{c, http.MethodPost, "/updates.atom", "GET, HEAD"},
		{c, http.MethodGet, "/sign-out", "POST"},
		{c, http.MethodDelete, "/sign-in", "GET, HEAD, POST"},
		{c, http.MethodPost, web.AssetPath("app.css"), "GET, HEAD"},
		{c, http.MethodPost, "/sitemap.xml", "GET, HEAD"},
		{admin, http.MethodGet, "/admin/plans/2023-24/import/apply", "POST"},
		{admin, http.MethodPatch, "/admin/users", "GET, HEAD, POST"},
	}
	for _, tt := range tests {
		rec := tt.as.do(tt.as.request(tt.method, tt.path, nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s = %d, want 405", tt.method, tt.path, rec.Code)
			continue
		}
		if got := rec.Header().Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s %s: Content-Type %q, want the HTML error page", tt.method, tt.path, ct)
		}
		doc, err := goquery.NewDocumentFromReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if h1 := strings.TrimSpace(doc.Find("main h1.ds_page-header__title").Text()); h1 != "This page cannot be used in that way" {
			t.Errorf("%s %s: heading %q, want the 405 page's", tt.method, tt.path, h1)
		}
		if doc.Find("header.ds_site-header").Length() != 1 || doc.Find("footer.ds_site-footer").Length() != 1 {
			t.Errorf("%s %s: not in the design system's page frame", tt.method, tt.path)
		}
		if title := doc.Find("title").Text(); !strings.HasPrefix(title, "This page cannot be used in that way") {
			t.Errorf("%s %s: title %q", tt.method, tt.path, title)
		}
	}
}

// TestOneVaryHeader checks that every kind of response names each field it varies on once, in one
// Vary header: the public pages vary on Cookie and Accept-Encoding.
func TestOneVaryHeader(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	first := c.do(c.request(http.MethodGet, "/", nil))
	notModified := c.request(http.MethodGet, "/", nil)
	notModified.Header.Set("If-None-Match", first.Header().Get("ETag"))
	tests := []struct {
		name string
		as   *client
		req  *http.Request
		want []string
	}{
		{"public page", c, c.request(http.MethodGet, "/", nil), []string{"Cookie", "Accept-Encoding"}},
		{"not modified", c, notModified, []string{"Cookie", "Accept-Encoding"}},
		{"signed-in page", partner, partner.request(http.MethodGet, "/report", nil), []string{"Cookie", "Accept-Encoding"}},
		{"signed-in public page", partner, partner.request(http.MethodGet, "/commitments/4.2", nil), []string{"Cookie", "Accept-Encoding"}},
		{"not found", c, c.request(http.MethodGet, "/no/such/page", nil), []string{"Cookie", "Accept-Encoding"}},
		{"download", c, c.request(http.MethodGet, "/updates.csv", nil), []string{"Cookie", "Accept-Encoding"}},
		{"feed", c, c.request(http.MethodGet, "/updates.atom", nil), []string{"Cookie", "Accept-Encoding"}},
		{"static", c, c.request(http.MethodGet, web.AssetPath("app.css"), nil), []string{"Accept-Encoding"}},
		{"redirect", c, c.request(http.MethodGet, "/report", nil), []string{"Cookie", "Accept-Encoding"}},
	}
	for _, tt := range tests {
		tt.req.Header.Set("Accept-Encoding", "gzip, br")
		rec := tt.as.do(tt.req)
		lines := rec.Header().Values("Vary")
		if len(lines) != 1 {
			t.Errorf("%s: %d Vary headers %q, want one", tt.name, len(lines), lines)
			continue
		}
		var got []string
		for _, v := range strings.Split(lines[0], ",") {
			got = append(got, strings.TrimSpace(v))
		}
		if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
			t.Errorf("%s: Vary %q, want %q", tt.name, lines[0], strings.Join(tt.want, ", "))
		}
	}
}

// TestPermissionsPolicy checks that Permissions-Policy turns off the features the portal never
// uses, each once, and names none that browsers have dropped.
func TestPermissionsPolicy(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	for _, path := range []string{"/", web.AssetPath("app.css"), "/no/such/page"} {
		rec := c.do(c.request(http.MethodGet, path, nil))
		lines := rec.Header().Values("Permissions-Policy")
		if len(lines) != 1 {
			t.Fatalf("%s: %d Permissions-Policy headers", path, len(lines))
		}
		seen := map[string]bool{}
		item := regexp.MustCompile(`^([a-z-]+)=\(\)$`)
		for _, d := range strings.Split(lines[0], ",") {
			m := item.FindStringSubmatch(strings.TrimSpace(d))
			if m == nil {
				t.Errorf("%s: %q is not a feature turned off", path, d)
				continue
			}
			if seen[m[1]] {
				t.Errorf("%s: %s named twice", path, m[1])
			}
			seen[m[1]] = true
		}
		for _, gone := range []string{"interest-cohort", "document-domain", "vibrate", "ambient-light-sensor", "speaker"} {
			if seen[gone] {
				t.Errorf("%s: names %s, which browsers no longer have", path, gone)
			}
		}
		for _, off := range []string{"camera", "microphone", "geolocation", "payment", "usb"} {
			if !seen[off] {
				t.Errorf("%s: does not turn off %s", path, off)
			}
		}
	}
}
