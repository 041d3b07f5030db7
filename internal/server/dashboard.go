package server

import (
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// dashboardListLimit is how many commitments each of the dashboard's lists shows, and
// dashboardWaitingLimit how many waiting updates.
const (
	dashboardListLimit    = 50
	dashboardWaitingLimit = 20
)

// dashboard is the staff dashboard: the open reporting round, counts by status and priority
// area, overdue commitments, commitments due an update and updates waiting for review, each count
// linked to the list it counts. It is about the current plan, or
// the plan named by ?plan=slug.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	// The current plan's, or another plan's with ?plan=slug.
	var plan tracker.Plan
	var err error
	if slug := r.URL.Query().Get("plan"); slug != "" {
		if !tracker.ValidSlug(slug) {
			return tracker.ErrNotFound
		}
		plan, err = s.store.PlanBySlug(ctx, slug)
	} else {
		plan, err = s.store.CurrentPlan(ctx)
	}
	if err != nil {
		return err
	}
	counts, err := s.statusCounts(ctx, plan.ID, now)
	if err != nil {
		return err
	}
	d, err := s.store.Dashboard(ctx, plan.ID, dashboardListLimit, dashboardWaitingLimit)
	if err != nil {
		return err
	}
	items, err := s.reviewItems(r, d.Waiting)
	if err != nil {
		return err
	}
	v := web.DashboardView{
		Plan: plan, Priorities: d.Priorities, Counts: counts,
		Overdue: s.rows(plan, d.Overdue), OverdueTotal: d.OverdueTotal,
		UpdateDue: s.rows(plan, d.UpdateDue), UpdateDueTotal: d.UpdateDueTotal,
		Waiting: items, WaitingTotal: d.WaitingTotal, Now: now, Round: d.Round,
	}
	l := s.layout(r)
	l.Title = "Dashboard"
	return s.page(w, r, http.StatusOK, web.DashboardPage(l, v))
}
