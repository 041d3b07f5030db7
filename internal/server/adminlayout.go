package server

import (
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// adminLayout is the frame of a management page, with breadcrumbs from the section down.
func (s *Server) adminLayout(r *http.Request, crumbs ...web.Breadcrumb) web.LayoutProps {
	l := s.layout(r)
	l.Breadcrumbs = crumbs
	return l
}

// plansCrumb leads back to the list of plans.
func plansCrumb() web.Breadcrumb { return web.Breadcrumb{Text: "Plans", Href: paths.AdminPlans} }

// planCrumb leads back to a plan's management page.
func planCrumb(p tracker.Plan) web.Breadcrumb {
	return web.Breadcrumb{Text: p.Title, Href: paths.AdminPlan(p.Slug)}
}

// orgCrumb leads back to the list of organisations.
func orgCrumb() web.Breadcrumb {
	return web.Breadcrumb{Text: "Organisations", Href: paths.AdminOrganisations}
}

// roundsCrumb leads back to the list of reporting rounds.
func roundsCrumb() web.Breadcrumb {
	return web.Breadcrumb{Text: "Reporting rounds", Href: paths.AdminRounds}
}

// roundCrumb leads back to a reporting round's page.
func roundCrumb(rd tracker.Round) web.Breadcrumb {
	return web.Breadcrumb{Text: rd.Name, Href: paths.AdminRound(rd.ID)}
}

// crumb is the last breadcrumb, the page itself, which links nowhere.
func crumb(text string) web.Breadcrumb { return web.Breadcrumb{Text: text} }

// formLayout is the layout of a form page titled title, its title marked "Error: " when the
// form shows errors, with the breadcrumbs.
func (s *Server) formLayout(r *http.Request, title string, hasErrors bool, crumbs ...web.Breadcrumb) web.LayoutProps {
	l := s.layout(r)
	l.Title = title
	if hasErrors {
		l.Title = "Error: " + l.Title
	}
	l.Breadcrumbs = crumbs
	return l
}
