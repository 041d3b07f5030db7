package server

import (
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// robots serves robots.txt: crawlers may read the public pages and the open data, but not the
// pages of signed-in users or of signing in (paths.Private), and are pointed at the sitemap.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	var b strings.Builder
	b.WriteString("# Delivery Tracker: the public pages and open data may be indexed.\n")
	b.WriteString("User-agent: *\n")
	for _, p := range paths.Private {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("\nSitemap: " + s.siteURL(r) + paths.Sitemap + "\n")
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=86400")
	_, _ = io.WriteString(w, b.String())
	return nil
}

// sitemapNS is the namespace of the sitemaps protocol.
const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// MaxSitemapURLs is the most addresses the sitemaps protocol lets one sitemap file list.
const MaxSitemapURLs = 50_000

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemap serves sitemap.xml: every public page of every plan that is not retired (its overview,
// commitments finder, priority areas and commitments), the organisations, the open data page, what
// the statuses mean and the pages about the service, each with when what it shows last changed
// (but the last two, which change with no data). It is a public page (see publicPage): kept, and revalidated, per data version.
//
// A sitemap file may list 50,000 addresses (MaxSitemapURLs). With more, as plans of thousands of
// commitments follow one another, sitemap.xml is a sitemap index instead, listing the parts at
// /sitemaps/{n}.xml (sitemapPart), each of up to 50,000 addresses with the latest change in it.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	urls, err := s.sitemapURLs(r)
	if err != nil {
		return err
	}
	if len(urls) <= s.sitemapSize {
		return s.writeSitemap(w, r, sitemapURLSet{NS: sitemapNS, URLs: urls})
	}
	site := s.siteURL(r)
	index := sitemapIndex{NS: sitemapNS}
	for n := 1; n <= pageCount(len(urls), s.sitemapSize); n++ {
		var latest string
		for _, u := range s.sitemapChunk(urls, n) {
			latest = max(latest, u.LastMod) // RFC 3339 in UTC: in order as text
		}
		index.Sitemaps = append(index.Sitemaps, sitemapURL{Loc: site + paths.SitemapPart(n), LastMod: latest})
	}
	return s.writeSitemap(w, r, index)
}

// sitemapPart serves /sitemaps/{n}.xml: the nth part of a sitemap too long for one file, which
// sitemap.xml lists. It is not found while the sitemap fits in one file.
func (s *Server) sitemapPart(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(chi.URLParam(r, "part"))
	if err != nil || n < 1 || n > MaxSitemapURLs {
		return tracker.ErrNotFound
	}
	urls, err := s.sitemapURLs(r)
	if err != nil {
		return err
	}
	chunk := s.sitemapChunk(urls, n)
	if len(urls) <= s.sitemapSize || len(chunk) == 0 {
		return tracker.ErrNotFound
	}
	return s.writeSitemap(w, r, sitemapURLSet{NS: sitemapNS, URLs: chunk})
}

// sitemapChunk is the nth part, from 1, of the sitemap's addresses: empty past the end.
func (s *Server) sitemapChunk(urls []sitemapURL, n int) []sitemapURL {
	from := (n - 1) * s.sitemapSize
	if from >= len(urls) {
		return nil
	}
	return urls[from:min(from+s.sitemapSize, len(urls))]
}

// sitemapURLs lists every address the sitemap gives, in order (see sitemap).
func (s *Server) sitemapURLs(r *http.Request) ([]sitemapURL, error) {
	sm, err := s.reads(r.Context()).Sitemap(r.Context())
	if err != nil {
		return nil, err
	}
	site := s.siteURL(r)
	var urls []sitemapURL
	add := func(path string, changed time.Time) {
		u := sitemapURL{Loc: site + path}
		if !changed.IsZero() {
			u.LastMod = changed.UTC().Format(time.RFC3339)
		}
		urls = append(urls, u)
	}
	for _, p := range sm.Plans {
		plan := tracker.Plan{Slug: p.Plan.Slug, IsCurrent: p.Plan.IsCurrent}
		if plan.IsCurrent {
			add(paths.Data, p.Changed) // the open data page describes the current plan
		}
		add(paths.Overview(plan), p.Changed)
		add(paths.Commitments(plan), p.Changed)
		for _, pr := range p.Priorities {
			add(paths.Priority(plan, pr.Key), pr.Changed)
		}
		for _, c := range p.Commitments {
			add(paths.Commitment(plan, c.Key), c.Changed)
		}
	}
	for _, o := range sm.Organisations {
		add(paths.Organisation(o.Key), o.Changed)
	}
	// Pages that change with no data.
	add(paths.Statuses, time.Time{})
	for _, p := range infoPages {
		add(p.path, time.Time{})
	}
	return urls, nil
}

// writeSitemap writes a sitemap file or index as XML.
func (s *Server) writeSitemap(w http.ResponseWriter, r *http.Request, v any) error {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.logger.ErrorContext(r.Context(), "sitemap", "err", err)
	}
	return nil
}
