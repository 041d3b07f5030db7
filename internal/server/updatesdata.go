package server

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// updateJSON is a published update in /updates.json; web.UpdateFields documents each field.
type updateJSON struct {
	ID               int64   `json:"id"`
	CommitmentRef    string  `json:"commitment_ref"`
	CommitmentURL    string  `json:"commitment_url"`
	Status           string  `json:"status"`
	StatusLabel      *string `json:"status_label"`
	Narrative        string  `json:"narrative"`
	ExpectedMonth    *string `json:"expected_month"`
	ReportedBy       string  `json:"reported_by"`
	OrganisationCode *string `json:"organisation_code"`
	PublishedAt      *string `json:"published_at"`
	SourceTitle      *string `json:"source_title"`
	SourcePeriod     *string `json:"source_period"`
	SourceURL        *string `json:"source_url"`
	EvidenceURL      *string `json:"evidence_url"`
	StatusReason     *string `json:"status_reason"`
	CarriedForwardTo *string `json:"carried_forward_to"`
	Timescale        *string `json:"timescale"`
	DueMonth         string  `json:"due_month"`
}

// updateCSVHeader names the columns of /updates.csv, the fields of updateJSON. The store's
// CopyPublishedUpdatesCSV writes its lines in this order.
var updateCSVHeader = []string{"id", "commitment_ref", "commitment_url", "status", "status_label",
	"narrative", "expected_month", "reported_by", "organisation_code", "published_at", "source_title",
	"source_period", "source_url", "evidence_url", "status_reason", "carried_forward_to", "timescale", "due_month"}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func updateFor(site string, plan tracker.Plan, u postgres.PublishedUpdate) updateJSON {
	j := updateJSON{
		ID: u.ID, CommitmentRef: u.CommitmentRef, CommitmentURL: site + paths.Commitment(plan, u.CommitmentRef),
		Status: string(u.Status), StatusLabel: optional(u.StatusLabel), Narrative: u.Narrative, ExpectedMonth: isoMonthPtr(u.Expected),
		ReportedBy: u.Reporter(), OrganisationCode: optional(u.OrganisationCode),
		SourceTitle: optional(u.SourceTitle), SourcePeriod: optional(u.SourcePeriod), SourceURL: optional(u.SourceURL),
		EvidenceURL: optional(u.EvidenceURL), StatusReason: optional(u.StatusReason),
		CarriedForwardTo: optional(u.CarriedForwardTo), Timescale: optional(u.Timescale), DueMonth: isoMonth(u.Due),
	}
	if u.PublishedAt != nil {
		j.PublishedAt = optional(isoTime(*u.PublishedAt))
	}
	return j
}

// csv returns the update's CSV record, as the store's CopyPublishedUpdatesCSV writes it.
func (j updateJSON) csv() []string {
	return []string{strconv.FormatInt(j.ID, 10), j.CommitmentRef, j.CommitmentURL, j.Status, deref(j.StatusLabel),
		j.Narrative, deref(j.ExpectedMonth), j.ReportedBy, deref(j.OrganisationCode), deref(j.PublishedAt),
		deref(j.SourceTitle), deref(j.SourcePeriod), deref(j.SourceURL), deref(j.EvidenceURL),
		deref(j.StatusReason), deref(j.CarriedForwardTo), deref(j.Timescale), j.DueMonth}
}

// csvAround returns what the CSV writer puts before and after a cell's last part when the cell
// is prefix followed by last, which changes neither the quoting nor the formula guard (a
// commitment's reference, say).
func csvAround(prefix, last string) (before, after string) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write([]string{csvCell(prefix + last)})
	w.Flush()
	enc := strings.TrimSuffix(b.String(), "\r\n")
	i := strings.LastIndex(enc, last)
	return enc[:i], enc[i+len(last):]
}

// updatesExport serves the published history of a plan's commitments as CSV or JSON. The CSV is
// made by the database (see postgres.CopyPublishedUpdatesCSV), at a million updates in seconds;
// like every export it is made once per data version into a file, by at most exportMakers at
// once, so it takes no more of the pool than any other download.
func (s *Server) updatesExport(f format) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		plan, err := s.plan(r)
		if err != nil {
			return err
		}
		version, err := s.reads(ctx).OpenDataVersion(ctx, plan.ID)
		if err != nil {
			return err
		}
		parts := []string{"updates", string(f), strconv.FormatInt(version.Version, 10)}
		if s.notModified(w, r, etag(parts...), version.Changed) {
			return nil
		}
		if f == formatCSV {
			s.describedBy(w, r, plan)
		}
		site := s.siteURL(r)
		p, l := s.jsonHead(r, plan)
		filter := postgres.UpdateFilter{PlanID: plan.ID}
		return s.serveExport(w, r, export{format: f, name: "updates-" + plan.Slug, modified: version.Changed,
			slot: []string{"updates", string(f), strconv.FormatInt(plan.ID, 10), site}, stamp: parts,
			write: func(ctx context.Context, out io.Writer) error {
				if f == formatCSV {
					cw := newCSVWriter(out)
					if err := cw.Write(append([]string{}, updateCSVHeader...)); err != nil {
						return err
					}
					if err := cw.Flush(); err != nil {
						return err
					}
					open, close := csvAround(site+paths.Commitment(plan, ""), "0.0")
					return s.reads(ctx).CopyPublishedUpdatesCSV(ctx, plan.ID, open, close, out)
				}
				return writeJSONList(out, map[string]any{"plan": p, "licence": l}, "updates",
					func(item func(any) error) error {
						return s.reads(ctx).EachPublishedUpdate(ctx, filter, func(u postgres.PublishedUpdate) error {
							return item(updateFor(site, plan, u))
						})
					})
			}})
	}
}
