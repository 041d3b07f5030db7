package server

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"time"

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

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap serves sitemap.xml: every public page of every plan that is not retired (its overview,
// commitments finder, priority areas and commitments), the organisations, the open data page, what
// the statuses mean and the pages about the service, each with when what it shows last changed
// (but the last two, which change with no data). It is a public page (see publicPage): kept, and revalidated, per data version.
//
// A sitemap may list 50,000 addresses: a plan has a few hundred commitments at most.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	sm, err := s.reads(r.Context()).Sitemap(r.Context())
	if err != nil {
		return err
	}
	site := s.siteURL(r)
	set := sitemapURLSet{NS: sitemapNS}
	add := func(path string, changed time.Time) {
		u := sitemapURL{Loc: site + path}
		if !changed.IsZero() {
			u.LastMod = changed.UTC().Format(time.RFC3339)
		}
		set.URLs = append(set.URLs, u)
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
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(set); err != nil {
		s.logger.ErrorContext(r.Context(), "sitemap", "err", err)
	}
	return nil
}
