package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// dashboardListLimit is how many commitments each of the dashboard's lists shows, and
// dashboardWaitingLimit how many waiting updates. A plan of many priority areas, whose counts
// table is summarised (see web.NewDashboardTable), shows only the first dashboardSummaryLimit
// commitments of each list, each list ending with a link to the whole of it, so that the page
// does not grow with the plan.
const (
	dashboardListLimit    = 50
	dashboardSummaryLimit = 10
	dashboardWaitingLimit = 20
)

// dashboard is the staff dashboard: the open reporting round, counts by status and priority
// area, overdue commitments, commitments due an update and updates waiting for review, each count
// linked to the list it counts. It is about the current plan, or
// the plan named by ?plan=slug.
//
// What it shows of the plan's public data (the plan, its counts and its lists) is worked out
// once per data version (see remember) and shared by every request; only the round and the
// review queue, which change without the public data changing, are read for each request.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	slug := r.URL.Query().Get("plan")
	if slug != "" && !tracker.ValidSlug(slug) {
		return tracker.ErrNotFound
	}
	// The data version is read from the database with the round and the review queue, not taken
	// as the listener last heard it: staff who have just changed the plan see their change.
	q, err := s.store.DashboardQueue(ctx, slug, dashboardWaitingLimit)
	if err != nil {
		return err
	}
	ctx = context.WithValue(ctx, dataVersionKey{}, q.Version)
	plan, err := s.dashboardPlan(ctx, slug)
	if err != nil {
		return err
	}
	lists, err := s.dashboardLists(ctx, plan, now)
	if err != nil {
		return err
	}
	v := web.DashboardView{
		Plan: plan, Table: lists.table,
		Overdue: lists.overdue, OverdueTotal: lists.overdueTotal,
		UpdateDue: lists.updateDue, UpdateDueTotal: lists.updateDueTotal,
		Waiting: waitingItems(q.Waiting, now), WaitingTotal: q.WaitingTotal, Now: now, Round: q.Round,
	}
	l := s.layout(r)
	l.Title = "Dashboard"
	return s.page(w, r, http.StatusOK, web.DashboardPage(l, v))
}

// dashboardPlan is the plan with the slug, or the current plan when slug is "", kept per data
// version as the public pages keep it (see Server.plan). It returns tracker.ErrNotFound if there
// is no such plan.
func (s *Server) dashboardPlan(ctx context.Context, slug string) (tracker.Plan, error) {
	return remember(s, ctx, "plan "+slug, func() (tracker.Plan, error) {
		if slug == "" {
			return s.store.CurrentPlan(ctx)
		}
		return s.store.PlanBySlug(ctx, slug)
	})
}

// dashboardRows are the dashboard's counts and lists of a plan as the page shows them.
type dashboardRows struct {
	table                        web.DashboardTable
	overdue, updateDue           []web.CommitmentRow
	overdueTotal, updateDueTotal int
}

// dashboardLists is the plan's counts (Server.statusCounts) and Store.DashboardLists as the page
// shows them, kept per data version and month (which commitments are overdue changes with the
// month) until a commitment may become due an update.
func (s *Server) dashboardLists(ctx context.Context, plan tracker.Plan, now time.Time) (dashboardRows, error) {
	key := fmt.Sprintf("dashboard lists %d %s", plan.ID, tracker.CurrentMonth(now))
	return rememberUntil(s, ctx, key, now, func() (dashboardRows, time.Time, error) {
		counts, err := s.statusCounts(ctx, plan.ID, now)
		if err != nil {
			return dashboardRows{}, time.Time{}, err
		}
		d, err := s.store.DashboardLists(ctx, plan.ID, dashboardListLimit)
		if err != nil {
			return dashboardRows{}, time.Time{}, err
		}
		table := web.NewDashboardTable(plan, d.Priorities, counts)
		if table.Summarised {
			d.Overdue, d.UpdateDue = d.Overdue[:min(len(d.Overdue), dashboardSummaryLimit)], d.UpdateDue[:min(len(d.UpdateDue), dashboardSummaryLimit)]
		}
		return dashboardRows{table: table, overdue: s.rows(plan, d.Overdue), overdueTotal: d.OverdueTotal,
			updateDue: s.rows(plan, d.UpdateDue), updateDueTotal: d.UpdateDueTotal}, d.Until, nil
	})
}

// waitingItems are the updates waiting for review as the dashboard lists them, with how long
// each has waited by now.
func waitingItems(us []postgres.WaitingUpdate, now time.Time) []web.ReviewItem {
	items := make([]web.ReviewItem, len(us))
	for i, w := range us {
		items[i] = web.ReviewItem{Update: w.Update, Waiting: w.Update.Waiting(now),
			Commitment: tracker.Commitment{ID: w.Update.CommitmentID, Ref: w.Update.CommitmentRef, Deliver: w.Deliver}}
	}
	return items
}
