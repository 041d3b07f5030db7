package server

import (
	"net/http"
	"net/http/pprof"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) routes() *chi.Mux {
	r := chi.NewRouter()
	r.Use(requestID, s.metrics.measure, s.accessLog, s.securityHeaders, s.compress, s.recoverPanics, s.timeout,
		s.crossOrigin, s.checkInput, s.withSessions, s.noIndex,
		// HEAD is answered wherever GET is, by the GET handler: the same headers, and net/http
		// sends no body.
		middleware.GetHead)
	if s.replica != nil {
		r.Use(s.replicaReads)
	}
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	r.Get(paths.Healthz, s.handle(s.healthz))
	r.Get(paths.Readyz, s.handle(s.readyz))
	if s.serveMetrics {
		r.Method(http.MethodGet, paths.Metrics, MetricsHandler(s.registry))
	}
	r.Get(paths.Static, web.StaticHandler(http.HandlerFunc(s.notFound)).ServeHTTP)
	r.Get(paths.Robots, s.handle(s.robots))
	r.Get(paths.Sitemap, s.publicPage(s.sitemap))
	r.Get(paths.SitemapParts+"/{part}.xml", s.publicPage(s.sitemapPart))
	r.Get(paths.PrintCSS, web.PrintCSSHandler(s.baseURL).ServeHTTP)
	if s.bench != "" {
		r.Get(BenchStaticPrefix+"{name}", s.handle(s.benchStatic(s.bench)))
		r.Get("/_bench/pprof/profile", pprof.Profile)
		r.Get("/_bench/pprof/heap", pprof.Handler("heap").ServeHTTP)
	}

	// Public pages, for everyone.
	r.Get(paths.Home, s.publicPage(s.overview))
	r.Get(paths.PriorityPattern, s.publicPage(s.priority))
	r.Get(paths.CommitmentPattern, s.publicPage(s.commitment))
	r.Get(paths.OrganisationPattern, s.publicPage(s.organisation))
	r.Get(paths.PlanPrefixPattern, s.publicPage(s.overview))
	r.Get(paths.PlanPrefixPattern+paths.PriorityPattern, s.publicPage(s.priority))
	r.Get(paths.PlanPrefixPattern+paths.CommitmentPattern, s.publicPage(s.commitment))
	// Finding, downloading and following commitments, for everyone.
	s.findRoutes(r)
	s.alertRoutes(r)
	// The accessibility statement, privacy notice, cookies and contact pages and the feedback
	// form, for everyone, and the feedback for staff.
	s.infoRoutes(r)

	// Accounts.
	s.form(r, paths.SignIn, s.signInForm, s.signIn)
	r.Post(paths.SignOut, s.handle(s.signOut))
	s.form(r, paths.SetPassword, s.setPasswordForm, s.setPassword)
	s.form(r, paths.ForgotPassword, s.forgotPasswordForm, s.forgotPassword)
	r.With(s.requireUser).Get(paths.Account, s.handle(s.account))
	r.With(s.requireUser).Post(paths.AccountPwd, s.handle(s.changePassword))
	r.With(s.requireUser).Post(paths.AccountEmails, s.handle(s.changeEmailChoices))
	r.With(s.requireUser).Post(paths.KeepAlive, s.keepAlive)

	// Reporting progress, for partners (on the commitments their organisation leads) and staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get(paths.ReportList, s.handle(s.reportList))
		s.form(r, paths.ReportPattern, s.reportForm, s.report)
		s.form(r, paths.ReportInPlanPattern, s.reportForm, s.report)
		s.form(r, paths.ReplyPattern, s.replyForm, s.reply)
		s.form(r, paths.ReplyInPlanPattern, s.replyForm, s.reply)
	})

	// Reviewing and publishing updates, and the dashboard, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionReview))
		r.Get(paths.ReviewList, s.handle(s.reviewList))
		s.form(r, paths.ReviewPattern, s.reviewUpdate, s.review)
	})
	r.With(s.requireCan(tracker.ActionViewDashboard)).Get(paths.Dashboard, s.handle(s.dashboard))

	// Administration of accounts.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionManageUsers))
		s.form(r, paths.AdminUsers, s.adminUsers, s.invite)
		r.Get(paths.AdminNewUser, s.handle(s.inviteForm))
		r.Get(paths.UserPattern, s.handle(s.userPage))
		r.Post(paths.UserPattern+"/role", s.handle(s.changeRole))
		s.confirm(r, paths.UserPattern+"/disable", s.disableUserAction)
		r.Post(paths.UserPattern+"/enable", s.handle(s.enableUser))
		r.Post(paths.UserPattern+"/link", s.handle(s.createLink))
	})
	r.With(s.requireCan(tracker.ActionReadAudit)).Get(paths.AdminAudit, s.handle(s.auditLog))
	r.With(s.requireCan(tracker.ActionReadAudit)).Get(paths.AdminAuditCSV, s.handle(s.auditCSV))

	// Plans, their priority areas and commitments, organisations, reporting rounds and the
	// outbox, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionEditPlan))
		r.Get(paths.AdminPlans, s.handle(s.adminPlans))
		s.form(r, paths.AdminNewPlan, s.newPlanForm, s.createPlan)
		r.Get(paths.AdminPlanPattern, s.handle(s.adminPlanPage))
		s.form(r, paths.AdminPlanPattern+"/edit", s.editPlanForm, s.updatePlan)
		s.confirm(r, paths.AdminPlanPattern+"/make-current", s.makeCurrentAction)
		s.confirm(r, paths.AdminPlanPattern+"/retire", s.retirePlanAction)
		s.confirm(r, paths.AdminPlanPattern+"/restore", s.restorePlanAction)
		s.form(r, paths.AdminPlanPattern+"/priorities/new", s.newPriorityForm, s.createPriority)
		s.form(r, paths.AdminPlanPattern+"/commitments/new", s.newCommitmentForm, s.createCommitment)
		s.form(r, paths.AdminPlanPattern+"/carry-forward", s.carryForwardForm, s.carryForward)
		s.form(r, paths.AdminPlanPattern+"/import", s.importForm, s.previewImport)
		r.Post(paths.AdminPlanPattern+"/import/apply", s.handle(s.applyImport))
		r.Get(paths.AdminPlanPattern+"/"+paths.StaffExportCSV, s.handle(s.exportCommitments(false)))
		r.Get(paths.AdminPlanPattern+"/"+paths.StaffExportXLSX, s.handle(s.exportCommitments(true)))
		s.form(r, paths.AdminPriorityPrefix+"/edit", s.editPriorityForm, s.updatePriority)
		s.confirm(r, paths.AdminPriorityPrefix+"/retire", s.retirePriorityAction)
		s.commitmentRoutes(r)
		s.confirm(r, paths.AdminCommitPrefix+"/retire", s.retireCommitmentAction)
		r.Get(paths.AdminOrganisations, s.handle(s.adminOrganisations))
		s.form(r, paths.AdminNewOrg, s.newOrganisationForm, s.createOrganisation)
		s.form(r, paths.AdminOrgPrefix+"/edit", s.editOrganisationForm, s.updateOrganisation)
		s.confirm(r, paths.AdminOrgPrefix+"/retire", s.retireOrganisationAction)
		s.confirm(r, paths.AdminOrgPrefix+"/restore", s.restoreOrganisationAction)
		r.Get(paths.AdminRounds, s.handle(s.adminRounds))
		s.form(r, paths.AdminNewRound, s.newRoundForm, s.createRound)
		r.Get(paths.AdminRoundPattern, s.handle(s.roundPage))
		s.form(r, paths.AdminRoundPattern+"/edit", s.editRoundForm, s.updateRound)
		s.confirm(r, paths.AdminRoundPattern+"/close", s.closeRoundAction)
		r.Get(paths.AdminOutbox, s.handle(s.adminOutbox))
		r.Get(paths.AdminEmailPattern, s.handle(s.adminEmail))
	})
	return r
}

// findRoutes adds the commitments finder, the open data, the feeds and the page describing them,
// for the current plan at the root and for every plan under /plans/{plan}.
func (s *Server) findRoutes(r chi.Router) {
	r.Get(paths.Data, s.publicPage(s.dataPage))
	r.Get(paths.Statuses, s.publicPage(s.statusesPage))
	for _, prefix := range []string{"", paths.PlanPrefixPattern} {
		r.Get(prefix+paths.CurrentCommitments, s.publicPage(s.commitments))
		r.Get(prefix+"/commitments.csv", s.handle(s.commitmentsExport(formatCSV)))
		r.Get(prefix+"/commitments.json", s.handle(s.commitmentsExport(formatJSON)))
		r.Get(prefix+"/updates.csv", s.handle(s.updatesExport(formatCSV)))
		r.Get(prefix+"/updates.json", s.handle(s.updatesExport(formatJSON)))
		r.Get(prefix+paths.DataPackagePattern, s.handle(s.dataPackage))
		r.Get(prefix+"/updates.atom", s.handle(s.feed(s.planFeed)))
		r.Get(prefix+paths.PriorityPattern+"/updates.atom", s.handle(s.feed(s.priorityFeed)))
		r.Get(prefix+paths.CommitmentPattern+"/updates.atom", s.handle(s.feed(s.commitmentFeed)))
	}
}

// methodNotAllowed answers a request whose method the path does not take: 405 with the error
// page, and Allow naming the methods the router has for the path.
func (s *Server) methodNotAllowed(mux chi.Routes) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if r.URL.RawPath != "" {
			path = r.URL.RawPath
		}
		if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePath != "" {
			path = rctx.RoutePath
		}
		w.Header().Set("Allow", strings.Join(allowedMethods(mux, path), ", "))
		s.render(w, r, http.StatusMethodNotAllowed, web.MethodNotAllowedPage(s.layout(r)))
	}
}

// allowedMethods lists the methods the router answers at path. HEAD goes wherever GET does (see
// middleware.GetHead).
func allowedMethods(mux chi.Routes, path string) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions} {
		probe := m
		if m == http.MethodHead && !mux.Match(chi.NewRouteContext(), m, path) {
			probe = http.MethodGet
		}
		if mux.Match(chi.NewRouteContext(), probe, path) {
			allow = append(allow, m)
		}
	}
	return allow
}

// noIndex asks search engines, with X-Robots-Tag, not to index the pages of signed-in users and of
// signing in (paths.Private), nor any response to a signed-in user. Their pages say so too (see
// Server.layout).
func (s *Server) noIndex(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if paths.IsPrivate(r.URL.Path) || s.user(r) != nil {
			w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests that a browser says come from another origin.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	protect := http.NewCrossOriginProtection()
	// RFC 8058 one-click unsubscribe: mail providers POST List-Unsubscribe=One-Click to the address
	// in the email, which carries the token that authenticates it (see alertUnsubscribe). Only
	// that route, and only POST, is exempt.
	protect.AddInsecureBypassPattern(http.MethodPost + " " + paths.AlertsUnsubscribe)
	protect.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.logger.WarnContext(r.Context(), "cross-origin request refused", "origin", r.Header.Get("Origin"))
		s.render(w, r, http.StatusForbidden, web.ForbiddenPage(s.layout(r)))
	}))
	return protect.Handler(next)
}

// form adds a form at path: GET shows it, POST sends it. What was typed into it and sent after
// the session ended is kept, and put back by GET once the person signs in again (see
// showOrRestore): send must save only through saveForm or confirmed, which save nothing then.
func (s *Server) form(r chi.Router, path string, show, send handlerFunc) {
	s.keepable[path] = true
	r.Get(path, s.handle(s.showOrRestore(show, send)))
	r.Post(path, s.handle(send))
}

// confirm adds an action confirmed on a page first at path: GET asks, POST acts.
func (s *Server) confirm(r chi.Router, path string, find func(*http.Request) (confirmAction, error)) {
	s.form(r, path, s.confirmPage(find), s.confirmDo(find))
}
