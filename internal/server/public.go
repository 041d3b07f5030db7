package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(r.Context()); err != nil {
		s.logger.WarnContext(r.Context(), "not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return nil
	}
	_, _ = w.Write([]byte("ready\n"))
	return nil
}

// plan returns the plan a public page is about: the one named in the path, or the current one.
// For visitors who are not signed in it is kept per data version (see remember), as every public
// page asks for it: one round trip fewer for each. Signed-in users, who may just have changed the
// plan, read it afresh.
func (s *Server) plan(r *http.Request) (tracker.Plan, error) {
	ctx := r.Context()
	slug := chi.URLParam(r, "plan")
	if slug != "" && !tracker.ValidSlug(slug) {
		return tracker.Plan{}, tracker.ErrNotFound
	}
	read := func() (tracker.Plan, error) {
		if slug != "" {
			return s.reads(ctx).PlanBySlug(ctx, slug)
		}
		return s.reads(ctx).CurrentPlan(ctx)
	}
	if s.user(r) != nil {
		return read()
	}
	return remember(s, ctx, "plan "+slug, read)
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plan, err := s.plan(r)
	if err != nil {
		return err
	}
	plans, err := s.reads(ctx).Plans(ctx)
	if err != nil {
		return err
	}
	aims, err := s.reads(ctx).Aims(ctx, plan.ID)
	if err != nil {
		return err
	}
	priorities, err := s.reads(ctx).Priorities(ctx, plan.ID)
	if err != nil {
		return err
	}
	counts, err := s.statusCounts(ctx, plan.ID, s.now())
	if err != nil {
		return err
	}
	months, err := s.expectedMonthCounts(ctx, plan.ID, 0)
	if err != nil {
		return err
	}
	changed, err := remember(s, ctx, fmt.Sprintf("plan changed %d", plan.ID), func() (postgres.PlanChanges, error) {
		return s.reads(ctx).PlanChanged(ctx, plan.ID)
	})
	if err != nil {
		return err
	}
	v := web.Overview{Plan: plan, Plans: plans, Aims: aims, Totals: counts[0],
		Changed:     tracker.LatestChange(changed.At, changed.ReportedIn, plan.PublishedOn),
		StatusChart: statusChart(plan, priorities, counts),
		Timeline:    timelineChart("timeline-chart", "Commitments by when they are due", plan, web.FinderFilters{}, months, s.now())}
	// A plan of many areas shows them as one table (see web.Overview.Summarised), its counts brief.
	v.StatusChart.Brief = len(priorities) > web.OverviewAreasInFull
	v.Timeline.Brief = v.StatusChart.Brief
	for _, p := range priorities {
		v.Priorities = append(v.Priorities, web.PrioritySummary{Priority: p, Counts: counts[p.Number]})
	}
	l := s.layout(r)
	l.Title = plan.Title
	l.Description = fmt.Sprintf("Progress on the %d commitments of the %s, by priority area: what each will deliver, "+
		"who leads it and what they have reported.", counts[0].Total, plan.Title)
	l.Canonical = s.siteURL(r) + paths.Overview(plan)
	if !plan.IsCurrent {
		l.Breadcrumbs = publicCrumbs(plan)
	}
	l.Alternates = append(l.Alternates, web.AlternateLink{Title: "Published updates: " + plan.Title, Href: paths.Feed(plan)})
	return s.page(w, r, http.StatusOK, web.OverviewPage(l, v))
}

// priorityInPath returns the plan and the priority area the path names ({plan} if present, and
// {slug}). It returns tracker.ErrNotFound for a slug of the wrong shape, before any query.
func (s *Server) priorityInPath(r *http.Request) (tracker.Plan, tracker.Priority, error) {
	return inPath(s, r, "slug", tracker.ValidSlug, s.reads(r.Context()).PriorityBySlug)
}

// commitmentInPath returns the plan and the commitment the path names ({plan} if present, and
// {ref}). It returns tracker.ErrNotFound for a ref of the wrong shape, before any query.
func (s *Server) commitmentInPath(r *http.Request) (tracker.Plan, tracker.Commitment, error) {
	return inPath(s, r, "ref", tracker.ValidRef, s.reads(r.Context()).CommitmentByRef)
}

// inPath returns the plan and the record of it that the path parameter param names, found by
// find. It returns tracker.ErrNotFound for a parameter that valid refuses, before any query.
func inPath[T any](s *Server, r *http.Request, param string, valid func(string) bool, find func(context.Context, int64, string) (T, error)) (tracker.Plan, T, error) {
	var zero T
	plan, err := s.plan(r)
	if err != nil {
		return tracker.Plan{}, zero, err
	}
	key, err := pathKey(r, param, valid)
	if err != nil {
		return tracker.Plan{}, zero, err
	}
	v, err := find(r.Context(), plan.ID, key)
	if errors.Is(err, tracker.ErrNotFound) && chi.URLParam(r, "plan") == "" {
		return plan, v, s.movedTo(r, plan, key, func(planID int64) error { _, err := find(r.Context(), planID, key); return err })
	}
	return plan, v, err
}

func (s *Server) priority(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plan, p, err := s.priorityInPath(r)
	if err != nil {
		return err
	}
	base := paths.Priority(plan, p.Slug)
	// The area's counts by month and status, kept per data version for its chart, say how many
	// commitments it has: the page need not count them again.
	months, err := s.expectedMonthCounts(ctx, plan.ID, p.ID)
	if err != nil {
		return err
	}
	total := 0
	for _, mc := range months {
		total += mc.Count
	}
	cs, list, err := s.commitmentPage(r, postgres.CommitmentFilter{PlanID: plan.ID, PriorityID: p.ID, Total: &total}, base)
	if err != nil {
		return err
	}
	list.FinderURL = paths.Commitments(plan) + web.FinderFilters{Priority: strconv.Itoa(p.Number)}.QueryString()
	l := s.layout(r)
	l.Title = p.Name
	l.Description = p.Name + ", priority area " + strconv.Itoa(p.Number) + " of the " + plan.Title + ": its commitments and their progress."
	if p.Tagline != "" {
		l.Description = p.Name + ": " + p.Tagline + " The commitments of this priority area and their progress."
	}
	s.pageLinks(r, &l, list)
	l.Breadcrumbs = publicCrumbs(plan, priorityCrumb(plan, p.Number, p.Name, p.Slug))
	l.Alternates = append(l.Alternates, web.AlternateLink{Title: "Published updates: " + p.Name, Href: paths.PriorityFeed(plan, p.Slug)})
	now := s.now()
	timeline, err := s.drawnChart(ctx, fmt.Sprintf("timeline %d %d", plan.ID, p.ID), now, func() web.Chart {
		return timelineChart("timeline-chart", "Commitments in "+p.Name+" by when they are due", plan,
			web.FinderFilters{Priority: strconv.Itoa(p.Number)}, months, now)
	})
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.PriorityPage(l, web.PriorityView{Plan: plan, Priority: p, Commitments: s.rows(plan, cs), List: list,
		Timeline: timeline}))
}

func (s *Server) commitment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plan, c, err := s.commitmentInPath(r)
	if err != nil {
		return err
	}
	base := paths.Commitment(plan, c.Ref)
	list, err := listPage(r, historyPerPage, base)
	if err != nil {
		return err
	}
	record, err := s.reads(ctx).CommitmentRecord(ctx, c.ID, historyPerPage, (list.Page-1)*historyPerPage)
	if err != nil {
		return err
	}
	history := record.History
	if list.Page > 1 && len(history.Updates) == 0 {
		return tracker.ErrNotFound
	}
	list.Total, list.Pages = history.Total, max(pageCount(history.Total, historyPerPage), 1)
	v := web.CommitmentView{Plan: plan, Row: s.row(plan, c), History: history.Updates, HistoryPage: list,
		ShowNames: s.user(r).IsStaff(), ReportURL: s.reportURL(r, plan, c)}
	if v.CarriedForwardFrom, err = s.linkedCommitment(r, c.CarriedForwardFromID); err != nil {
		return err
	}
	if v.CarriedForwardTo, err = s.linkedCommitment(r, c.CarriedForwardToID); err != nil {
		return err
	}
	// The histories of the commitments this one continues are older than all of its own: they
	// follow its last page.
	if list.Page == list.Pages {
		if v.Earlier, err = s.earlierHistory(r, c); err != nil {
			return err
		}
	}
	if v.CarriedForwardFrom == nil {
		if v.SameRef, err = s.sameRefBefore(r, plan, c.Ref); err != nil {
			return err
		}
	}
	v.Amendments = record.Amendments
	v.Changed = tracker.LatestChange(record.Changed, history.LatestPeriod, plan.PublishedOn)
	l := s.layout(r)
	l.Title = "Commitment " + c.Ref
	l.Description = "Commitment " + c.Ref + " of the " + plan.Title + ": " + firstLine(c.Deliver, 200)
	s.pageLinks(r, &l, list)
	l.Breadcrumbs = publicCrumbs(plan, priorityCrumb(plan, c.PriorityNumber, c.PriorityName, c.PrioritySlug),
		web.Breadcrumb{Text: "Commitment " + c.Ref})
	l.Alternates = append(l.Alternates, web.AlternateLink{Title: "Published updates: commitment " + c.Ref, Href: paths.CommitmentFeed(plan, c.Ref)})
	return s.page(w, r, http.StatusOK, web.CommitmentPage(l, v))
}

// linkedCommitment returns the commitment of another plan that id names, with its address, or nil
// when there is none or it, or its plan, has been retired.
func (s *Server) linkedCommitment(r *http.Request, id *int64) (*web.LinkedCommitment, error) {
	if id == nil {
		return nil, nil
	}
	c, err := s.reads(r.Context()).CommitmentByID(r.Context(), *id)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := s.reads(r.Context()).PlanByID(r.Context(), c.PlanID)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &web.LinkedCommitment{Plan: p, Ref: c.Ref, URL: paths.Commitment(p, c.Ref)}, nil
}

func (s *Server) organisation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code, err := pathKey(r, "code", tracker.ValidCode)
	if err != nil {
		return err
	}
	o, err := s.reads(ctx).OrganisationByCode(ctx, code)
	if err != nil {
		return err
	}
	plan, err := s.reads(ctx).CurrentPlan(ctx)
	if err != nil {
		return err
	}
	cs, list, err := s.commitmentPage(r, postgres.CommitmentFilter{PlanID: plan.ID, OrganisationID: o.ID}, paths.Organisation(o.Code))
	if err != nil {
		return err
	}
	list.FinderURL = paths.Commitments(plan) + web.FinderFilters{Org: o.Code}.QueryString()
	l := s.layout(r)
	l.Title = o.Name
	l.Description = "The commitments " + o.Name + " leads in the " + plan.Title + ", and their progress."
	s.pageLinks(r, &l, list)
	l.Breadcrumbs = publicCrumbs(plan, web.Breadcrumb{Text: o.Name})
	return s.page(w, r, http.StatusOK, web.OrganisationPage(l, web.OrganisationView{Plan: plan, Organisation: o, Commitments: s.rows(plan, cs), List: list}))
}

// row pairs a commitment with what the page derives from it at the request's time.
func (s *Server) row(plan tracker.Plan, c tracker.Commitment) web.CommitmentRow {
	return web.CommitmentRow{Commitment: c, Overdue: c.Overdue(s.now()), URL: paths.Commitment(plan, c.Ref)}
}

func (s *Server) rows(plan tracker.Plan, cs []tracker.Commitment) []web.CommitmentRow {
	out := make([]web.CommitmentRow, len(cs))
	for i, c := range cs {
		out[i] = s.row(plan, c)
	}
	return out
}

// reportURL is where the signed-in user may report progress on a commitment of the current
// plan, or "" when they may not.
func (s *Server) reportURL(r *http.Request, plan tracker.Plan, c tracker.Commitment) string {
	if !plan.IsCurrent || !tracker.Can(s.user(r), tracker.ActionReport, &c) {
		return ""
	}
	return paths.Report(c.Ref)
}

// statusesPage explains what each status means.
func (s *Server) statusesPage(w http.ResponseWriter, r *http.Request) error {
	l := s.layout(r)
	l.Title = "What the statuses mean"
	l.Description = "What each status of a commitment means, from no update yet to delivered, withdrawn or carried forward."
	l.Canonical = s.siteURL(r) + paths.Statuses
	l.Breadcrumbs = []web.Breadcrumb{homeCrumb(), {Text: l.Title}}
	return s.page(w, r, http.StatusOK, web.StatusesPage(l))
}

// homeCrumb is the first breadcrumb of every public page below the top.
func homeCrumb() web.Breadcrumb { return web.Breadcrumb{Text: "Home", Href: paths.Home} }

// publicCrumbs returns the breadcrumbs of a public page of the plan: home, then the plan's
// overview where it is not the current plan, then crumbs, the last of them the page itself.
func publicCrumbs(plan tracker.Plan, crumbs ...web.Breadcrumb) []web.Breadcrumb {
	out := []web.Breadcrumb{homeCrumb()}
	if !plan.IsCurrent {
		out = append(out, web.Breadcrumb{Text: plan.Title, Href: paths.Overview(plan)})
	}
	return append(out, crumbs...)
}

// priorityCrumb is the breadcrumb of a priority area's page.
func priorityCrumb(plan tracker.Plan, number int, name, slug string) web.Breadcrumb {
	return web.Breadcrumb{Text: strconv.Itoa(number) + ". " + name, Href: paths.Priority(plan, slug)}
}

// historyPerPage is how many published updates a commitment's page shows at once, newest first,
// so that the page does not grow with the commitment's history.
const historyPerPage = 20

// listPage returns the page of a list, perPage to a page and first at base, that the request's
// ?page asks for (the first when none). A page that is not a whole number is tracker.ErrNotFound.
func listPage(r *http.Request, perPage int, base string) (web.ListPage, error) {
	list := web.ListPage{Page: 1, PerPage: perPage, URL: func(n int) string { return paths.Paged(base, n) }}
	if q := r.URL.Query(); q.Has(web.ParamPage) {
		if list.Page = queryNumber(q, web.ParamPage, tracker.MaxFinderPage); list.Page == 0 {
			return list, tracker.ErrNotFound
		}
	}
	return list, nil
}

// publicPerPage is how many commitments a page of a priority area or an organisation shows, as
// many as a page of the finder, so that no page grows with the size of the plan.
const publicPerPage = web.FinderPerPage

// commitmentPage returns the page of the commitments the filter finds that the request's ?page
// asks for (the first when none), in the list's order, and where it stands in the list, whose
// first page is at base. A page that is not a whole number, or is beyond the end of the list, is
// tracker.ErrNotFound.
func (s *Server) commitmentPage(r *http.Request, f postgres.CommitmentFilter, base string) ([]tracker.Commitment, web.ListPage, error) {
	ctx := r.Context()
	list, err := listPage(r, publicPerPage, base)
	if err != nil {
		return nil, list, err
	}
	f.Limit, f.Offset = publicPerPage, (list.Page-1)*publicPerPage
	cs, total, err := s.reads(ctx).CommitmentsPage(ctx, f)
	if err != nil {
		return nil, list, err
	}
	list.Total, list.Pages = total, max(pageCount(total, publicPerPage), 1)
	if list.Page > list.Pages {
		return nil, list, tracker.ErrNotFound
	}
	return cs, list, nil
}

// pageLinks sets the canonical address of a page of a list, and the links to its neighbours.
func (s *Server) pageLinks(r *http.Request, l *web.LayoutProps, list web.ListPage) {
	site := s.siteURL(r)
	l.Canonical = site + list.URL(list.Page)
	if list.Page > 1 {
		l.Prev = site + list.URL(list.Page-1)
		l.Title += ", page " + strconv.Itoa(list.Page) + " of " + strconv.Itoa(list.Pages)
	}
	if list.Page < list.Pages {
		l.Next = site + list.URL(list.Page+1)
	}
}
