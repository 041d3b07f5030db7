package server

// Staff manage plans: create them, change their details, make one current and retire them. Every
// route here is behind requireCan(tracker.ActionEditPlan). Forms keep what was typed on every
// error; a save over someone else's change is refused with what is saved now (409), and nothing
// typed is lost.

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// adminPlan returns the plan named in the path, read from the primary.
func (s *Server) adminPlan(r *http.Request) (tracker.Plan, error) {
	slug := chi.URLParam(r, "plan")
	if !tracker.ValidSlug(slug) {
		return tracker.Plan{}, tracker.ErrNotFound
	}
	return s.store.PlanBySlug(r.Context(), slug)
}

func (s *Server) adminPlans(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	retired, err := s.store.RetiredPlans(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.AdminPlansPage(s.adminLayout(r), web.AdminPlansView{Plans: plans, Retired: retired}))
}

func planFormOf(p tracker.Plan) web.PlanForm {
	f := web.PlanForm{Title: p.Title, Slug: p.Slug, Period: p.Period, Strategy: p.Strategy, SourceURL: p.SourceURL,
		Licence: p.Licence, Attribution: p.Attribution, Version: strconv.Itoa(p.Version)}
	if p.PublishedOn != nil {
		f.PublishedOn = tracker.DateInputOf(*p.PublishedOn)
	}
	return f
}

// parsePlanForm reads the plan form, checked by tracker.ParsePlan.
func parsePlanForm(r *http.Request) (web.PlanForm, tracker.Plan, formErrors) {
	f := web.PlanForm{Title: form(r, "title"), Slug: strings.ToLower(form(r, "slug")), Period: form(r, "period"),
		Strategy: form(r, "strategy"), PublishedOn: dateForm(r, "published_on"), SourceURL: form(r, "source_url"),
		Licence: form(r, "licence"), Attribution: form(r, "attribution"), PreviousID: form(r, "previous"),
		CopyPriorities: r.PostFormValue("copy_priorities") == "yes", Version: r.PostFormValue("version")}
	p, errs := tracker.ParsePlan(tracker.PlanInput{Title: f.Title, Slug: f.Slug, Period: f.Period, Strategy: f.Strategy,
		PublishedOn: f.PublishedOn, SourceURL: f.SourceURL, Licence: f.Licence, Attribution: f.Attribution})
	return f, p, fieldErrors(errs)
}

func (s *Server) newPlanForm(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	f := web.PlanForm{CopyPriorities: true, Licence: "Open Government Licence v3.0",
		Attribution: "Contains public sector information licensed under the Open Government Licence v3.0."}
	for _, p := range plans {
		if p.IsCurrent {
			f.PreviousID = strconv.FormatInt(p.ID, 10)
		}
	}
	return s.page(w, r, http.StatusOK, web.PlanFormPage(s.adminLayout(r, plansCrumb(), crumb("Create a plan")),
		web.PlanFormView{Form: f, Plans: plans}))
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return err
	}
	f, p, errs := parsePlanForm(r)
	previous, perrs := tracker.ParsePreviousPlan(f.PreviousID, plans)
	errs = append(errs, fieldErrors(perrs)...)
	return s.saveForm(w, r, formSave{errs: errs,
		save: func() (saved, error) {
			created, err := s.store.CreatePlan(ctx, s.actor(r), postgres.NewPlan{Plan: p, PreviousID: previous,
				CopyPriorities: f.CopyPriorities && previous != 0})
			return saved{paths.AdminPlan(created.Slug), "Plan created: " + created.Title + ". It is not current until you make it so."}, err
		},
		show: func(status int, errs formErrors) error {
			return s.page(w, r, status, web.PlanFormPage(s.adminLayout(r, plansCrumb(), crumb("Create a plan")),
				web.PlanFormView{Form: f, Plans: plans, Errors: errs}))
		},
	})
}

func (s *Server) adminPlanPage(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	v, err := s.adminPlanView(r, plan)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.AdminPlanPage(s.adminLayout(r, plansCrumb(), crumb(plan.Title)), v))
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

func (s *Server) editPlanForm(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	return s.planEditPage(w, r, http.StatusOK, web.PlanFormView{Plan: &plan, Form: planFormOf(plan)})
}

func (s *Server) updatePlan(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	f, p, errs := parsePlanForm(r)
	p.ID, p.Version = plan.ID, formVersion(r)
	v := web.PlanFormView{Plan: &plan, Form: f}
	show := func(status int, errs formErrors) error {
		v.Errors = errs
		return s.planEditPage(w, r, status, v)
	}
	return s.saveForm(w, r, formSave{errs: errs, show: show,
		save: func() (saved, error) {
			updated, err := s.store.UpdatePlan(r.Context(), s.actor(r), p)
			return saved{paths.AdminPlan(updated.Slug), "Plan details saved."}, err
		},
		conflict: changedMeanwhile(show, &v.Conflict, &v.Form.Version, planConflict(plan, p), plan.Version),
	})
}

// planEditPage shows the form that changes the details of v.Plan.
func (s *Server) planEditPage(w http.ResponseWriter, r *http.Request, status int, v web.PlanFormView) error {
	return s.page(w, r, status, web.PlanFormPage(s.adminLayout(r, plansCrumb(), planCrumb(*v.Plan), crumb("Change details")), v))
}

// planConflict lists what is saved now where it differs from what was typed.
func planConflict(saved, mine tracker.Plan) *web.Conflict {
	c := &web.Conflict{}
	differs(c, "Title", saved.Title, mine.Title)
	differs(c, "Period", saved.Period, mine.Period)
	differs(c, "Web address", saved.Slug, mine.Slug)
	differs(c, "Strategy", saved.Strategy, mine.Strategy)
	differs(c, "Publication date", dateOrEmpty(saved.PublishedOn), dateOrEmpty(mine.PublishedOn))
	differs(c, "Published plan", saved.SourceURL, mine.SourceURL)
	differs(c, "Licence", saved.Licence, mine.Licence)
	differs(c, "Attribution", saved.Attribution, mine.Attribution)
	return c
}

func dateOrEmpty(d *time.Time) string {
	if d == nil {
		return ""
	}
	return tracker.FormatDate(*d)
}

func retirePlanView(plan tracker.Plan) web.ConfirmView {
	return web.ConfirmView{Title: "Retire " + plan.Title, Label: "Plans",
		Message: "The plan, its priority areas and commitments will no longer be shown anywhere in the portal. Nothing is deleted: its history and audit trail are kept.",
		Action:  paths.AdminPlanAction(plan.Slug, "retire"), Version: plan.Version, Button: "Retire plan",
		Cancel: paths.AdminPlan(plan.Slug), ReasonRequired: true, ReasonHint: "Why is the plan being taken out of the portal?"}
}

// retirePlanAction is retiring the plan in the path, confirmed first.
func (s *Server) retirePlanAction(r *http.Request) (confirmAction, error) {
	plan, err := s.adminPlan(r)
	return confirmAction{section: paths.AdminPlans, view: retirePlanView(plan),
		crumbs: []web.Breadcrumb{plansCrumb(), planCrumb(plan), crumb("Retire")},
		act: func(version int, reason string) error {
			return s.store.RetirePlan(r.Context(), s.actor(r), plan.ID, version, reason)
		},
		done: saved{paths.AdminPlans, plan.Title + " has been retired."},
	}, err
}
