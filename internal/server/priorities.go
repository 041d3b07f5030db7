package server

// Staff manage a plan's priority areas: add, change and retire them. Every route here is behind
// requireCan(tracker.ActionEditPlan).

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func priorityFormOf(p tracker.Priority) web.PriorityForm {
	return web.PriorityForm{Number: strconv.Itoa(p.Number), Name: p.Name, Slug: p.Slug, Tagline: p.Tagline,
		Heading: p.Heading, Intro: p.Intro, SourceURL: p.SourceURL, Version: strconv.Itoa(p.Version)}
}

// parsePriorityForm reads the priority area form, checked by tracker.ParsePriority. A web
// address left blank is made from the name, and shown.
func parsePriorityForm(r *http.Request) (web.PriorityForm, tracker.Priority, formErrors) {
	f := web.PriorityForm{Number: form(r, "number"), Name: form(r, "name"), Slug: strings.ToLower(form(r, "slug")),
		Tagline: form(r, "tagline"), Heading: form(r, "heading"),
		Intro:     strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("intro"), "\r\n", "\n")),
		SourceURL: form(r, "source_url"), Version: r.PostFormValue("version")}
	p, errs := tracker.ParsePriority(tracker.PriorityInput{Number: f.Number, Name: f.Name, Slug: f.Slug, Tagline: f.Tagline,
		Heading: f.Heading, Intro: f.Intro, SourceURL: f.SourceURL})
	f.Slug = p.Slug
	return f, p, fieldErrors(errs)
}

func (s *Server) newPriorityForm(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	ps, err := s.store.Priorities(r.Context(), plan.ID)
	if err != nil {
		return err
	}
	next := 1
	for _, p := range ps {
		next = max(next, p.Number+1)
	}
	return s.page(w, r, http.StatusOK, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb("Add a priority area")),
		web.PriorityFormView{Plan: plan, Form: web.PriorityForm{Number: strconv.Itoa(next)}}))
}

// priorityFields says which form field shows each of the domain's priority area fields.
var priorityFields = map[string]string{"number": "number", "slug": "slug", "priority": "main-content"}

func (s *Server) createPriority(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	f, p, errs := parsePriorityForm(r)
	p.PlanID = plan.ID
	return s.saveForm(w, r, formSave{errs: errs, fields: priorityFields,
		save: func() (saved, error) {
			_, err := s.store.CreatePriority(r.Context(), s.actor(r), p)
			return saved{paths.AdminPlan(plan.Slug) + "#priorities", "Priority area " + strconv.Itoa(p.Number) + " added."}, err
		},
		show: func(status int, errs formErrors) error {
			return s.page(w, r, status, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb("Add a priority area")),
				web.PriorityFormView{Plan: plan, Form: f, Errors: errs}))
		},
	})
}

// adminPriority returns the priority area in the path and its plan.
func (s *Server) adminPriority(r *http.Request) (tracker.Priority, tracker.Plan, error) {
	return adminRecord(s, r, s.store.PriorityByID, func(p tracker.Priority) int64 { return p.PlanID })
}

func (s *Server) editPriorityForm(w http.ResponseWriter, r *http.Request) error {
	p, plan, err := s.adminPriority(r)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb(p.Name)),
		web.PriorityFormView{Plan: plan, Priority: &p, Form: priorityFormOf(p)}))
}

func (s *Server) updatePriority(w http.ResponseWriter, r *http.Request) error {
	current, plan, err := s.adminPriority(r)
	if err != nil {
		return err
	}
	f, p, errs := parsePriorityForm(r)
	p.ID, p.PlanID, p.Version = current.ID, plan.ID, formVersion(r)
	v := web.PriorityFormView{Plan: plan, Priority: &current, Form: f}
	show := func(status int, errs formErrors) error {
		v.Errors = errs
		return s.page(w, r, status, web.PriorityFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb(current.Name)), v))
	}
	return s.saveForm(w, r, formSave{errs: errs, fields: priorityFields, show: show,
		save: func() (saved, error) {
			_, err := s.store.UpdatePriority(r.Context(), s.actor(r), p)
			return saved{paths.AdminPlan(plan.Slug) + "#priorities", "Priority area " + strconv.Itoa(p.Number) + " saved."}, err
		},
		conflict: changedMeanwhile(show, &v.Conflict, &v.Form.Version, priorityConflict(current, p), current.Version),
	})
}

// priorityConflict lists what is saved now where it differs from what was typed.
func priorityConflict(saved, mine tracker.Priority) *web.Conflict {
	c := &web.Conflict{}
	differs(c, "Number", strconv.Itoa(saved.Number), strconv.Itoa(mine.Number))
	differs(c, "Name", saved.Name, mine.Name)
	differs(c, "Web address", saved.Slug, mine.Slug)
	differs(c, "What it aims for", saved.Tagline, mine.Tagline)
	differs(c, "Heading", saved.Heading, mine.Heading)
	differs(c, "Introduction", saved.Intro, mine.Intro)
	differs(c, "Page of the published plan", saved.SourceURL, mine.SourceURL)
	return c
}

func retirePriorityView(p tracker.Priority, plan tracker.Plan) web.ConfirmView {
	return web.ConfirmView{Title: "Retire priority area " + strconv.Itoa(p.Number), Label: p.Name,
		Message: "The priority area will no longer be shown in its plan. It must have no commitments left in it.",
		Action:  paths.AdminPriority(p.ID, "retire"), Version: p.Version, Button: "Retire priority area",
		Cancel: paths.AdminPlan(plan.Slug), ReasonRequired: true, ReasonHint: "Why is the priority area no longer part of the plan?"}
}

// retirePriorityAction is retiring the priority area in the path, confirmed first.
func (s *Server) retirePriorityAction(r *http.Request) (confirmAction, error) {
	p, plan, err := s.adminPriority(r)
	return confirmAction{section: paths.AdminPlans, view: retirePriorityView(p, plan),
		crumbs: []web.Breadcrumb{plansCrumb(), planCrumb(plan), crumb("Retire")},
		act: func(version int, reason string) error {
			return s.store.RetirePriority(r.Context(), s.actor(r), p.ID, version, reason)
		},
		done: saved{paths.AdminPlan(plan.Slug) + "#priorities", "Priority area " + strconv.Itoa(p.Number) + " has been retired."},
	}, err
}
