package server

// After the switch to a new plan, nothing that worked before stops working: an address of the
// current plan's pages that names a commitment or priority area the current plan does not have
// redirects permanently to the same page of the earlier plan that has it, and a commitment's page
// shows the whole of its history across the plans it has been carried through.

import (
	"errors"
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// movedError is the answer to a request for a page that lives now at another address: a
// permanent redirect there (see Server.error).
type movedError struct{ to string }

func (e *movedError) Error() string { return "moved permanently to " + e.to }

// redirectMoved answers a request whose page has moved, with 308 so that a form's method is kept.
func redirectMoved(w http.ResponseWriter, r *http.Request, err error) bool {
	var m *movedError
	if !errors.As(err, &m) {
		return false
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.Redirect(w, r, m.to, http.StatusPermanentRedirect)
	return true
}

// movedTo returns where the request, for a page of the current plan about the record key that the
// current plan does not have, has moved: the same page of the latest earlier plan that has it
// (exists returns nil for it), as a *movedError. It returns tracker.ErrNotFound when no earlier
// plan has it.
func (s *Server) movedTo(r *http.Request, current tracker.Plan, key string, exists func(planID int64) error) error {
	plans, err := s.reads(r.Context()).Plans(r.Context())
	if err != nil {
		return err
	}
	for _, p := range plans { // newest period first
		if p.ID == current.ID || p.Period >= current.Period {
			continue
		}
		switch err := exists(p.ID); {
		case err == nil:
			to := paths.InEarlierPlan(p, r.URL.Path)
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			return &movedError{to: to}
		case !errors.Is(err, tracker.ErrNotFound):
			return err
		}
	}
	return tracker.ErrNotFound
}

// maxCarried bounds how many plans back a commitment's history is followed.
const maxCarried = 20

// earlierHistory returns the published history of each commitment of an earlier plan that c
// continues, through every carry forward, the latest plan first. Commitments or plans retired
// since are left out, and so is what came before them.
func (s *Server) earlierHistory(r *http.Request, c tracker.Commitment) ([]web.EarlierHistory, error) {
	ctx := r.Context()
	var out []web.EarlierHistory
	seen := map[int64]bool{c.ID: true}
	for from := c.CarriedForwardFromID; from != nil && !seen[*from] && len(out) < maxCarried; {
		seen[*from] = true
		link, err := s.linkedCommitment(r, from)
		if err != nil || link == nil {
			return out, err
		}
		old, err := s.reads(ctx).CommitmentByID(ctx, *from)
		if err != nil {
			return out, err
		}
		history, err := s.reads(ctx).PublishedUpdates(ctx, old.ID)
		if err != nil {
			return out, err
		}
		out = append(out, web.EarlierHistory{Link: *link, Commitment: old, History: history})
		from = old.CarriedForwardFromID
	}
	return out, nil
}

// sameRefBefore returns the commitment with the ref in the plan before plan, nil when there is
// none or that plan has been retired.
func (s *Server) sameRefBefore(r *http.Request, plan tracker.Plan, ref string) (*web.LinkedCommitment, error) {
	if plan.PreviousID == nil {
		return nil, nil
	}
	ctx := r.Context()
	prev, err := s.reads(ctx).PlanByID(ctx, *plan.PreviousID)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c, err := s.reads(ctx).CommitmentByRef(ctx, prev.ID, ref)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &web.LinkedCommitment{Plan: prev, Ref: c.Ref, URL: paths.Commitment(prev, c.Ref)}, nil
}
