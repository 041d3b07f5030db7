package server_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const atomNS = "http://www.w3.org/2005/Atom"

// The Atom elements the tests read, with the namespace they must be in.
type atomDoc struct {
	XMLName xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	ID      []string     `xml:"http://www.w3.org/2005/Atom id"`
	Title   []atomText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []atomPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links   []atomLink   `xml:"http://www.w3.org/2005/Atom link"`
	Entries []atomEntry  `xml:"http://www.w3.org/2005/Atom entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Name []string `xml:"http://www.w3.org/2005/Atom name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID        []string     `xml:"http://www.w3.org/2005/Atom id"`
	Title     []atomText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated   []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Published []string     `xml:"http://www.w3.org/2005/Atom published"`
	Authors   []atomPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links     []atomLink   `xml:"http://www.w3.org/2005/Atom link"`
	Summary   []atomText   `xml:"http://www.w3.org/2005/Atom summary"`
	Content   atomText     `xml:"http://www.w3.org/2005/Atom content"`
}

// parseFeed parses an Atom feed and checks what RFC 4287 requires of it: a feed has exactly one
// id, title and updated, an author (or every entry has one) and a self link; each entry has
// exactly one id, title and updated, a summary or content, and an alternate link where it has no
// content; ids are IRIs; dates are RFC 3339; no two entries share an id.
func parseFeed(t *testing.T, body []byte) atomDoc {
	t.Helper()
	var f atomDoc
	if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&f); err != nil {
		t.Fatalf("parse feed: %v\n%s", err, body)
	}
	one := func(what string, n int) {
		if n != 1 {
			t.Errorf("%s occurs %d times, want exactly once", what, n)
		}
	}
	isIRI := func(what, s string) {
		if !strings.HasPrefix(s, "tag:") && !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
			t.Errorf("%s %q is not an IRI", what, s)
		}
	}
	isDate := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not an RFC 3339 date", what, s)
		}
	}
	one("feed id", len(f.ID))
	one("feed title", len(f.Title))
	one("feed updated", len(f.Updated))
	if len(f.ID) == 1 {
		isIRI("feed id", f.ID[0])
	}
	if len(f.Updated) == 1 {
		isDate("feed updated", f.Updated[0])
	}
	self := 0
	for _, l := range f.Links {
		if l.Rel == "self" {
			self++
			if !strings.HasPrefix(l.Href, "http") {
				t.Errorf("self link %q is not absolute", l.Href)
			}
		}
	}
	one("feed self link", self)
	feedAuthor := len(f.Authors) > 0 && len(f.Authors[0].Name) == 1
	ids := map[string]bool{}
	for i, e := range f.Entries {
		one("entry id", len(e.ID))
		one("entry title", len(e.Title))
		one("entry updated", len(e.Updated))
		if len(e.ID) == 1 {
			isIRI("entry id", e.ID[0])
			if ids[e.ID[0]] {
				t.Errorf("entry id %q occurs twice", e.ID[0])
			}
			ids[e.ID[0]] = true
		}
		if len(e.Updated) == 1 {
			isDate("entry updated", e.Updated[0])
		}
		if !feedAuthor && (len(e.Authors) == 0 || len(e.Authors[0].Name) != 1) {
			t.Errorf("entry %d has no author and neither has the feed", i)
		}
		if e.Content.Body == "" && len(e.Summary) == 0 {
			t.Errorf("entry %d has neither content nor summary", i)
		}
		alternate := slices.ContainsFunc(e.Links, func(l atomLink) bool { return l.Rel == "alternate" || l.Rel == "" })
		if e.Content.Body == "" && !alternate {
			t.Errorf("entry %d has no content and no alternate link", i)
		}
	}
	return f
}

func TestFeeds(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	ctx := context.Background()
	// Two updates published through the site on 4.1 and one on 5.1, a draft and a submitted
	// update that must stay out, and the plan reports from the seed, which have no publication
	// date and are left out.
	if _, err := e.pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at, organisation_id)
		SELECT c.id, v.state, v.status, v.narrative, v.published_at::timestamptz,
		       CASE WHEN v.state = 'published' THEN (SELECT id FROM organisations WHERE code = 'NES') END
		FROM commitments c JOIN (VALUES
			('4.1', 'published', 'on_track', 'Cohort 4 recruited.', '2026-09-01 09:00:00+01'),
			('4.1', 'published', 'at_risk', 'Funding for cohort 5 is not yet agreed.', '2026-10-15 14:30:00+01'),
			('5.1', 'published', 'delivered', 'Exchange programme complete.', '2026-08-20 10:00:00+01'),
			('4.1', 'draft', 'delayed', 'Draft words', NULL),
			('4.1', 'submitted', 'delayed', 'Submitted words', NULL)
		) AS v (ref, state, status, narrative, published_at) ON v.ref = c.ref`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		self     string
		page     string
		wantText []string
	}{
		{"/updates.atom", "https://tracker.example.gov.scot/updates.atom", "https://tracker.example.gov.scot/",
			[]string{"Funding for cohort 5 is not yet agreed.", "Cohort 4 recruited.", "Exchange programme complete."}},
		{"/priorities/digital-skills-and-leadership/updates.atom", "https://tracker.example.gov.scot/priorities/digital-skills-and-leadership/updates.atom",
			"https://tracker.example.gov.scot/priorities/digital-skills-and-leadership",
			[]string{"Funding for cohort 5 is not yet agreed.", "Cohort 4 recruited."}},
		{"/commitments/5.1/updates.atom", "https://tracker.example.gov.scot/commitments/5.1/updates.atom",
			"https://tracker.example.gov.scot/commitments/5.1", []string{"Exchange programme complete."}},
		{"/plans/2023-24/commitments/5.1/updates.atom", "https://tracker.example.gov.scot/commitments/5.1/updates.atom",
			"https://tracker.example.gov.scot/commitments/5.1", []string{"Exchange programme complete."}},
		{"/priorities/digital-access/updates.atom", "https://tracker.example.gov.scot/priorities/digital-access/updates.atom",
			"https://tracker.example.gov.scot/priorities/digital-access", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := fetch(t, e.h, tt.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/atom+xml; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			body := rec.Body.Bytes()
			if !bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
				t.Error("no XML declaration")
			}
			f := parseFeed(t, body)
			if f.XMLName.Space != atomNS {
				t.Errorf("root element in %q", f.XMLName.Space)
			}
			var self, alternate string
			for _, l := range f.Links {
				switch l.Rel {
				case "self":
					self = l.Href
				case "alternate":
					alternate = l.Href
				}
			}
			if self != tt.self || alternate != tt.page {
				t.Errorf("self %q, alternate %q; want %q, %q", self, alternate, tt.self, tt.page)
			}
			var got []string
			var last time.Time
			for i, entry := range f.Entries {
				for _, w := range tt.wantText {
					if strings.Contains(entry.Content.Body, w) {
						got = append(got, w)
					}
				}
				updated, _ := time.Parse(time.RFC3339, entry.Updated[0])
				if i > 0 && updated.After(last) {
					t.Errorf("entries are not newest first")
				}
				last = updated
				if i == 0 && f.Updated[0] != entry.Updated[0] {
					t.Errorf("feed updated %s, newest entry %s", f.Updated[0], entry.Updated[0])
				}
				if len(entry.Links) == 0 || !strings.HasPrefix(entry.Links[0].Href, "https://tracker.example.gov.scot/commitments/") {
					t.Errorf("entry links to %v", entry.Links)
				}
				if entry.Authors[0].Name[0] != "NHS Education for Scotland" {
					t.Errorf("entry author = %q", entry.Authors[0].Name)
				}
			}
			if len(got) != len(tt.wantText) || !slices.Equal(got, tt.wantText) {
				t.Errorf("entries = %q, want %q", got, tt.wantText)
			}
			s := string(body)
			for _, never := range []string{"Draft words", "Submitted words", "Completed", "International Engagement"} {
				if strings.Contains(s, never) {
					t.Errorf("the feed holds %q", never)
				}
			}
		})
	}
	// The same update has the same id in every feed it is in, and keeps it.
	all := parseFeed(t, fetch(t, e.h, "/updates.atom").Body.Bytes())
	one := parseFeed(t, fetch(t, e.h, "/commitments/5.1/updates.atom").Body.Bytes())
	if len(all.Entries) == 0 || len(one.Entries) != 1 || !slices.ContainsFunc(all.Entries, func(x atomEntry) bool { return x.ID[0] == one.Entries[0].ID[0] }) {
		t.Error("an update's entry id differs between feeds")
	}
	for _, path := range []string{"/priorities/nope/updates.atom", "/commitments/9.9/updates.atom", "/commitments/x/updates.atom", "/plans/1999-00/updates.atom"} {
		if rec := fetch(t, e.h, path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
}

// TestPagesAdvertiseFeeds checks that each page with a feed names it in its head.
func TestPagesAdvertiseFeeds(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 0)
	for path, want := range map[string]string{
		"/": "/updates.atom",
		"/priorities/digital-skills-and-leadership": "/priorities/digital-skills-and-leadership/updates.atom",
		"/commitments/4.2":                          "/commitments/4.2/updates.atom",
		"/plans/2023-24/commitments":                "/updates.atom",
	} {
		_, doc := get(t, e.h, path)
		links := doc.Find(`head link[rel="alternate"][type="application/atom+xml"]`)
		var hrefs []string
		for i := range links.Length() {
			hrefs = append(hrefs, links.Eq(i).AttrOr("href", ""))
			if links.Eq(i).AttrOr("title", "") == "" {
				t.Errorf("%s: feed link has no title", path)
			}
		}
		if !slices.Contains(hrefs, want) {
			t.Errorf("%s advertises %q, want %q", path, hrefs, want)
		}
		if rec := fetch(t, e.h, want); rec.Code != http.StatusOK {
			t.Errorf("%s advertises %s, which answers %d", path, want, rec.Code)
		}
	}
}
