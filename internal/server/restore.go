package server

// Bringing back retired organisations and plans, each confirmed with a reason that the audit log
// keeps. The routes are behind requireCan(tracker.ActionEditPlan), as retiring them is.

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// retiredOrganisation returns the organisation in the path if it is retired; one in use is not
// found.
func (s *Server) retiredOrganisation(r *http.Request) (tracker.Organisation, error) {
	o, err := byPathID(r, s.store.OrganisationByID)
	if err == nil && o.RetiredAt == nil {
		return o, tracker.ErrNotFound
	}
	return o, err
}

// restoreOrganisationAction is bringing back the retired organisation in the path, confirmed
// first.
func (s *Server) restoreOrganisationAction(r *http.Request) (confirmAction, error) {
	o, err := s.retiredOrganisation(r)
	return confirmAction{section: paths.AdminOrganisations,
		view: web.ConfirmView{Title: "Restore " + o.Name, Label: "Organisations",
			Message: o.Name + " will be shown and linked again wherever lead lines name it, and can be named as a lead. Its partners can report on those commitments again.",
			Action:  paths.AdminOrganisation(o.ID, "restore"), Version: o.Version, Button: "Restore organisation",
			Cancel: paths.AdminOrganisations, ReasonRequired: true, ReasonHint: "Why is the organisation needed again?"},
		crumbs: []web.Breadcrumb{orgCrumb(), crumb("Restore")},
		act: func(version int, reason string) error {
			return s.store.RestoreOrganisation(r.Context(), s.actor(r), o.ID, version, reason)
		},
		done: saved{paths.AdminOrganisations, o.Name + " has been restored."},
	}, err
}

// restorePlanAction is bringing back the retired plan in the path, confirmed first.
func (s *Server) restorePlanAction(r *http.Request) (confirmAction, error) {
	slug := chi.URLParam(r, "plan")
	if !tracker.ValidSlug(slug) {
		return confirmAction{}, tracker.ErrNotFound
	}
	plan, err := s.store.RetiredPlanBySlug(r.Context(), slug)
	return confirmAction{section: paths.AdminPlans,
		view: web.ConfirmView{Title: "Restore " + plan.Title, Label: "Plans",
			Message: "The plan, its priority areas and commitments will be shown again at " + paths.Overview(plan) + ". It will not become the current plan.",
			Action:  paths.AdminPlanAction(plan.Slug, "restore"), Version: plan.Version, Button: "Restore plan",
			Cancel: paths.AdminPlans, ReasonRequired: true, ReasonHint: "Why is the plan needed in the portal again?"},
		crumbs: []web.Breadcrumb{plansCrumb(), crumb("Restore")},
		act: func(version int, reason string) error {
			return s.store.RestorePlan(r.Context(), s.actor(r), plan.ID, version, reason)
		},
		done: saved{paths.AdminPlan(plan.Slug), plan.Title + " has been restored."},
	}, err
}
