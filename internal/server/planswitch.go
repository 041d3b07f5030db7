package server

// After the switch to a new plan, nothing that worked before stops working: an address of the
// current plan's pages that names a commitment or priority area the current plan does not have
// redirects permanently to the same page of the earlier plan that has it, and a commitment's page
// shows the whole of its history across the plans it has been carried through.

import (
	"errors"
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
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

// fieldCloseRounds is the checkbox, on the page confirming a plan as the current one, that closes
// the other plans' open rounds as well.
const fieldCloseRounds = "close_rounds"

// makeCurrentAction is making the plan in the path the current one, which the portal shows at
// its home page and partners report on, confirmed first with a reason. The page lists what the
// switch leaves in progress in the other plans and what would be overdue at once, offers to close
// the other plans' open rounds, and refuses a plan with no publication date.
func (s *Server) makeCurrentAction(r *http.Request) (confirmAction, error) {
	ctx := r.Context()
	plan, err := s.adminPlan(r)
	if err != nil {
		return confirmAction{}, err
	}
	current, err := s.store.CurrentPlan(ctx)
	if err != nil && !errors.Is(err, tracker.ErrNotFound) {
		return confirmAction{}, err
	}
	sv, err := s.switchView(r, plan)
	if err != nil {
		return confirmAction{}, err
	}
	message := "The portal will show " + plan.Title + " at its home page, and partners will report progress on its commitments."
	if current.ID != 0 && current.ID != plan.ID {
		message += " " + current.Title + ", the current plan, will stay readable at " + paths.Overview(tracker.Plan{Slug: current.Slug}) +
			", and every address of its pages keeps working."
	}
	v := web.ConfirmView{Title: "Make " + plan.Title + " the current plan", Label: "Plans", Message: message,
		Warning: "Everyone using the portal sees the change at once.",
		Action:  paths.AdminPlanAction(plan.Slug, "make-current"), Version: plan.Version, Button: "Make this the current plan",
		Cancel: paths.AdminPlan(plan.Slug), ReasonRequired: true,
		ReasonHint: "Why is this plan becoming the current one? For example, that it has been published.",
		Details:    web.SwitchDetails(sv)}
	if err := tracker.CheckMakeCurrent(plan); err != nil {
		v.Refused = tracker.ErrorMessage(err) + "."
	}
	closeRounds := r.Method == http.MethodPost && r.PostFormValue(fieldCloseRounds) == "yes"
	if len(sv.OpenRounds) > 0 {
		v.Choice = &web.CheckboxesProps{Field: web.Field{ID: fieldCloseRounds, Label: "Reporting rounds"},
			Options: []web.CheckboxOption{{Value: "yes", Checked: closeRounds,
				Text: "Close the " + plural(len(sv.OpenRounds), "round", "rounds") + " still open in the other plans",
				Hint: "Partners then no longer report in them. The reason below is kept in the audit log for each round closed."}}}
	}
	banner := plan.Title + " is now the current plan: the portal shows it at its home page."
	if closeRounds {
		banner += " " + plural(len(sv.OpenRounds), "reporting round", "reporting rounds") + " of the other plans closed."
	}
	return confirmAction{section: paths.AdminPlans, view: v,
		crumbs: []web.Breadcrumb{plansCrumb(), planCrumb(plan), crumb("Make current")},
		act: func(version int, reason string) error {
			return s.store.SwitchPlan(ctx, s.actor(r), plan.ID, version, reason, closeRounds)
		},
		done: saved{paths.AdminPlan(plan.Slug), banner},
	}, nil
}

// switchView lists what making the plan current leaves in progress in the other plans, and
// which of its commitments would be overdue at once.
func (s *Server) switchView(r *http.Request, plan tracker.Plan) (web.SwitchView, error) {
	ctx := r.Context()
	v := web.SwitchView{Plan: plan}
	preview, err := s.store.SwitchPreview(ctx, plan.ID)
	if err != nil {
		return v, err
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return v, err
	}
	titles := map[int64]string{}
	for _, p := range plans {
		titles[p.ID] = p.Title
	}
	for _, rd := range preview.OpenRounds {
		v.OpenRounds = append(v.OpenRounds, web.SwitchRound{Round: rd, PlanTitle: titles[rd.PlanID], URL: paths.AdminRound(rd.ID)})
	}
	for _, w := range preview.InProgress {
		v.InProgress = append(v.InProgress, web.SwitchUpdate{Update: w.Update, PlanTitle: w.PlanTitle, Deliver: w.Deliver})
	}
	cs, err := s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		return v, err
	}
	for _, c := range cs {
		if c.Overdue(s.now()) {
			v.Overdue = append(v.Overdue, s.row(plan, c))
		}
	}
	return v, nil
}
