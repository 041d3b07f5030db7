package server

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// feedLength is how many of the latest published updates a feed holds.
const feedLength = 50

// The Atom 1.0 document (RFC 4287), as much of it as the feeds use.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Rights   string      `xml:"rights,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     string         `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published"`
	Author    atomPerson     `xml:"author"`
	Links     []atomLink     `xml:"link"`
	Category  []atomCategory `xml:"category"`
	Summary   atomText       `xml:"summary"`
	Content   atomText       `xml:"content"`
}

// feedSubject is what a feed is about: the plan, a priority area or a commitment.
type feedSubject struct {
	plan     tracker.Plan
	filter   postgres.UpdateFilter
	title    string
	idPath   string // the feed's id, under the plan's stable tag
	feedPath string // the feed's address
	pagePath string // the page the feed follows
}

// tagID returns a tag URI (RFC 4151) for a thing on the site. Tag URIs stay the same when a plan
// stops being the current one and its pages move under /plans/{slug}, so readers never see an
// entry twice. The authority is the site's host name.
func (s *Server) tagID(r *http.Request, specific string) string {
	host := r.Host
	if u, err := url.Parse(s.siteURL(r)); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + ",2023:" + specific
}

// subjectFeed is the feed of the updates filter selects in the plan. about names its subject for
// the title (empty for the whole plan), and under is the subject's place below the plan in the
// feed's id, such as "/priorities/skills".
func subjectFeed(plan tracker.Plan, filter postgres.UpdateFilter, about, under, feedPath, pagePath string) feedSubject {
	title := "Progress on " + plan.Title
	if about != "" {
		title = "Progress on " + about + ", " + plan.Title
	}
	filter.PlanID = plan.ID
	return feedSubject{plan: plan, filter: filter, title: title, idPath: "plans/" + plan.Slug + under + "/updates",
		feedPath: feedPath, pagePath: pagePath}
}

func (s *Server) planFeed(r *http.Request) (feedSubject, error) {
	plan, err := s.plan(r)
	return subjectFeed(plan, postgres.UpdateFilter{}, "", "", paths.Feed(plan), paths.Overview(plan)), err
}

func (s *Server) priorityFeed(r *http.Request) (feedSubject, error) {
	plan, p, err := s.priorityInPath(r)
	return subjectFeed(plan, postgres.UpdateFilter{PriorityID: p.ID}, p.Name, "/priorities/"+p.Slug,
		paths.PriorityFeed(plan, p.Slug), paths.Priority(plan, p.Slug)), err
}

func (s *Server) commitmentFeed(r *http.Request) (feedSubject, error) {
	plan, c, err := s.commitmentInPath(r)
	return subjectFeed(plan, postgres.UpdateFilter{CommitmentID: c.ID}, "commitment "+c.Ref, "/commitments/"+c.Ref,
		paths.CommitmentFeed(plan, c.Ref), paths.Commitment(plan, c.Ref)), err
}

// feed serves the Atom feed of a subject's latest published updates.
//
// Only updates published through this site are entries. Progress taken from the published plans
// has no recorded day of publication, and an Atom entry must say when it was updated: rather than
// invent a date, or date it by when it was loaded into the site, feeds leave that progress out.
// It is in /updates.csv and on each commitment's page, and the data page says so.
func (s *Server) feed(subjectOf func(*http.Request) (feedSubject, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		subject, err := subjectOf(r)
		if err != nil {
			return err
		}
		return s.serveFeed(w, r, subject)
	}
}

// serveFeed serves the Atom feed of the subject.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, subject feedSubject) error {
	ctx := r.Context()
	version, err := s.reads(ctx).OpenDataVersion(ctx, subject.plan.ID)
	if err != nil {
		return err
	}
	if s.notModified(w, r, etag("feed", subject.feedPath, strconv.FormatInt(version.Version, 10)), version.Changed) {
		return nil
	}
	updates, err := s.reads(ctx).FeedUpdates(ctx, subject.filter, feedLength)
	if err != nil {
		return err
	}
	site := s.siteURL(r)
	feed := atomFeed{
		Lang:     "en-GB",
		ID:       s.tagID(r, subject.idPath),
		Title:    subject.title,
		Subtitle: "Progress published on the commitments of " + subject.plan.Title + ", by the organisations that lead them.",
		Author:   atomPerson{Name: "Scottish Government", URI: site + "/"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: site + subject.feedPath},
			{Rel: "alternate", Type: "text/html", Href: site + subject.pagePath},
			{Rel: "license", Href: web.LicenceURL, Title: web.LicenceName},
		},
		Rights: subject.plan.Attribution,
	}
	// The feed changed last when its newest entry was published. With no entries yet, it dates
	// from the plan's publication, or failing that from the data's last change.
	updated := version.Changed
	if subject.plan.PublishedOn != nil {
		updated = *subject.plan.PublishedOn
	}
	for i, u := range updates {
		if i == 0 {
			updated = *u.PublishedAt
		}
		feed.Entries = append(feed.Entries, s.feedEntry(r, site, subject.plan, u))
	}
	feed.Updated = isoTime(updated)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.logger.ErrorContext(ctx, "feed", "err", err)
	}
	return nil
}

// feedEntry is a published update as a feed entry. Its id is a tag URI of the update's number,
// which never changes; a published update never changes either, so it was last updated when it
// was published.
func (s *Server) feedEntry(r *http.Request, site string, plan tracker.Plan, u postgres.PublishedUpdate) atomEntry {
	page := site + paths.Commitment(plan, u.CommitmentRef)
	var content strings.Builder
	content.WriteString("Commitment " + u.CommitmentRef + ": " + u.Deliver + "\n\n")
	content.WriteString("Status: " + u.Label() + "\n")
	if u.Expected != nil {
		content.WriteString("Expected: " + u.Expected.String() + "\n")
	}
	content.WriteString("Reported by: " + u.Reporter() + "\n")
	if u.Narrative != "" {
		content.WriteString("\n" + u.Narrative + "\n")
	}
	if u.EvidenceURL != "" {
		content.WriteString("\nEvidence: " + u.EvidenceURL + "\n")
	}
	summary := u.Label()
	if u.Narrative != "" {
		summary += ": " + firstLine(u.Narrative, 200)
	}
	published := isoTime(*u.PublishedAt)
	return atomEntry{
		ID:        s.tagID(r, "updates/"+strconv.FormatInt(u.ID, 10)),
		Title:     "Commitment " + u.CommitmentRef + ": " + u.Label(),
		Updated:   published,
		Published: published,
		Author:    atomPerson{Name: u.Reporter()},
		Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: page}},
		Category:  []atomCategory{{Term: string(u.Status), Label: u.Status.Label()}},
		Summary:   atomText{Type: "text", Body: summary},
		Content:   atomText{Type: "text", Body: content.String()},
	}
}

// firstLine returns the first line of s, cut at a word to at most n characters.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		cut := string(r[:n])
		if i := strings.LastIndex(cut, " "); i > n/2 {
			cut = cut[:i]
		}
		return cut + "…"
	}
	return s
}
