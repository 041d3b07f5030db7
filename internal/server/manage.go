package server

// Handlers for staff managing plans, their priority areas and commitments, and organisations.
// Every route here is behind requireCan(tracker.ActionEditPlan). Forms keep what was typed on
// every error; a save over someone else's change is refused with what is saved now (409), and
// nothing typed is lost.

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Limits on what staff type into the management forms.
const (
	maxTitle     = 200
	maxPeriod    = 20
	maxShortText = 300
	maxIntro     = 5000
	maxAsWritten = 20
)

// formErrors collects a form's errors in the order of its fields.
type formErrors []web.FieldError

func (e *formErrors) add(field, format string, args ...any) {
	*e = append(*e, web.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// text checks a text field: required or not, and at most max characters.
func (e *formErrors) text(field, value, label string, required bool, max int) {
	switch {
	case required && value == "":
		e.add(field, "Enter %s", label)
	case utf8.RuneCountInString(value) > max:
		e.add(field, "%s must be %d characters or fewer", capitalise(label), max)
	}
}

// url checks an optional web address.
func (e *formErrors) url(field, value string) {
	if value != "" {
		if msg := tracker.CheckURL(value); msg != "" {
			e.add(field, "%s", msg)
		}
	}
}

// fromStore turns an error from a save into a field error where it is about a field.
func (e *formErrors) fromStore(err error, ids map[string]string) bool {
	field, msg, ok := tracker.FieldOf(err)
	if !ok {
		return false
	}
	if id, ok := ids[field]; ok {
		field = id
	}
	e.add(field, "%s", msg)
	return true
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// form returns a form value with the space around it trimmed.
func form(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// formVersion returns the version a form was based on; 0, which no record has, if it is missing.
func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

// pathID returns the numeric ID in the path parameter, or false.
func pathID(r *http.Request, name string) (int64, bool) {
	s := chi.URLParam(r, name)
	if len(s) > 18 {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// isConflict reports whether err says the record changed since the form was opened.
func isConflict(err error) bool { return tracker.ErrorCode(err) == tracker.ECONFLICT }

// adminLayout is the frame of a management page, with breadcrumbs from Plans down.
func (s *Server) adminLayout(r *http.Request, crumbs ...web.Breadcrumb) web.LayoutProps {
	l := s.layout(r)
	l.Breadcrumbs = crumbs
	return l
}

func plansCrumb() web.Breadcrumb { return web.Breadcrumb{Text: "Plans", Href: paths.AdminPlans} }

func planCrumb(p tracker.Plan) web.Breadcrumb {
	return web.Breadcrumb{Text: p.Title, Href: paths.AdminPlan(p.Slug)}
}

// adminPlan returns the plan named in the path.
func (s *Server) adminPlan(r *http.Request) (tracker.Plan, error) {
	slug := chi.URLParam(r, "plan")
	if !tracker.ValidSlug(slug) {
		return tracker.Plan{}, tracker.ErrNotFound
	}
	return s.store.PlanBySlug(r.Context(), slug)
}

// ---- plans -----------------------------------------------------------------

func (s *Server) adminPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.AdminPlansPage(s.adminLayout(r), web.AdminPlansView{Plans: plans}))
}

func planFormOf(p tracker.Plan) web.PlanForm {
	f := web.PlanForm{Title: p.Title, Slug: p.Slug, Period: p.Period, Strategy: p.Strategy, SourceURL: p.SourceURL,
		Licence: p.Licence, Attribution: p.Attribution, Version: strconv.Itoa(p.Version)}
	if p.PublishedOn != nil {
		f.PublishedOn = p.PublishedOn.Format("2/1/2006")
	}
	return f
}

// parsePlanForm reads and checks the plan form.
func parsePlanForm(r *http.Request) (web.PlanForm, tracker.Plan, formErrors) {
	f := web.PlanForm{Title: form(r, "title"), Slug: strings.ToLower(form(r, "slug")), Period: form(r, "period"),
		Strategy: form(r, "strategy"), PublishedOn: form(r, "published_on"), SourceURL: form(r, "source_url"),
		Licence: form(r, "licence"), Attribution: form(r, "attribution"), PreviousID: form(r, "previous"),
		CopyPriorities: r.PostFormValue("copy_priorities") == "yes", Version: r.PostFormValue("version")}
	p := tracker.Plan{Title: f.Title, Slug: f.Slug, Period: f.Period, Strategy: f.Strategy, SourceURL: f.SourceURL,
		Licence: f.Licence, Attribution: f.Attribution}
	var errs formErrors
	errs.text("title", f.Title, "the plan’s title", true, maxTitle)
	errs.text("period", f.Period, "the period it covers", true, maxPeriod)
	switch {
	case f.Slug == "":
		errs.add("slug", "Enter the plan’s web address, such as 2024-25")
	case !tracker.ValidSlug(f.Slug):
		errs.add("slug", "The web address must be lower-case letters, numbers and hyphens, starting with a letter or number")
	}
	errs.text("strategy", f.Strategy, "the strategy", false, maxTitle)
	if f.PublishedOn != "" {
		d, err := tracker.ParseDate(f.PublishedOn)
		if err != nil {
			errs.add("published_on", "Enter the publication date as day, month and year, such as 4/8/2023")
		} else {
			p.PublishedOn = &d
		}
	}
	errs.url("source_url", f.SourceURL)
	errs.text("licence", f.Licence, "the licence", false, maxShortText)
	errs.text("attribution", f.Attribution, "the attribution", false, maxShortText)
	return f, p, errs
}

func (s *Server) newPlanForm(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := web.PlanForm{CopyPriorities: true, Licence: "Open Government Licence v3.0",
		Attribution: "Contains public sector information licensed under the Open Government Licence v3.0."}
	for _, p := range plans {
		if p.IsCurrent {
			f.PreviousID = strconv.FormatInt(p.ID, 10)
		}
	}
	s.render(w, r, http.StatusOK, web.PlanFormPage(s.adminLayout(r, plansCrumb(), web.Breadcrumb{Text: "Create a plan"}),
		web.PlanFormView{Form: f, Plans: plans}))
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	plans, err := s.store.Plans(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, p, errs := parsePlanForm(r)
	var previous int64
	if f.PreviousID != "" {
		id, _ := strconv.ParseInt(f.PreviousID, 10, 64)
		if !slices.ContainsFunc(plans, func(p tracker.Plan) bool { return p.ID == id }) {
			errs.add("previous", "Choose a plan from the list")
		}
		previous = id
	}
	if len(errs) == 0 {
		created, err := s.store.CreatePlan(ctx, s.actor(r), postgres.NewPlan{Plan: p, PreviousID: previous,
			CopyPriorities: f.CopyPriorities && previous != 0})
		switch {
		case err == nil:
			s.flash(r, "Plan created: "+created.Title+". It is not current until you make it so.")
			http.Redirect(w, r, paths.AdminPlan(created.Slug), http.StatusSeeOther)
			return
		case !errs.fromStore(err, nil):
			s.error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.PlanFormPage(s.adminLayout(r, plansCrumb(), web.Breadcrumb{Text: "Create a plan"}),
		web.PlanFormView{Form: f, Plans: plans, Errors: errs}))
}

func (s *Server) adminPlanPage(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.adminPlanView(r, plan)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.AdminPlanPage(s.adminLayout(r, plansCrumb(), web.Breadcrumb{Text: plan.Title}), v))
}

func (s *Server) adminPlanView(r *http.Request, plan tracker.Plan) (web.AdminPlanView, error) {
	ctx := r.Context()
	v := web.AdminPlanView{Plan: plan, Counts: map[int64]int{}}
	var err error
	if v.Priorities, err = s.store.Priorities(ctx, plan.ID); err != nil {
		return v, err
	}
	if v.Commitments, err = s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID}); err != nil {
		return v, err
	}
	for _, c := range v.Commitments {
		v.Counts[c.PriorityID]++
	}
	if plan.PreviousID != nil {
		prev, err := s.store.PlanByID(ctx, *plan.PreviousID)
		switch {
		case err == nil:
			v.Previous = &prev
			olds, err := s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: prev.ID})
			if err != nil {
				return v, err
			}
			v.CanCarryForward = slices.ContainsFunc(olds, carriable)
		case !errors.Is(err, tracker.ErrNotFound):
			return v, err
		}
	}
	return v, nil
}

// carriable reports whether a commitment may be carried forward into the next plan.
func carriable(c tracker.Commitment) bool { return c.Status.Open() && c.CarriedForwardToID == nil }

func (s *Server) editPlanForm(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.PlanFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Change details"}),
		web.PlanFormView{Plan: &plan, Form: planFormOf(plan)}))
}

func (s *Server) updatePlan(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, p, errs := parsePlanForm(r)
	l := s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Change details"})
	v := web.PlanFormView{Plan: &plan, Form: f}
	if len(errs) == 0 {
		p.ID, p.Version = plan.ID, formVersion(r)
		updated, err := s.store.UpdatePlan(r.Context(), s.actor(r), p)
		switch {
		case err == nil:
			s.flash(r, "Plan details saved.")
			http.Redirect(w, r, paths.AdminPlan(updated.Slug), http.StatusSeeOther)
			return
		case isConflict(err):
			v.Conflict = planConflict(plan, p)
			v.Form.Version = strconv.Itoa(plan.Version)
			s.render(w, r, http.StatusConflict, web.PlanFormPage(l, v))
			return
		case !errs.fromStore(err, nil):
			s.error(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, web.PlanFormPage(l, v))
}

// planConflict lists what is saved now where it differs from what was typed.
func planConflict(saved, mine tracker.Plan) *web.Conflict {
	c := &web.Conflict{}
	add := func(field, a, b string) {
		if a != b {
			c.Rows = append(c.Rows, web.ConflictRow{Field: field, Saved: a})
		}
	}
	add("Title", saved.Title, mine.Title)
	add("Period", saved.Period, mine.Period)
	add("Web address", saved.Slug, mine.Slug)
	add("Strategy", saved.Strategy, mine.Strategy)
	add("Publication date", dateOrEmpty(saved.PublishedOn), dateOrEmpty(mine.PublishedOn))
	add("Published plan", saved.SourceURL, mine.SourceURL)
	add("Licence", saved.Licence, mine.Licence)
	add("Attribution", saved.Attribution, mine.Attribution)
	return c
}

func dateOrEmpty(d *time.Time) string {
	if d == nil {
		return ""
	}
	return tracker.FormatDate(*d)
}

func (s *Server) makePlanCurrent(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.store.MakeCurrent(r.Context(), s.actor(r), plan.ID, formVersion(r))
	switch {
	case err == nil:
		s.flash(r, plan.Title+" is now the current plan: the portal shows it at its home page.")
		http.Redirect(w, r, paths.AdminPlan(plan.Slug), http.StatusSeeOther)
	case isConflict(err):
		v, verr := s.adminPlanView(r, plan)
		if verr != nil {
			s.error(w, r, verr)
			return
		}
		v.Errors = []web.FieldError{{Field: "main-content", Message: "The plan changed while you were looking at it: check it and try again"}}
		s.render(w, r, http.StatusConflict, web.AdminPlanPage(s.adminLayout(r, plansCrumb(), web.Breadcrumb{Text: plan.Title}), v))
	default:
		s.error(w, r, err)
	}
}

func (s *Server) retirePlanForm(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Retire"}),
		paths.AdminPlans, retirePlanView(plan)))
}

func retirePlanView(plan tracker.Plan) web.ConfirmView {
	return web.ConfirmView{Title: "Retire " + plan.Title, Label: "Plans",
		Message: "The plan, its priority areas and commitments will no longer be shown anywhere in the portal. Nothing is deleted: its history and audit trail are kept.",
		Action:  paths.AdminPlanAction(plan.Slug, "retire"), Version: plan.Version, Button: "Retire plan",
		Cancel: paths.AdminPlan(plan.Slug)}
}

func (s *Server) retirePlan(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.store.RetirePlan(r.Context(), s.actor(r), plan.ID, formVersion(r))
	if err == nil {
		s.flash(r, plan.Title+" has been retired.")
		http.Redirect(w, r, paths.AdminPlans, http.StatusSeeOther)
		return
	}
	s.confirmFailed(w, r, err, paths.AdminPlans, retirePlanView(plan), plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Retire"})
}

// confirmFailed re-renders a confirmation page with why the action was refused: a rule it broke
// (422) or a change made meanwhile (409).
func (s *Server) confirmFailed(w http.ResponseWriter, r *http.Request, err error, section string, v web.ConfirmView, crumbs ...web.Breadcrumb) {
	status := http.StatusUnprocessableEntity
	switch {
	case isConflict(err):
		status = http.StatusConflict
		v.Errors = []web.FieldError{{Field: "main-content", Message: "It changed while you were looking at it: go back, check it and try again"}}
	case tracker.ErrorCode(err) == tracker.EINVALID:
		v.Errors = []web.FieldError{{Field: "main-content", Message: tracker.ErrorMessage(err)}}
	default:
		s.error(w, r, err)
		return
	}
	s.render(w, r, status, web.ConfirmPage(s.adminLayout(r, crumbs...), section, v))
}

// ---- priority areas --------------------------------------------------------

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// slugOf makes a web address from a name: "Digital Skills and Leadership" becomes
// digital-skills-and-leadership.
func slugOf(name string) string {
	s := strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	return s
}

func priorityFormOf(p tracker.Priority) web.PriorityForm {
	return web.PriorityForm{Number: strconv.Itoa(p.Number), Name: p.Name, Slug: p.Slug, Tagline: p.Tagline,
		Heading: p.Heading, Intro: p.Intro, SourceURL: p.SourceURL, Version: strconv.Itoa(p.Version)}
}

func parsePriorityForm(r *http.Request) (web.PriorityForm, tracker.Priority, formErrors) {
	f := web.PriorityForm{Number: form(r, "number"), Name: form(r, "name"), Slug: strings.ToLower(form(r, "slug")),
		Tagline: form(r, "tagline"), Heading: form(r, "heading"),
		Intro:     strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("intro"), "\r\n", "\n")),
		SourceURL: form(r, "source_url"), Version: r.PostFormValue("version")}
	if f.Slug == "" {
		f.Slug = slugOf(f.Name)
	}
	p := tracker.Priority{Name: f.Name, Slug: f.Slug, Tagline: f.Tagline, Heading: f.Heading, Intro: f.Intro, SourceURL: f.SourceURL}
	var errs formErrors
	n, err := strconv.Atoi(f.Number)
	switch {
	case f.Number == "":
		errs.add("number", "Enter the priority area’s number, such as 4")
	case err != nil || n < 1 || n > 99:
		errs.add("number", "The number must be a whole number from 1 to 99")
	default:
		p.Number = n
	}
	errs.text("name", f.Name, "the priority area’s name", true, maxTitle)
	if f.Slug != "" && !tracker.ValidSlug(f.Slug) {
		errs.add("slug", "The web address must be lower-case letters, numbers and hyphens, starting with a letter or number")
	} else if f.Slug == "" && f.Name != "" {
		errs.add("slug", "Enter the priority area’s web address, such as digital-skills-and-leadership")
	}
	errs.text("tagline", f.Tagline, "what it aims for", false, maxShortText)
	errs.text("heading", f.Heading, "the heading", false, maxShortText)
	errs.text("intro", f.Intro, "the introduction", false, maxIntro)
	errs.url("source_url", f.SourceURL)
	return f, p, errs
}

func (s *Server) newPriorityForm(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ps, err := s.store.Priorities(r.Context(), plan.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	next := 1
	for _, p := range ps {
		next = max(next, p.Number+1)
	}
	s.render(w, r, http.StatusOK, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Add a priority area"}),
		web.PriorityFormView{Plan: plan, Form: web.PriorityForm{Number: strconv.Itoa(next)}}))
}

var priorityFields = map[string]string{"number": "number", "slug": "slug", "priority": "main-content"}

func (s *Server) createPriority(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, p, errs := parsePriorityForm(r)
	if len(errs) == 0 {
		p.PlanID = plan.ID
		_, err := s.store.CreatePriority(r.Context(), s.actor(r), p)
		switch {
		case err == nil:
			s.flash(r, "Priority area "+strconv.Itoa(p.Number)+" added.")
			http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#priorities", http.StatusSeeOther)
			return
		case !errs.fromStore(err, priorityFields):
			s.error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Add a priority area"}),
		web.PriorityFormView{Plan: plan, Form: f, Errors: errs}))
}

// adminPriority returns the priority area in the path and its plan.
func (s *Server) adminPriority(r *http.Request) (tracker.Priority, tracker.Plan, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return tracker.Priority{}, tracker.Plan{}, tracker.ErrNotFound
	}
	p, err := s.store.PriorityByID(r.Context(), id)
	if err != nil {
		return p, tracker.Plan{}, err
	}
	plan, err := s.store.PlanByID(r.Context(), p.PlanID)
	return p, plan, err
}

func (s *Server) editPriorityForm(w http.ResponseWriter, r *http.Request) {
	p, plan, err := s.adminPriority(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: p.Name}),
		web.PriorityFormView{Plan: plan, Priority: &p, Form: priorityFormOf(p)}))
}

func (s *Server) updatePriority(w http.ResponseWriter, r *http.Request) {
	saved, plan, err := s.adminPriority(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, p, errs := parsePriorityForm(r)
	l := s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: saved.Name})
	v := web.PriorityFormView{Plan: plan, Priority: &saved, Form: f}
	if len(errs) == 0 {
		p.ID, p.PlanID, p.Version = saved.ID, plan.ID, formVersion(r)
		_, err := s.store.UpdatePriority(r.Context(), s.actor(r), p)
		switch {
		case err == nil:
			s.flash(r, "Priority area "+strconv.Itoa(p.Number)+" saved.")
			http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#priorities", http.StatusSeeOther)
			return
		case isConflict(err):
			v.Conflict = priorityConflict(saved, p)
			v.Form.Version = strconv.Itoa(saved.Version)
			s.render(w, r, http.StatusConflict, web.PriorityFormPage(l, v))
			return
		case !errs.fromStore(err, priorityFields):
			s.error(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, web.PriorityFormPage(l, v))
}

func priorityConflict(saved, mine tracker.Priority) *web.Conflict {
	c := &web.Conflict{}
	add := func(field, a, b string) {
		if a != b {
			c.Rows = append(c.Rows, web.ConflictRow{Field: field, Saved: a})
		}
	}
	add("Number", strconv.Itoa(saved.Number), strconv.Itoa(mine.Number))
	add("Name", saved.Name, mine.Name)
	add("Web address", saved.Slug, mine.Slug)
	add("What it aims for", saved.Tagline, mine.Tagline)
	add("Heading", saved.Heading, mine.Heading)
	add("Introduction", saved.Intro, mine.Intro)
	add("Page of the published plan", saved.SourceURL, mine.SourceURL)
	return c
}

func retirePriorityView(p tracker.Priority) web.ConfirmView {
	return web.ConfirmView{Title: "Retire priority area " + strconv.Itoa(p.Number), Label: p.Name,
		Message: "The priority area will no longer be shown in its plan. It must have no commitments left in it.",
		Action:  paths.AdminPriority(p.ID, "retire"), Version: p.Version, Button: "Retire priority area"}
}

func (s *Server) retirePriorityForm(w http.ResponseWriter, r *http.Request) {
	p, plan, err := s.adminPriority(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := retirePriorityView(p)
	v.Cancel = paths.AdminPlan(plan.Slug)
	s.render(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Retire"}), paths.AdminPlans, v))
}

func (s *Server) retirePriority(w http.ResponseWriter, r *http.Request) {
	p, plan, err := s.adminPriority(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.store.RetirePriority(r.Context(), s.actor(r), p.ID, formVersion(r))
	if err == nil {
		s.flash(r, "Priority area "+strconv.Itoa(p.Number)+" has been retired.")
		http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#priorities", http.StatusSeeOther)
		return
	}
	v := retirePriorityView(p)
	v.Cancel = paths.AdminPlan(plan.Slug)
	s.confirmFailed(w, r, err, paths.AdminPlans, v, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Retire"})
}

// ---- commitments -----------------------------------------------------------

// blankLeadRows is how many empty lead lines the commitment form offers.
const blankLeadRows = 2

func commitmentFormOf(c tracker.Commitment) web.CommitmentForm {
	f := web.CommitmentForm{Ref: c.Ref, Priority: strconv.FormatInt(c.PriorityID, 10), Deliver: c.Deliver,
		Why: strings.Join(c.Why, "\n"), SourceURL: c.SourceURL, Version: strconv.Itoa(c.Version),
		Leads: web.LeadFormsOf(c.Leads)}
	if !c.Due.IsZero() {
		f.DueMonth, f.DueYear = strconv.Itoa(int(c.Due.Month)), strconv.Itoa(c.Due.Year)
	}
	for range blankLeadRows {
		f.Leads = append(f.Leads, web.LeadForm{})
	}
	return f
}

// commitmentFields says which form field shows each of the domain's commitment fields.
var commitmentFields = map[string]string{"ref": "ref", "priority": "priority", "deliver": "deliver", "why": "why",
	"due": "due", "leads": "leads", "source_url": "source_url"}

// parseCommitmentForm reads the commitment form and checks it, with the organisations a lead line
// may name.
func parseCommitmentForm(r *http.Request, orgs []tracker.Organisation, priorities []tracker.Priority) (web.CommitmentForm, tracker.Commitment, formErrors) {
	f := web.CommitmentForm{Ref: form(r, "ref"), Priority: form(r, "priority"),
		Deliver: form(r, "deliver"), Why: strings.ReplaceAll(r.PostFormValue("why"), "\r\n", "\n"),
		DueMonth: form(r, "due-month"), DueYear: form(r, "due-year"), SourceURL: form(r, "source_url"),
		Version: r.PostFormValue("version")}
	rows, _ := strconv.Atoi(r.PostFormValue("lead-rows"))
	rows = min(max(rows, 0), tracker.MaxLeadLines+blankLeadRows)
	for i := 1; i <= rows; i++ {
		f.Leads = append(f.Leads, web.LeadForm{Text: form(r, fmt.Sprintf("lead-%d-text", i)), Orgs: r.PostForm[fmt.Sprintf("lead-%d-org", i)]})
	}
	c := tracker.Commitment{Ref: f.Ref, Deliver: f.Deliver, Why: tracker.SplitLines(f.Why), SourceURL: f.SourceURL}
	var errs formErrors
	if f.Priority != "" {
		id, _ := strconv.ParseInt(f.Priority, 10, 64)
		for _, p := range priorities {
			if p.ID == id {
				c.PriorityID, c.PriorityNumber, c.PrioritySlug, c.PriorityName = p.ID, p.Number, p.Slug, p.Name
			}
		}
		if c.PriorityID == 0 {
			f.Priority = ""
		}
	}
	byID := map[string]tracker.Organisation{}
	for _, o := range orgs {
		byID[strconv.FormatInt(o.ID, 10)] = o
	}
	var leadErrs formErrors
	for i, l := range f.Leads {
		if l.Text == "" && len(l.Orgs) == 0 {
			continue
		}
		line := tracker.LeadLine{Text: l.Text}
		if l.Text == "" {
			leadErrs.add(web.LeadInputID(i, "text"), "Enter lead line %d as the plan prints it, or untick its organisations", i+1)
		}
		for _, id := range l.Orgs {
			o, ok := byID[id]
			if !ok {
				leadErrs.add(web.LeadInputID(i, "org"), "Choose the organisations lead line %d names from the list", i+1)
				break
			}
			line.Organisations = append(line.Organisations, o)
		}
		c.Leads = append(c.Leads, line)
	}
	switch {
	case f.DueMonth == "" && f.DueYear == "":
		// ValidateCommitment asks for it.
	default:
		mn, errM := strconv.Atoi(f.DueMonth)
		yr, errY := strconv.Atoi(f.DueYear)
		m, err := tracker.NewMonth(yr, mn)
		if errM != nil || errY != nil || err != nil || len(f.DueYear) != 4 {
			errs.add("due", "Enter the month it is due as a month from 1 to 12 and a four-digit year, such as 3 and 2024")
		} else {
			c.Due = m
		}
	}
	for _, p := range tracker.ValidateCommitment(c) {
		if p.Field == "due" && len(errs) > 0 {
			continue // the month as typed is reported already
		}
		if p.Field == "leads" && len(leadErrs) > 0 {
			continue
		}
		field := commitmentFields[p.Field]
		if p.Field == "leads" {
			field = web.LeadInputID(0, "text")
		}
		errs.add(field, "%s", p.Message)
	}
	errs = append(errs, leadErrs...)
	// Show the errors in the order of the form.
	order := []string{"ref", "priority", "deliver", "why", "due"}
	slices.SortStableFunc(errs, func(a, b web.FieldError) int {
		ia, ib := slices.Index(order, a.Field), slices.Index(order, b.Field)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		return ia - ib
	})
	return f, c, errs
}

// leadOrganisations returns the organisations a commitment's lead lines may name: those in use,
// and any retired ones it names already.
func (s *Server) leadOrganisations(r *http.Request, c *tracker.Commitment) ([]tracker.Organisation, error) {
	all, err := s.store.AllOrganisations(r.Context())
	if err != nil {
		return nil, err
	}
	named := map[int64]bool{}
	if c != nil {
		for _, l := range c.Leads {
			for _, o := range l.Organisations {
				named[o.ID] = true
			}
		}
	}
	var out []tracker.Organisation
	for _, o := range all {
		if o.RetiredAt == nil || named[o.ID] {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Server) newCommitmentForm(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.commitmentFormView(r, plan, nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Form = web.CommitmentForm{Leads: make([]web.LeadForm, blankLeadRows+1)}
	s.render(w, r, http.StatusOK, web.CommitmentFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Add a commitment"}), v))
}

func (s *Server) commitmentFormView(r *http.Request, plan tracker.Plan, c *tracker.Commitment) (web.CommitmentFormView, error) {
	v := web.CommitmentFormView{Plan: plan, Commitment: c}
	var err error
	if v.Priorities, err = s.store.Priorities(r.Context(), plan.ID); err != nil {
		return v, err
	}
	v.Organisations, err = s.leadOrganisations(r, c)
	return v, err
}

// addLeadRow answers the form's "Add another lead line" button: the same form, everything kept,
// with one more empty line.
func addLeadRow(f *web.CommitmentForm) {
	if len(f.Leads) < tracker.MaxLeadLines+blankLeadRows {
		f.Leads = append(f.Leads, web.LeadForm{})
	}
}

func (s *Server) createCommitment(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.commitmentFormView(r, plan, nil)
	if err != nil {
		s.error(w, r, err)
		return
	}
	l := s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Add a commitment"})
	f, c, errs := parseCommitmentForm(r, v.Organisations, v.Priorities)
	v.Form = f
	if r.PostFormValue("action") == "add-lead" {
		addLeadRow(&v.Form)
		s.render(w, r, http.StatusOK, web.CommitmentFormPage(l, v))
		return
	}
	if len(errs) == 0 {
		created, err := s.store.CreateCommitment(r.Context(), s.actor(r), plan.ID, c)
		switch {
		case err == nil:
			s.flash(r, "Commitment "+created.Ref+" added.")
			http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#commitments", http.StatusSeeOther)
			return
		case !errs.fromStore(err, commitmentFields):
			s.error(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, web.CommitmentFormPage(l, v))
}

// adminCommitment returns the commitment in the path, as staff edit it, and its plan.
func (s *Server) adminCommitment(r *http.Request) (tracker.Commitment, tracker.Plan, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return tracker.Commitment{}, tracker.Plan{}, tracker.ErrNotFound
	}
	c, err := s.store.CommitmentForEdit(r.Context(), id)
	if err != nil {
		return c, tracker.Plan{}, err
	}
	plan, err := s.store.PlanByID(r.Context(), c.PlanID)
	return c, plan, err
}

func (s *Server) editCommitmentForm(w http.ResponseWriter, r *http.Request) {
	c, plan, err := s.adminCommitment(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.commitmentFormView(r, plan, &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Form = commitmentFormOf(c)
	s.render(w, r, http.StatusOK, web.CommitmentFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Commitment " + c.Ref}), v))
}

func (s *Server) updateCommitment(w http.ResponseWriter, r *http.Request) {
	saved, plan, err := s.adminCommitment(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.commitmentFormView(r, plan, &saved)
	if err != nil {
		s.error(w, r, err)
		return
	}
	l := s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Commitment " + saved.Ref})
	f, c, errs := parseCommitmentForm(r, v.Organisations, v.Priorities)
	v.Form = f
	if r.PostFormValue("action") == "add-lead" {
		addLeadRow(&v.Form)
		s.render(w, r, http.StatusOK, web.CommitmentFormPage(l, v))
		return
	}
	if len(errs) == 0 {
		c.ID, c.Version = saved.ID, formVersion(r)
		_, err := s.store.UpdateCommitment(r.Context(), s.actor(r), c)
		switch {
		case err == nil:
			s.flash(r, "Commitment "+c.Ref+" saved.")
			http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#commitments", http.StatusSeeOther)
			return
		case isConflict(err):
			v.Conflict = commitmentConflict(saved, c)
			v.Form.Version = strconv.Itoa(saved.Version)
			s.render(w, r, http.StatusConflict, web.CommitmentFormPage(l, v))
			return
		case !errs.fromStore(err, commitmentFields):
			s.error(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, web.CommitmentFormPage(l, v))
}

// commitmentConflict lists what is saved now where it differs from what was typed.
func commitmentConflict(saved, mine tracker.Commitment) *web.Conflict {
	c := &web.Conflict{}
	for _, f := range plancsv.Differences(saved, mine) {
		var value string
		switch f {
		case "number":
			value = saved.Ref
		case "priority area":
			value = strconv.Itoa(saved.PriorityNumber) + ". " + saved.PriorityName
		case "what it will deliver":
			value = saved.Deliver
		case "why":
			value = strings.Join(saved.Why, " / ")
		case "who leads it":
			var lines []string
			for _, l := range saved.Leads {
				codes := make([]string, len(l.Organisations))
				for i, o := range l.Organisations {
					codes[i] = o.Code
				}
				line := l.Text
				if len(codes) > 0 {
					line += " (" + strings.Join(codes, ", ") + ")"
				}
				lines = append(lines, line)
			}
			value = strings.Join(lines, " / ")
		case "due":
			value = saved.Due.String()
		case "source":
			value = saved.SourceURL
		}
		c.Rows = append(c.Rows, web.ConflictRow{Field: capitalise(f), Saved: value})
	}
	return c
}

func retireCommitmentView(c tracker.Commitment, plan tracker.Plan) web.ConfirmView {
	return web.ConfirmView{Title: "Retire commitment " + c.Ref, Label: plan.Title,
		Message: "“" + c.Deliver + "” will no longer be shown in the portal or asked for updates. Nothing is deleted: its history and audit trail are kept.",
		Action:  paths.AdminCommitment(c.ID, "retire"), Version: c.Version, Button: "Retire commitment",
		Cancel: paths.AdminPlan(plan.Slug) + "#commitments"}
}

func (s *Server) retireCommitmentForm(w http.ResponseWriter, r *http.Request) {
	c, plan, err := s.adminCommitment(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Retire " + c.Ref}),
		paths.AdminPlans, retireCommitmentView(c, plan)))
}

func (s *Server) retireCommitment(w http.ResponseWriter, r *http.Request) {
	c, plan, err := s.adminCommitment(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.store.RetireCommitment(r.Context(), s.actor(r), c.ID, formVersion(r))
	if err == nil {
		s.flash(r, "Commitment "+c.Ref+" has been retired.")
		http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#commitments", http.StatusSeeOther)
		return
	}
	s.confirmFailed(w, r, err, paths.AdminPlans, retireCommitmentView(c, plan), plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Retire " + c.Ref})
}

// ---- carrying commitments forward -------------------------------------------

func (s *Server) carryForwardView(r *http.Request, plan tracker.Plan) (web.CarryForwardView, error) {
	ctx := r.Context()
	v := web.CarryForwardView{Plan: plan, Chosen: map[string]bool{}}
	if plan.PreviousID == nil {
		return v, tracker.ErrNotFound
	}
	prev, err := s.store.PlanByID(ctx, *plan.PreviousID)
	if err != nil {
		return v, err
	}
	v.Previous = prev
	olds, err := s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: prev.ID})
	if err != nil {
		return v, err
	}
	mine, err := s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		return v, err
	}
	retired, err := s.store.RetiredRefs(ctx, plan.ID)
	if err != nil {
		return v, err
	}
	ps, err := s.store.Priorities(ctx, plan.ID)
	if err != nil {
		return v, err
	}
	taken := map[string]bool{}
	for _, c := range mine {
		taken[c.Ref] = true
	}
	for _, ref := range retired {
		taken[ref] = true
	}
	numbers := map[int]bool{}
	for _, p := range ps {
		numbers[p.Number] = true
	}
	for _, c := range olds {
		if !carriable(c) {
			continue
		}
		o := web.CarryForwardOption{Commitment: c}
		switch {
		case taken[c.Ref]:
			o.Blocked = plan.Period + " already has a commitment " + c.Ref
		case !numbers[c.PriorityNumber]:
			o.Blocked = plan.Period + " has no priority area " + strconv.Itoa(c.PriorityNumber) + ": add it first"
		}
		v.Options = append(v.Options, o)
	}
	return v, nil
}

func (s *Server) carryForwardForm(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.carryForwardView(r, plan)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.CarryForwardPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Carry forward"}), v))
}

func (s *Server) carryForward(w http.ResponseWriter, r *http.Request) {
	plan, err := s.adminPlan(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.carryForwardView(r, plan)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var ids []int64
	for _, s := range r.PostForm["commitment"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
			v.Chosen[s] = true
		}
	}
	if len(ids) == 0 {
		v.Errors = []web.FieldError{{Field: "commitments", Message: "Choose the commitments to carry forward"}}
	} else {
		copies, err := s.store.CarryForward(r.Context(), s.actor(r), plan.ID, ids)
		switch {
		case err == nil:
			s.flash(r, plural(len(copies), "commitment", "commitments")+" carried forward into "+plan.Title+".")
			http.Redirect(w, r, paths.AdminPlan(plan.Slug)+"#commitments", http.StatusSeeOther)
			return
		case tracker.ErrorCode(err) == tracker.EINVALID:
			v.Errors = []web.FieldError{{Field: "commitments", Message: tracker.ErrorMessage(err)}}
		default:
			s.error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.CarryForwardPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), web.Breadcrumb{Text: "Carry forward"}), v))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ---- organisations ----------------------------------------------------------

func orgCrumb() web.Breadcrumb {
	return web.Breadcrumb{Text: "Organisations", Href: paths.AdminOrganisations}
}

func (s *Server) adminOrganisations(w http.ResponseWriter, r *http.Request) {
	all, err := s.store.AllOrganisations(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	var v web.OrganisationsView
	for _, o := range all {
		if o.RetiredAt == nil {
			v.Active = append(v.Active, o)
		} else {
			v.Retired = append(v.Retired, o)
		}
	}
	s.render(w, r, http.StatusOK, web.OrganisationsPage(s.adminLayout(r), v))
}

func parseOrganisationForm(r *http.Request, isNew bool) (web.OrganisationForm, tracker.Organisation, formErrors) {
	f := web.OrganisationForm{Code: strings.ToUpper(form(r, "code")), Name: form(r, "name"),
		AsWritten: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("as_written"), "\r\n", "\n")),
		Version:   r.PostFormValue("version")}
	o := tracker.Organisation{Code: f.Code, Name: f.Name, AsWritten: tracker.SplitLines(f.AsWritten)}
	var errs formErrors
	if isNew {
		switch {
		case f.Code == "":
			errs.add("code", "Enter a code for the organisation, such as NHS-BOARDS")
		case !tracker.ValidCode(f.Code):
			errs.add("code", "The code must be capital letters, numbers and hyphens, starting with a letter or number, 40 characters at most")
		}
	}
	errs.text("name", f.Name, "the organisation’s name", true, maxTitle)
	switch {
	case len(o.AsWritten) > maxAsWritten:
		errs.add("as_written", "Enter %d ways of writing it or fewer", maxAsWritten)
	default:
		for i, a := range o.AsWritten {
			if utf8.RuneCountInString(a) > maxShortText {
				errs.add("as_written", "Line %d must be %d characters or fewer", i+1, maxShortText)
				break
			}
		}
	}
	return f, o, errs
}

func (s *Server) newOrganisationForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), web.Breadcrumb{Text: "Add an organisation"}),
		web.OrganisationFormView{}))
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) {
	f, o, errs := parseOrganisationForm(r, true)
	if len(errs) == 0 {
		created, err := s.store.CreateOrganisation(r.Context(), s.actor(r), o)
		switch {
		case err == nil:
			s.flash(r, created.Name+" added.")
			http.Redirect(w, r, paths.AdminOrganisations, http.StatusSeeOther)
			return
		case !errs.fromStore(err, nil):
			s.error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), web.Breadcrumb{Text: "Add an organisation"}),
		web.OrganisationFormView{Form: f, Errors: errs}))
}

func (s *Server) adminOrganisation(r *http.Request) (tracker.Organisation, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return tracker.Organisation{}, tracker.ErrNotFound
	}
	o, err := s.store.OrganisationByID(r.Context(), id)
	if err == nil && o.RetiredAt != nil {
		return o, tracker.ErrNotFound
	}
	return o, err
}

func (s *Server) editOrganisationForm(w http.ResponseWriter, r *http.Request) {
	o, err := s.adminOrganisation(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := web.OrganisationForm{Code: o.Code, Name: o.Name, AsWritten: strings.Join(o.AsWritten, "\n"), Version: strconv.Itoa(o.Version)}
	s.render(w, r, http.StatusOK, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), web.Breadcrumb{Text: o.Name}),
		web.OrganisationFormView{Organisation: &o, Form: f}))
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request) {
	saved, err := s.adminOrganisation(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, o, errs := parseOrganisationForm(r, false)
	l := s.adminLayout(r, orgCrumb(), web.Breadcrumb{Text: saved.Name})
	v := web.OrganisationFormView{Organisation: &saved, Form: f}
	if len(errs) == 0 {
		o.ID, o.Version = saved.ID, formVersion(r)
		updated, err := s.store.UpdateOrganisation(r.Context(), s.actor(r), o)
		switch {
		case err == nil:
			s.flash(r, updated.Name+" saved.")
			http.Redirect(w, r, paths.AdminOrganisations, http.StatusSeeOther)
			return
		case isConflict(err):
			c := &web.Conflict{}
			if saved.Name != o.Name {
				c.Rows = append(c.Rows, web.ConflictRow{Field: "Name", Saved: saved.Name})
			}
			if !slices.Equal(saved.AsWritten, o.AsWritten) {
				c.Rows = append(c.Rows, web.ConflictRow{Field: "How plans write it", Saved: strings.Join(saved.AsWritten, " / ")})
			}
			v.Conflict = c
			v.Form.Version = strconv.Itoa(saved.Version)
			s.render(w, r, http.StatusConflict, web.OrganisationFormPage(l, v))
			return
		case !errs.fromStore(err, nil):
			s.error(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, web.OrganisationFormPage(l, v))
}

func retireOrganisationView(o tracker.Organisation) web.ConfirmView {
	return web.ConfirmView{Title: "Retire " + o.Name, Label: "Organisations",
		Message: o.Name + " will no longer be shown, linked or named as a lead, and its partners will have nothing to report on. Lead lines keep their words, and its past reports are kept.",
		Action:  paths.AdminOrganisation(o.ID, "retire"), Version: o.Version, Button: "Retire organisation",
		Cancel: paths.AdminOrganisations}
}

func (s *Server) retireOrganisationForm(w http.ResponseWriter, r *http.Request) {
	o, err := s.adminOrganisation(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, orgCrumb(), web.Breadcrumb{Text: "Retire"}),
		paths.AdminOrganisations, retireOrganisationView(o)))
}

func (s *Server) retireOrganisation(w http.ResponseWriter, r *http.Request) {
	o, err := s.adminOrganisation(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.store.RetireOrganisation(r.Context(), s.actor(r), o.ID, formVersion(r))
	if err == nil {
		s.flash(r, o.Name+" has been retired.")
		http.Redirect(w, r, paths.AdminOrganisations, http.StatusSeeOther)
		return
	}
	s.confirmFailed(w, r, err, paths.AdminOrganisations, retireOrganisationView(o), orgCrumb(), web.Breadcrumb{Text: "Retire"})
}
