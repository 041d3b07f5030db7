package server

import (
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// organisationInPath returns the organisation the path names, and the current plan, whose
// commitments it leads are its page's.
func (s *Server) organisationInPath(r *http.Request) (tracker.Plan, tracker.Organisation, error) {
	code, err := pathKey(r, "code", tracker.ValidCode)
	if err != nil {
		return tracker.Plan{}, tracker.Organisation{}, err
	}
	o, err := s.store.OrganisationByCode(r.Context(), code)
	if err != nil {
		return tracker.Plan{}, o, err
	}
	plan, err := s.store.CurrentPlan(r.Context())
	return plan, o, err
}

// organisationFeed is the feed of the updates published on the commitments of the current plan
// that an organisation leads.
func (s *Server) organisationFeed(r *http.Request) (feedSubject, error) {
	plan, o, err := s.organisationInPath(r)
	if err != nil {
		return feedSubject{}, err
	}
	return subjectFeed(plan, postgres.UpdateFilter{OrganisationID: o.ID}, "commitments led by "+o.Name,
		"/organisations/"+o.Code, paths.OrganisationFeed(o.Code), paths.Organisation(o.Code)), nil
}
