package server

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

type format string

const (
	formatCSV  format = "csv"
	formatJSON format = "json"
)

// baseURL returns the site's public address, without a trailing slash: BASE_URL, or where the
// request was sent when it is unset.
func (s *Server) siteURL(r *http.Request) string {
	if s.baseURL != "" {
		return strings.TrimRight(s.baseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// etag returns a strong entity tag naming the parts and the build, whose code decides the bytes.
func etag(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(append(parts, build()), "\x00")))
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// notModified sets a representation's validators and answers a conditional GET: it writes 304 Not
// Modified and returns true when the client's copy is current. If-None-Match, when sent, decides;
// otherwise If-Modified-Since does. modified is clamped to now, because a response may not claim
// to have changed after it was sent.
func (s *Server) notModified(w http.ResponseWriter, r *http.Request, tag string, modified time.Time) bool {
	modified = s.lastModified(modified)
	h := w.Header()
	// Downloads and feeds are compressed when the client asks: each encoding has its own tag.
	tag = withEncoding(tag, negotiated(r))
	addVary(h, "Accept-Encoding")
	h.Set("ETag", tag)
	h.Set("Last-Modified", modified.Format(http.TimeFormat))
	h.Set("Cache-Control", "public, no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etagMatches(inm, tag) {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !modified.After(t) {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

// lastModified returns modified as Last-Modified gives it: to the second, and no later than now.
func (s *Server) lastModified(modified time.Time) time.Time {
	if now := s.now(); modified.After(now) {
		modified = now
	}
	return modified.UTC().Truncate(time.Second)
}

// csvWriter writes RFC 4180 CSV that Excel opens correctly: UTF-8 with a byte order mark, CRLF
// line ends, fields quoted where they need it, and cells that a spreadsheet would run as a
// formula neutralised.
type csvWriter struct {
	w   *csv.Writer
	bom bool
	out io.Writer
}

func newCSVWriter(out io.Writer) *csvWriter {
	w := csv.NewWriter(out)
	w.UseCRLF = true
	return &csvWriter{w: w, out: out}
}

func (c *csvWriter) Write(record []string) error {
	if !c.bom {
		c.bom = true
		if _, err := io.WriteString(c.out, "\ufeff"); err != nil {
			return err
		}
	}
	for i, v := range record {
		record[i] = csvCell(v)
	}
	return c.w.Write(record)
}

func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// csvCell neutralises a cell that a spreadsheet would treat as a formula (tracker.StartsFormula)
// by putting an apostrophe before it. Spreadsheets show
// the text as it is; the apostrophe is documented on the data page.
func csvCell(s string) string {
	if tracker.StartsFormula(s) {
		return "'" + s
	}
	return s
}

func isoMonth(m tracker.Month) string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

func isoMonthPtr(m *tracker.Month) *string {
	if m == nil {
		return nil
	}
	s := isoMonth(*m)
	return &s
}

// isoTime formats a time as the open data and the feeds give it: RFC 3339, in UTC.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// planJSON and licenceJSON describe where the data comes from, at the head of each JSON export.
type planJSON struct {
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Period string `json:"period"`
	URL    string `json:"url"`
	Source string `json:"source"`
}

type licenceJSON struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Attribution string `json:"attribution"`
}

func (s *Server) jsonHead(r *http.Request, plan tracker.Plan) (planJSON, licenceJSON) {
	return planJSON{Slug: plan.Slug, Title: plan.Title, Period: plan.Period,
			URL: s.siteURL(r) + paths.Overview(plan), Source: plan.SourceURL},
		licenceJSON{Name: web.LicenceName, URL: web.LicenceURL, Attribution: plan.Attribution}
}

// commitmentJSON is a commitment in /commitments.json; web.CommitmentFields documents each field.
type commitmentJSON struct {
	Ref               string   `json:"ref"`
	Priority          int      `json:"priority"`
	PriorityName      string   `json:"priority_name"`
	What              string   `json:"what"`
	Why               []string `json:"why"`
	LeadLines         []string `json:"lead_lines"`
	LeadOrganisations []string `json:"lead_organisations"`
	DueMonth          string   `json:"due_month"`
	ExpectedMonth     *string  `json:"expected_month"`
	ExpectedInWords   string   `json:"expected_in_words"`
	Status            *string  `json:"status"`
	StatusLabel       string   `json:"status_label"`
	Overdue           bool     `json:"overdue"`
	LastPublishedAt   *string  `json:"last_published_at"`
	URL               string   `json:"url"`
}

func (s *Server) commitmentJSON(site string, plan tracker.Plan, c tracker.Commitment, now time.Time) commitmentJSON {
	j := commitmentJSON{
		Ref: c.Ref, Priority: c.PriorityNumber, PriorityName: c.PriorityName, What: c.Deliver,
		Why: append([]string{}, c.Why...), LeadLines: []string{}, LeadOrganisations: append([]string{}, c.LeadOrganisationCodes()...),
		DueMonth: isoMonth(c.Due), ExpectedMonth: isoMonthPtr(c.Expected), ExpectedInWords: c.ExpectedWording(),
		StatusLabel: c.Status.Label(),
		Overdue:     c.Overdue(now), URL: site + paths.Commitment(plan, c.Ref),
	}
	for _, l := range c.Leads {
		j.LeadLines = append(j.LeadLines, l.Text)
	}
	if c.Status != tracker.NoUpdate {
		st := string(c.Status)
		j.Status = &st
	}
	if c.LastPublishedAt != nil {
		t := isoTime(*c.LastPublishedAt)
		j.LastPublishedAt = &t
	}
	return j
}

// commitmentCSVHeader names the columns of /commitments.csv, the fields of commitmentJSON.
var commitmentCSVHeader = []string{"ref", "priority", "priority_name", "what", "why", "lead_lines",
	"lead_organisations", "due_month", "expected_month", "expected_in_words", "status", "status_label", "overdue",
	"last_published_at", "url"}

func (j commitmentJSON) csv() []string {
	return []string{j.Ref, strconv.Itoa(j.Priority), j.PriorityName, j.What, strings.Join(j.Why, "\n"),
		strings.Join(j.LeadLines, "\n"), strings.Join(j.LeadOrganisations, ";"), j.DueMonth,
		deref(j.ExpectedMonth), j.ExpectedInWords, deref(j.Status), j.StatusLabel, strconv.FormatBool(j.Overdue),
		deref(j.LastPublishedAt), j.URL}
}

// commitmentsExport serves the finder's results, every page of them, as CSV or JSON.
func (s *Server) commitmentsExport(f format) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		plan, _, fr, err := s.finderRequestOf(r)
		if err != nil {
			return err
		}
		if len(fr.errors) > 0 {
			s.badExportRequest(w, fr.errors)
			return nil
		}
		now := s.now()
		version, err := s.reads(ctx).OpenDataVersion(ctx, plan.ID)
		if err != nil {
			return err
		}
		// Whether a commitment is overdue changes as months pass, and with update_due the list
		// changes as commitments become due an update: both are part of what the client holds.
		month := tracker.CurrentMonth(now)
		modified := version.Changed
		if first := month.First(); first.After(modified) {
			modified = first
		}
		parts := []string{"commitments", string(f), strconv.FormatInt(version.Version, 10), isoMonth(month), fr.filters.Values().Encode()}
		if fr.search.UpdateDue {
			parts = append(parts, strconv.FormatInt(version.UpdateDueChanged.Unix(), 10))
			if version.UpdateDueChanged.After(modified) {
				modified = version.UpdateDueChanged
			}
		}
		if s.notModified(w, r, etag(parts...), modified) {
			return nil
		}
		if f == formatCSV {
			s.describedBy(w, r, plan)
		}
		site := s.siteURL(r)
		p, l := s.jsonHead(r, plan)
		query := fr.filters.Values().Encode()
		return s.serveExport(w, r, export{format: f, name: "commitments-" + plan.Slug, modified: modified,
			slot: []string{"commitments", string(f), strconv.FormatInt(plan.ID, 10), site, query}, stamp: parts,
			write: func(ctx context.Context, out io.Writer) error {
				if f == formatCSV {
					cw := newCSVWriter(out)
					if err := cw.Write(append([]string{}, commitmentCSVHeader...)); err != nil {
						return err
					}
					if err := s.reads(ctx).EachCommitment(ctx, fr.search, func(c tracker.Commitment) error {
						return cw.Write(s.commitmentJSON(site, plan, c, now).csv())
					}); err != nil {
						return err
					}
					return cw.Flush()
				}
				return writeJSONList(out, map[string]any{"plan": p, "licence": l, "query": query}, "commitments",
					func(item func(any) error) error {
						return s.reads(ctx).EachCommitment(ctx, fr.search, func(c tracker.Commitment) error {
							return item(s.commitmentJSON(site, plan, c, now))
						})
					})
			}})
	}
}

// writeJSONList streams a JSON object: the fields of head, then under key a list whose items
// each calls item for, then "count", the length of the list. Items are written as they come.
func writeJSONList(w io.Writer, head map[string]any, key string, each func(item func(any) error) error) error {
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// Open the object with head's fields, then the list.
	if _, err := fmt.Fprintf(w, "%s,%q:[", b[:len(b)-1], key); err != nil {
		return err
	}
	n := 0
	err = each(func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		sep := ",\n"
		if n == 0 {
			sep = "\n"
		}
		n++
		_, err = fmt.Fprintf(w, "%s%s", sep, b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\n],\"count\":%d}\n", n)
	return err
}

// badExportRequest answers an export whose filters are wrong with what is wrong, as text.
func (s *Server) badExportRequest(w http.ResponseWriter, errs []web.FieldError) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	var b strings.Builder
	b.WriteString("The request cannot be answered:\n")
	for _, e := range errs {
		b.WriteString("- " + e.Message + "\n")
	}
	b.WriteString("See " + paths.Data + " for the parameters.\n")
	_, _ = io.WriteString(w, b.String())
}

// dataPage describes the open data: what can be downloaded, every field, the feeds and the
// licence.
func (s *Server) dataPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plan, err := s.reads(ctx).CurrentPlan(ctx)
	if err != nil {
		return err
	}
	plans, err := s.reads(ctx).Plans(ctx)
	if err != nil {
		return err
	}
	l := s.layout(r)
	l.Title = "Open data"
	l.Description = "The commitments of the " + plan.Title + " and every published update, to download as CSV or JSON " +
		"or follow as Atom feeds, under the Open Government Licence."
	l.Canonical = s.siteURL(r) + paths.Data
	l.Breadcrumbs = []web.Breadcrumb{homeCrumb(), {Text: l.Title}}
	l.Alternates = append(l.Alternates, web.AlternateLink{Title: "Published updates: " + plan.Title, Href: paths.Feed(plan)})
	return s.page(w, r, http.StatusOK, web.DataPage(l, web.DataView{Plan: plan, Plans: plans, SiteURL: s.siteURL(r),
		Catalogue: catalogueFor(s.siteURL(r), plans)}))
}
