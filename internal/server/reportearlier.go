package server

// After the switch to a new plan, no update in progress is stranded: partners and staff still
// find, on /report, the work to finish on the commitments of plans that are no longer current,
// and the rounds of those plans still open, and finish it at /report/plans/{plan}/{ref}.

import (
	"errors"
	"maps"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// reportPlan returns the plan whose commitment a report form is about: the one named in the
// path, or the current plan.
func (s *Server) reportPlan(r *http.Request) (tracker.Plan, error) {
	if chi.URLParam(r, "plan") == "" {
		return s.store.CurrentPlan(r.Context())
	}
	return s.adminPlan(r)
}

// earlierReports lists, for each plan other than current that is not retired, the work still to
// finish on its commitments (those org leads, or every one for nil): the commitments with an
// update in progress (open, by commitment ID), and, while the plan has a round open, the
// commitments the round asks for. Plans with nothing to finish are left out.
func (s *Server) earlierReports(r *http.Request, current tracker.Plan, org *tracker.Organisation, open map[int64]tracker.Update) ([]web.ReportEarlierView, error) {
	ctx := r.Context()
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	// The plans of the commitments with an update in progress.
	withOpen := map[int64]bool{}
	if len(open) > 0 {
		cs, err := s.store.Commitments(ctx, postgres.CommitmentFilter{IDs: slices.Collect(maps.Keys(open))})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			withOpen[c.PlanID] = true
		}
	}
	var out []web.ReportEarlierView
	now := s.now()
	for _, p := range plans {
		if p.ID == current.ID {
			continue
		}
		round, err := s.store.OpenRound(ctx, p.ID)
		hasRound := err == nil
		if err != nil && !errors.Is(err, tracker.ErrNotFound) {
			return nil, err
		}
		if !hasRound && !withOpen[p.ID] {
			continue
		}
		filter := postgres.CommitmentFilter{PlanID: p.ID}
		if org != nil {
			filter.OrganisationID = org.ID
		}
		cs, err := s.store.Commitments(ctx, filter)
		if err != nil {
			return nil, err
		}
		e := web.ReportEarlierView{Plan: p}
		for _, c := range cs {
			o, inProgress := open[c.ID]
			if !inProgress && !(hasRound && tracker.NeedsUpdate(c)) {
				continue
			}
			row := web.ReportRow{CommitmentRow: s.row(p, c), ReportURL: paths.ReportIn(p, c.Ref), UpdateDue: c.UpdateDue(now)}
			if inProgress {
				row.Open = &o
			}
			e.Rows = append(e.Rows, row)
		}
		if len(e.Rows) == 0 {
			continue
		}
		if hasRound {
			if e.Round, err = s.roundView(r, round, e.Rows); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// earlierOpen returns the commitment of an earlier plan that c continues when the user has an
// update in progress on it, with the address of its report form, or nil.
func (s *Server) earlierOpen(r *http.Request, c tracker.Commitment) (*web.LinkedCommitment, error) {
	if c.CarriedForwardFromID == nil {
		return nil, nil
	}
	_, err := s.store.OpenUpdate(r.Context(), *c.CarriedForwardFromID, s.user(r))
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	link, err := s.linkedCommitment(r, c.CarriedForwardFromID)
	if link != nil {
		link.URL = paths.ReportIn(link.Plan, link.Ref)
	}
	return link, err
}
