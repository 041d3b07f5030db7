package server

// Staff manage the organisations that lead commitments: add, change and retire them. Every route
// here is behind requireCan(tracker.ActionEditPlan).

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) adminOrganisations(w http.ResponseWriter, r *http.Request) error {
	all, err := s.store.AllOrganisations(r.Context())
	if err != nil {
		return err
	}
	var v web.OrganisationsView
	for _, o := range all {
		if o.RetiredAt == nil {
			v.Active = append(v.Active, o)
		} else {
			v.Retired = append(v.Retired, o)
		}
	}
	return s.page(w, r, http.StatusOK, web.OrganisationsPage(s.adminLayout(r), v))
}

// parseOrganisationForm reads the organisation form, checked by tracker.ParseOrganisation. Only a
// new organisation's code is read: a code, once given, never changes.
func parseOrganisationForm(r *http.Request, isNew bool) (web.OrganisationForm, tracker.Organisation, formErrors) {
	f := web.OrganisationForm{Code: strings.ToUpper(form(r, "code")), Name: form(r, "name"),
		AsWritten:    strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("as_written"), "\r\n", "\n")),
		ContactEmail: form(r, "contact_email"), Version: r.PostFormValue("version")}
	o, errs := tracker.ParseOrganisation(tracker.OrganisationInput{Code: f.Code, Name: f.Name, AsWritten: f.AsWritten,
		ContactEmail: f.ContactEmail}, isNew)
	return f, o, fieldErrors(errs)
}

func (s *Server) newOrganisationForm(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, http.StatusOK, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), crumb("Add an organisation")),
		web.OrganisationFormView{}))
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	f, o, errs := parseOrganisationForm(r, true)
	return s.saveForm(w, r, formSave{errs: errs,
		save: func() (saved, error) {
			created, err := s.store.CreateOrganisation(r.Context(), s.actor(r), o)
			return saved{paths.AdminOrganisations, created.Name + " added."}, err
		},
		show: func(status int, errs formErrors) error {
			return s.page(w, r, status, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), crumb("Add an organisation")),
				web.OrganisationFormView{Form: f, Errors: errs}))
		},
	})
}

// adminOrganisation returns the organisation in the path; a retired one is not found.
func (s *Server) adminOrganisation(r *http.Request) (tracker.Organisation, error) {
	o, err := byPathID(r, s.store.OrganisationByID)
	if err == nil && o.RetiredAt != nil {
		return o, tracker.ErrNotFound
	}
	return o, err
}

func (s *Server) editOrganisationForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.adminOrganisation(r)
	if err != nil {
		return err
	}
	f := web.OrganisationForm{Code: o.Code, Name: o.Name, AsWritten: strings.Join(o.AsWritten, "\n"),
		ContactEmail: o.ContactEmail, Version: strconv.Itoa(o.Version)}
	return s.page(w, r, http.StatusOK, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), crumb(o.Name)),
		web.OrganisationFormView{Organisation: &o, Form: f}))
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request) error {
	current, err := s.adminOrganisation(r)
	if err != nil {
		return err
	}
	f, o, errs := parseOrganisationForm(r, false)
	o.ID, o.Version = current.ID, formVersion(r)
	v := web.OrganisationFormView{Organisation: &current, Form: f}
	show := func(status int, errs formErrors) error {
		v.Errors = errs
		return s.page(w, r, status, web.OrganisationFormPage(s.adminLayout(r, orgCrumb(), crumb(current.Name)), v))
	}
	return s.saveForm(w, r, formSave{errs: errs, show: show,
		save: func() (saved, error) {
			updated, err := s.store.UpdateOrganisation(r.Context(), s.actor(r), o)
			return saved{paths.AdminOrganisations, updated.Name + " saved."}, err
		},
		conflict: changedMeanwhile(show, &v.Conflict, &v.Form.Version, organisationConflict(current, o), current.Version),
	})
}

// organisationConflict lists what is saved now where it differs from what was typed.
func organisationConflict(saved, mine tracker.Organisation) *web.Conflict {
	c := &web.Conflict{}
	differs(c, "Name", saved.Name, mine.Name)
	if !slices.Equal(saved.AsWritten, mine.AsWritten) {
		c.Rows = append(c.Rows, web.ConflictRow{Field: "How plans write it", Saved: strings.Join(saved.AsWritten, " / ")})
	}
	differs(c, "Contact address for reminders", saved.ContactEmail, mine.ContactEmail)
	return c
}

func retireOrganisationView(o tracker.Organisation) web.ConfirmView {
	return web.ConfirmView{Title: "Retire " + o.Name, Label: "Organisations",
		Message: o.Name + " will no longer be shown, linked or named as a lead, and its partners will have nothing to report on. Lead lines keep their words, and its past reports are kept.",
		Action:  paths.AdminOrganisation(o.ID, "retire"), Version: o.Version, Button: "Retire organisation",
		Cancel: paths.AdminOrganisations, ReasonRequired: true, ReasonHint: "Why does the organisation no longer lead commitments?"}
}

// retireOrganisationAction is retiring the organisation in the path, confirmed first.
func (s *Server) retireOrganisationAction(r *http.Request) (confirmAction, error) {
	o, err := s.adminOrganisation(r)
	return confirmAction{section: paths.AdminOrganisations, view: retireOrganisationView(o),
		crumbs: []web.Breadcrumb{orgCrumb(), crumb("Retire")},
		act: func(version int, reason string) error {
			return s.store.RetireOrganisation(r.Context(), s.actor(r), o.ID, version, reason)
		},
		done: saved{paths.AdminOrganisations, o.Name + " has been retired."},
	}, err
}
