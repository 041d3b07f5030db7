package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// finderChoices is what the finder's filters may choose from in a plan.
type finderChoices struct {
	priorities    []tracker.Priority
	organisations []tracker.Organisation
}

// finderChoices loads the priority areas and lead organisations of a plan, kept per data
// version: every finder request and export needs them, and finding which organisations lead a
// commitment of the plan reads all its lead lines.
func (s *Server) finderChoices(ctx context.Context, plan tracker.Plan) (finderChoices, error) {
	return remember(s, ctx, fmt.Sprintf("finder choices %d", plan.ID), func() (finderChoices, error) {
		ps, err := s.reads(ctx).Priorities(ctx, plan.ID)
		if err != nil {
			return finderChoices{}, err
		}
		orgs, err := s.reads(ctx).LeadOrganisations(ctx, plan.ID)
		if err != nil {
			return finderChoices{}, err
		}
		return finderChoices{priorities: ps, organisations: orgs}, nil
	})
}

// finderRequest is a finder request read and checked: the filters as typed, the search they
// make, the problems found and the filters in force.
type finderRequest struct {
	filters web.FinderFilters
	search  postgres.CommitmentSearch
	errors  []web.FieldError
	active  []web.ActiveFilter
}

func (f finderRequest) page() int { return max(f.filters.Page, 1) }

// finderRequestOf reads the finder request r makes of the plan its path names, with the choices
// the finder offers in that plan.
func (s *Server) finderRequestOf(r *http.Request) (tracker.Plan, finderChoices, finderRequest, error) {
	plan, err := s.plan(r)
	if err != nil {
		return plan, finderChoices{}, finderRequest{}, err
	}
	choices, err := s.finderChoices(r.Context(), plan)
	if err != nil {
		return plan, choices, finderRequest{}, err
	}
	fr, err := s.readFinder(r.Context(), plan, &choices, r.URL.Query(), paths.Commitments(plan))
	return plan, choices, fr, err
}

// readFinder reads the finder's parameters from q into a search of the plan at the request's
// time, checking each against what the plan offers. path is the finder's address, for the links
// that remove a filter.
func (s *Server) readFinder(ctx context.Context, plan tracker.Plan, choices *finderChoices, q url.Values, path string) (finderRequest, error) {
	var fr finderRequest
	f := &fr.filters
	sq := &fr.search
	sq.PlanID = plan.ID

	text, problems := tracker.ParseSearchText(q.Get(web.ParamQuery))
	f.Query = text
	if len(problems) > 0 {
		fr.errors = append(fr.errors, fieldErrors(problems)...)
	} else {
		sq.Text = f.Query
	}

	f.Priority = strings.TrimSpace(q.Get(web.ParamPriority))
	if pr, ok, problems := tracker.ParseFinderPriority(f.Priority, choices.priorities); ok {
		sq.PriorityID = pr.ID
	} else {
		fr.errors = append(fr.errors, fieldErrors(problems)...)
	}

	f.Statuses, problems = tracker.ParseFinderStatuses(q[web.ParamStatus], append([]string{web.StatusNone}, web.Statuses()...))
	fr.errors = append(fr.errors, fieldErrors(problems)...)
	for _, want := range f.Statuses {
		st := tracker.Status(want)
		if want == web.StatusNone {
			st = tracker.NoUpdate
		}
		sq.Statuses = append(sq.Statuses, st)
	}

	f.Org = strings.TrimSpace(q.Get(web.ParamOrg))
	o, lookup, problems := tracker.ParseFinderOrganisation(f.Org, choices.organisations)
	fr.errors = append(fr.errors, fieldErrors(problems)...)
	switch lookup {
	case tracker.FinderOrganisationFound:
		sq.OrganisationID = o.ID
	case tracker.FinderOrganisationLookUp:
		// An organisation may lead nothing in this plan yet: that is an empty list, not an error.
		o, err := s.reads(ctx).OrganisationByCode(ctx, f.Org)
		if tracker.ErrorCode(err) == tracker.ENOTFOUND {
			fr.errors = append(fr.errors, fieldErrors(tracker.UnknownFinderOrganisation())...)
		} else if err != nil {
			return fr, err
		} else {
			sq.OrganisationID = o.ID
			// The choices are shared between requests: append to a copy.
			choices.organisations = append(slices.Clip(choices.organisations), o)
		}
	}

	var period tracker.Period
	if d := strings.TrimSpace(q.Get(web.ParamDue)); d != "" {
		f.Due = d
		p, err := tracker.ParsePeriod(d)
		if err != nil {
			fr.errors = append(fr.errors, web.FieldError{Field: "due", Message: tracker.ErrorMessage(err)})
		} else {
			period = p
			f.Due = p.String()
			from, to := p.Months()
			sq.DueFrom, sq.DueTo = &from, &to
		}
	}

	f.Overdue, f.NotOverdue, problems = tracker.ParseFinderOverdue(q.Get(web.ParamOverdue))
	fr.errors = append(fr.errors, fieldErrors(problems)...)
	sq.NotOverdue = f.NotOverdue
	f.UpdateDue, problems = tracker.ParseFinderYes(tracker.FinderOnlyUpdateDue, q.Get(web.ParamUpdateDue))
	fr.errors = append(fr.errors, fieldErrors(problems)...)
	sq.Overdue, sq.UpdateDue = f.Overdue, f.UpdateDue

	sort, problems := tracker.ParseFinderSort(q.Get(web.ParamSort), []string{string(postgres.SortRef), string(postgres.SortDue), string(postgres.SortUpdated), string(postgres.SortRelevance)})
	fr.errors = append(fr.errors, fieldErrors(problems)...)
	if problems == nil {
		sq.Sort = postgres.CommitmentSort(sort)
		if sort == "" {
			sq.Sort = postgres.SortRef
			if f.Query != "" {
				sq.Sort = postgres.SortRelevance
			}
		}
		// The default order of the request needs no parameter: without search text that is ref,
		// with it, best match.
		if sq.Sort == postgres.SortRelevance && f.Query == "" {
			sq.Sort = postgres.SortRef
		}
		if (sq.Sort == postgres.SortRef && f.Query == "") || (sq.Sort == postgres.SortRelevance && f.Query != "") {
			f.Sort = ""
		} else {
			f.Sort = string(sq.Sort)
		}
	}

	page, problems := tracker.ParseFinderPage(q.Get(web.ParamPage))
	f.Page = page
	fr.errors = append(fr.errors, fieldErrors(problems)...)

	fr.active = activeFilters(*f, choices, period, path)
	return fr, nil
}

// activeFilters lists the filters in force, each with the address of the results without it.
func activeFilters(f web.FinderFilters, choices *finderChoices, period tracker.Period, path string) []web.ActiveFilter {
	var out []web.ActiveFilter
	f.Page = 0
	add := func(group, label string, without web.FinderFilters) {
		out = append(out, web.ActiveFilter{Group: group, Label: label, RemoveURL: path + without.QueryString()})
	}
	if f.Query != "" {
		g := f
		g.Query = ""
		if g.Sort == string(postgres.SortRef) {
			g.Sort = ""
		}
		add("Search", "“"+f.Query+"”", g)
	}
	if f.Priority != "" {
		g := f
		g.Priority = ""
		label := f.Priority
		for _, p := range choices.priorities {
			if strconv.Itoa(p.Number) == f.Priority {
				label = strconv.Itoa(p.Number) + ". " + p.Name
			}
		}
		add("Priority area", label, g)
	}
	for _, st := range f.Statuses {
		g := f
		g.Statuses = slices.DeleteFunc(slices.Clone(f.Statuses), func(s string) bool { return s == st })
		add("Status", statusLabel(st), g)
	}
	if f.Org != "" {
		g := f
		g.Org = ""
		label := f.Org
		for _, o := range choices.organisations {
			if o.Code == f.Org {
				label = o.Name
			}
		}
		add("Lead organisation", label, g)
	}
	if f.Due != "" {
		g := f
		g.Due = ""
		label := f.Due
		if period.StartYear != 0 {
			label = period.Label()
		}
		add("Due in", label, g)
	}
	if f.Overdue {
		g := f
		g.Overdue = false
		add("Show only", "Overdue", g)
	}
	if f.NotOverdue {
		g := f
		g.NotOverdue = false
		add("Leave out", "Overdue", g)
	}
	if f.UpdateDue {
		g := f
		g.UpdateDue = false
		add("Show only", "Update due", g)
	}
	return out
}

func statusLabel(value string) string {
	if value == web.StatusNone {
		return web.StatusLabel(web.StatusNoUpdate)
	}
	return web.StatusLabel(value)
}

// finderOptionLists are the choices the finder's form offers for a plan: the same for every
// request at a data version, so they are made once for it (see remember), not for each request
// (a plan of many organisations and months offers hundreds). They are shared: never changed.
type finderOptionLists struct {
	priorities, statuses, organisations, due []web.Option
	// periods are the due options' periods, in order.
	periods []tracker.Period
}

// newFinderOptionLists makes the finder's choices from the plan's priority areas and lead
// organisations, and the months its commitments are expected in.
func newFinderOptionLists(choices finderChoices, months []postgres.MonthCount) finderOptionLists {
	var o finderOptionLists
	o.priorities = []web.Option{{Value: "", Text: "All priority areas"}}
	for _, p := range choices.priorities {
		o.priorities = append(o.priorities, web.Option{Value: strconv.Itoa(p.Number), Text: strconv.Itoa(p.Number) + ". " + p.Name})
	}
	o.statuses = []web.Option{{Value: web.StatusNone, Text: web.StatusLabel(web.StatusNoUpdate)}}
	for _, st := range web.Statuses() {
		o.statuses = append(o.statuses, web.Option{Value: st, Text: web.StatusLabel(st)})
	}
	o.organisations = []web.Option{{Value: "", Text: "Any organisation"}}
	for _, org := range choices.organisations {
		o.organisations = append(o.organisations, web.Option{Value: org.Code, Text: org.Name})
	}
	seen := map[tracker.Period]bool{}
	for _, mc := range months {
		for _, p := range []tracker.Period{tracker.PeriodOf(mc.Month, false), tracker.PeriodOf(mc.Month, true)} {
			if !seen[p] {
				seen[p] = true
				o.periods = append(o.periods, p)
			}
		}
	}
	slices.SortFunc(o.periods, comparePeriods)
	o.due = dueOptions(o.periods)
	return o
}

func comparePeriods(a, b tracker.Period) int {
	if a.StartYear != b.StartYear {
		return a.StartYear - b.StartYear
	}
	return a.Quarter - b.Quarter
}

// dueOptions are the choices of when commitments are due, from periods in order.
func dueOptions(periods []tracker.Period) []web.Option {
	out := make([]web.Option, 0, len(periods)+1)
	out = append(out, web.Option{Value: "", Text: "Any time"})
	for _, p := range periods {
		text := p.Label()
		if p.Quarter == 0 {
			text = "The " + p.FinancialYear() + " financial year"
		}
		out = append(out, web.Option{Value: p.String(), Text: text})
	}
	return out
}

// finderOptionsOf returns the finder's choices for the plan, made once per data version.
func (s *Server) finderOptionsOf(ctx context.Context, plan tracker.Plan, choices finderChoices, months []postgres.MonthCount) (finderOptionLists, error) {
	return remember(s, ctx, fmt.Sprintf("finder options %d", plan.ID), func() (finderOptionLists, error) {
		return newFinderOptionLists(choices, months), nil
	})
}

// finderOptions fills in the choices the finder's form offers: o's, with the period the filters
// ask for among the due ones where no commitment is expected in it, so that the form shows what
// was asked.
func finderOptions(v *web.CommitmentsView, o finderOptionLists) {
	v.PriorityOptions, v.StatusOptions, v.OrganisationOptions, v.DueOptions = o.priorities, o.statuses, o.organisations, o.due
	if p, err := tracker.ParsePeriod(v.Filters.Due); err == nil && !slices.Contains(o.periods, p) {
		periods := append(slices.Clone(o.periods), p)
		slices.SortFunc(periods, comparePeriods)
		v.DueOptions = dueOptions(periods)
	}
	if v.Filters.Query != "" {
		v.SortOptions = []web.Option{{Value: "", Text: "Best match"}, {Value: string(postgres.SortRef), Text: "Reference"}}
	} else {
		v.SortOptions = []web.Option{{Value: "", Text: "Reference"}}
	}
	v.SortOptions = append(v.SortOptions,
		web.Option{Value: string(postgres.SortDue), Text: "Due date, soonest first"},
		web.Option{Value: string(postgres.SortUpdated), Text: "Last updated, newest first"})
}

// commitments serves the commitments finder.
func (s *Server) commitments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plan, choices, fr, err := s.finderRequestOf(r)
	if err != nil {
		return err
	}
	path := paths.Commitments(plan)
	months, err := s.expectedMonthCounts(ctx, plan.ID, 0)
	if err != nil {
		return err
	}
	options, err := s.finderOptionsOf(ctx, plan, choices, months)
	if err != nil {
		return err
	}
	v := web.CommitmentsView{Plan: plan, Path: path, Filters: fr.filters, Errors: fr.errors, Active: fr.active, Page: fr.page()}
	finderOptions(&v, options)
	status := http.StatusOK
	if len(fr.errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		// A list filtered without text is counted from the counts by month and status kept for
		// the plan's (or the priority area's) charts, rather than counted again.
		counts := months
		if fr.search.PriorityID != 0 && fr.search.Text == "" {
			if counts, err = s.expectedMonthCounts(ctx, plan.ID, fr.search.PriorityID); err != nil {
				return err
			}
		}
		if n, ok := fr.search.CountFromMonths(counts, s.now()); ok {
			fr.search.Total = &n
		} else if fr.search.CountsApart() {
			// A search for plain words, or for a lead organisation's commitments, counts its
			// results with a statement of its own, which for the commonest words costs more than
			// finding the page: the count is kept per data version and filter.
			counted := fr.filters
			counted.Page = 0
			n, err := remember(s, ctx, fmt.Sprintf("search count %d %s %s", plan.ID, s.now().Format(time.DateOnly), counted.QueryString()),
				func() (int, error) { return s.reads(ctx).CountSearch(ctx, fr.search) })
			if err != nil {
				return err
			}
			fr.search.Total = &n
		}
		page, err := s.reads(ctx).SearchCommitments(ctx, fr.search, web.FinderPerPage, (v.Page-1)*web.FinderPerPage)
		if err != nil {
			return err
		}
		v.Total = page.Total
		v.Pages = (page.Total + web.FinderPerPage - 1) / web.FinderPerPage
		now := s.now()
		v.Results = make([]web.FinderResult, len(page.Commitments))
		for i, c := range page.Commitments {
			v.Results[i] = web.FinderResult{CommitmentRow: s.row(plan, c), UpdateDue: c.UpdateDue(now)}
		}
	}
	l := s.layout(r)
	l.Breadcrumbs = publicCrumbs(plan, web.Breadcrumb{Text: "Commitments"})
	switch {
	case len(fr.errors) > 0:
		l.Title = "Error: Commitments"
	case fr.filters.Filtered() || v.Page > 1:
		l.Title = "Commitments: " + finderTitle(v)
	default:
		l.Title = "Commitments"
	}
	l.Description = "Search and filter the commitments of the " + plan.Title +
		" by priority area, status, lead organisation and when they are due, and download them."
	if fr.filters.Filtered() || v.Page > 1 {
		l.Description = "Commitments of the " + plan.Title + ": " + finderTitle(v) + ". " + l.Description
	}
	if len(fr.errors) == 0 {
		// A search is a page of its own: its address, with the query as the finder writes it.
		l.Canonical = s.siteURL(r) + path + fr.filters.QueryString()
	}
	l.Alternates = append(l.Alternates, web.AlternateLink{Title: "Published updates: " + plan.Title, Href: paths.Feed(plan)})
	return s.page(w, r, status, web.CommitmentsPage(l, v))
}

// finderTitle sums up the results for the page title, so that browser history tells searches
// apart.
func finderTitle(v web.CommitmentsView) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(v.Total) + " found")
	if v.Filters.Query != "" {
		b.WriteString(" for “" + v.Filters.Query + "”")
	}
	if v.Pages > 1 {
		b.WriteString(", page " + strconv.Itoa(v.Page) + " of " + strconv.Itoa(v.Pages))
	}
	return b.String()
}
