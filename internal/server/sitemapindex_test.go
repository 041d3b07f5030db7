package server_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/server"
)

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// getSitemap asks for a sitemap file or index at path and returns its entries, failing the test
// unless it answers 200 with XML whose root is root (urlset or sitemapindex).
func getSitemap(t *testing.T, c *client, path, root string) []sitemapEntry {
	t.Helper()
	rec := c.do(c.request(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xml") {
		t.Fatalf("GET %s = %d, %s", path, rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		XMLName  xml.Name
		URLs     []sitemapEntry `xml:"url"`
		Sitemaps []sitemapEntry `xml:"sitemap"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, rec.Body.String())
	}
	if doc.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || doc.XMLName.Local != root {
		t.Fatalf("%s is a %s, want a %s:\n%s", path, doc.XMLName.Local, root, rec.Body.String())
	}
	return append(doc.URLs, doc.Sitemaps...)
}

// TestSitemapIndex: a sitemap with more addresses than one file may list (50,000 by the
// protocol; 7 here) becomes a sitemap index of parts at /sitemaps/{n}.xml, each listing at most
// that many, with the latest change in it; together the parts list exactly what one file would,
// in the same order. A part past the end is not found, and no part is found while the sitemap
// fits in one file.
func TestSitemapIndex(t *testing.T) {
	t.Parallel()
	const size = 7
	app := newApp(t, withConfig(func(c *server.Config) { c.SitemapSize = size }))
	whole := app.Config
	whole.SitemapSize = 0
	one := anonymous(t, server.New(whole))
	all := getSitemap(t, one, "/sitemap.xml", "urlset")
	if len(all) <= 2*size {
		t.Fatalf("the seeded plan's sitemap lists %d addresses: too few to need three parts of %d", len(all), size)
	}
	if rec := one.do(one.request(http.MethodGet, "/sitemaps/1.xml", nil)); rec.Code != http.StatusNotFound {
		t.Errorf("GET /sitemaps/1.xml of a sitemap in one file = %d, want 404", rec.Code)
	}

	c := anonymous(t, app)
	index := getSitemap(t, c, "/sitemap.xml", "sitemapindex")
	if want := (len(all) + size - 1) / size; len(index) != want {
		t.Fatalf("the index lists %d parts for %d addresses, want %d", len(index), len(all), want)
	}
	var parts []sitemapEntry
	for i, e := range index {
		path := fmt.Sprintf("/sitemaps/%d.xml", i+1)
		if e.Loc != "http://example.com"+path {
			t.Errorf("part %d is at %s, want %s", i+1, e.Loc, path)
		}
		urls := getSitemap(t, c, path, "urlset")
		if len(urls) == 0 || len(urls) > size {
			t.Errorf("%s lists %d addresses, want 1 to %d", path, len(urls), size)
		}
		latest := ""
		for _, u := range urls {
			latest = max(latest, u.LastMod)
		}
		if e.LastMod != latest {
			t.Errorf("the index gives %s the date %q, want its latest change %q", path, e.LastMod, latest)
		}
		parts = append(parts, urls...)
	}
	if len(parts) != len(all) {
		t.Fatalf("the parts list %d addresses, the whole sitemap %d", len(parts), len(all))
	}
	for i := range all {
		if parts[i] != all[i] {
			t.Errorf("address %d: the parts give %v, the whole sitemap %v", i+1, parts[i], all[i])
		}
	}
	for _, path := range []string{"/sitemaps/0.xml", fmt.Sprintf("/sitemaps/%d.xml", len(index)+1), "/sitemaps/x.xml",
		"/sitemaps/-1.xml", "/sitemaps/99999999999999999999.xml"} {
		if rec := c.do(c.request(http.MethodGet, path, nil)); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
}
