package server

import (
	"errors"
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
	plan, err := s.store.CurrentPlan(ctx)
	if slug := r.URL.Query().Get("plan"); slug != "" {
		if !tracker.ValidSlug(slug) {
			return tracker.ErrNotFound
		}
		plan, err = s.store.PlanBySlug(ctx, slug)
	}
	if err != nil {
		return err
	}
	priorities, err := s.store.Priorities(ctx, plan.ID)
	if err != nil {
		return err
	}
	counts, err := s.statusCounts(ctx, plan.ID, now)
	if err != nil {
		return err
	}
	d, err := s.store.Dashboard(ctx, plan.ID, dashboardListLimit)
	if err != nil {
		return err
	}
	waiting, total, err := s.store.ReviewQueue(ctx, dashboardWaitingLimit)
	if err != nil {
		return err
	}
	items, err := s.reviewItems(r, waiting)
	if err != nil {
		return err
	}
	v := web.DashboardView{
		Plan: plan, Priorities: priorities, Counts: counts,
		Overdue: s.rows(plan, d.Overdue), OverdueTotal: d.OverdueTotal,
		UpdateDue: s.rows(plan, d.UpdateDue), UpdateDueTotal: d.UpdateDueTotal,
		Waiting: items, WaitingTotal: total, Now: now,
	}
	switch round, err := s.store.OpenRound(ctx, plan.ID); {
	case err == nil:
		v.Round = &round
	case !errors.Is(err, tracker.ErrNotFound):
		return err
	}
	l := s.layout(r)
	l.Title = "Dashboard"
	return s.page(w, r, http.StatusOK, web.DashboardPage(l, v))
}
