package server

import (
	"net/http"
	"net/http/pprof"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) routes() *chi.Mux {
	r := chi.NewRouter()
	r.Use(requestID, s.metrics.measure, s.accessLog, s.securityHeaders, s.recoverPanics, s.timeout, s.crossOrigin, s.checkInput, s.withSessions)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
	})

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	if s.serveMetrics {
		r.Method(http.MethodGet, "/metrics", MetricsHandler(s.registry))
	}
	r.Handle("/static/*", web.StaticHandler(http.HandlerFunc(s.notFound)))
	if s.bench != "" {
		r.Get(BenchStaticPrefix+"{name}", s.benchStatic(s.bench))
		r.Get("/_bench/pprof/profile", pprof.Profile)
		r.Get("/_bench/pprof/heap", pprof.Handler("heap").ServeHTTP)
	}

	// Public pages, for everyone.
	r.Get("/", s.publicPage(s.overview))
	r.Get("/priorities/{slug}", s.publicPage(s.priority))
	r.Get("/commitments/{ref}", s.publicPage(s.commitment))
	r.Get("/organisations/{code}", s.publicPage(s.organisation))
	r.Get("/plans/{plan}", s.publicPage(s.overview))
	r.Get("/plans/{plan}/priorities/{slug}", s.publicPage(s.priority))
	r.Get("/plans/{plan}/commitments/{ref}", s.publicPage(s.commitment))
	// Finding, downloading and following commitments, for everyone.
	s.findRoutes(r)

	// Accounts.
	r.Get("/sign-in", s.signInForm)
	r.Post("/sign-in", s.signIn)
	r.Post("/sign-out", s.signOut)
	r.Get("/set-password", s.setPasswordForm)
	r.Post("/set-password", s.setPassword)
	r.Get("/forgot-password", s.forgotPasswordForm)
	r.Post("/forgot-password", s.forgotPassword)
	r.With(s.requireUser).Get("/account", s.account)
	r.With(s.requireUser).Post("/account/password", s.changePassword)

	// Reporting progress, for partners (on the commitments their organisation leads) and staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get("/report", s.reportList)
		r.Get("/report/{ref}", s.reportForm)
		r.Post("/report/{ref}", s.report)
	})

	// Reviewing and publishing updates, and the dashboard, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionReview))
		r.Get("/review", s.reviewList)
		r.Get("/review/{id}", s.reviewUpdate)
		r.Post("/review/{id}", s.review)
	})
	r.With(s.requireCan(tracker.ActionViewDashboard)).Get("/dashboard", s.dashboard)

	// Administration of accounts.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionManageUsers))
		r.Get("/admin/users", s.adminUsers)
		r.Post("/admin/users", s.invite)
		r.Get("/admin/users/new", s.inviteForm)
		r.Get("/admin/users/{id}", s.userPage)
		r.Post("/admin/users/{id}/role", s.changeRole)
		r.Post("/admin/users/{id}/disable", s.setDisabled(true))
		r.Post("/admin/users/{id}/enable", s.setDisabled(false))
		r.Post("/admin/users/{id}/link", s.createLink)
	})
	r.With(s.requireCan(tracker.ActionReadAudit)).Get("/admin/audit", s.auditLog)

	// Plans, their priority areas and commitments, organisations, reporting rounds and the
	// outbox, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionEditPlan))
		r.Get("/admin/plans", s.adminPlans)
		r.Get("/admin/plans/new", s.newPlanForm)
		r.Post("/admin/plans/new", s.createPlan)
		r.Get("/admin/plans/{plan}", s.adminPlanPage)
		r.Get("/admin/plans/{plan}/edit", s.editPlanForm)
		r.Post("/admin/plans/{plan}/edit", s.updatePlan)
		r.Post("/admin/plans/{plan}/make-current", s.makePlanCurrent)
		r.Get("/admin/plans/{plan}/retire", s.retirePlanForm)
		r.Post("/admin/plans/{plan}/retire", s.retirePlan)
		r.Get("/admin/plans/{plan}/priorities/new", s.newPriorityForm)
		r.Post("/admin/plans/{plan}/priorities/new", s.createPriority)
		r.Get("/admin/plans/{plan}/commitments/new", s.newCommitmentForm)
		r.Post("/admin/plans/{plan}/commitments/new", s.createCommitment)
		r.Get("/admin/plans/{plan}/carry-forward", s.carryForwardForm)
		r.Post("/admin/plans/{plan}/carry-forward", s.carryForward)
		r.Get("/admin/plans/{plan}/import", s.importForm)
		r.Post("/admin/plans/{plan}/import", s.previewImport)
		r.Post("/admin/plans/{plan}/import/apply", s.applyImport)
		r.Get("/admin/plans/{plan}/commitments.csv", s.exportCommitments)
		r.Get("/admin/priorities/{id}/edit", s.editPriorityForm)
		r.Post("/admin/priorities/{id}/edit", s.updatePriority)
		r.Get("/admin/priorities/{id}/retire", s.retirePriorityForm)
		r.Post("/admin/priorities/{id}/retire", s.retirePriority)
		r.Get("/admin/commitments/{id}/edit", s.editCommitmentForm)
		r.Post("/admin/commitments/{id}/edit", s.updateCommitment)
		r.Get("/admin/commitments/{id}/retire", s.retireCommitmentForm)
		r.Post("/admin/commitments/{id}/retire", s.retireCommitment)
		r.Get("/admin/organisations", s.adminOrganisations)
		r.Get("/admin/organisations/new", s.newOrganisationForm)
		r.Post("/admin/organisations/new", s.createOrganisation)
		r.Get("/admin/organisations/{id}/edit", s.editOrganisationForm)
		r.Post("/admin/organisations/{id}/edit", s.updateOrganisation)
		r.Get("/admin/organisations/{id}/retire", s.retireOrganisationForm)
		r.Post("/admin/organisations/{id}/retire", s.retireOrganisation)
		r.Get("/admin/rounds", s.adminRounds)
		r.Get("/admin/rounds/new", s.newRoundForm)
		r.Post("/admin/rounds/new", s.createRound)
		r.Get("/admin/rounds/{id}", s.roundPage)
		r.Get("/admin/rounds/{id}/edit", s.editRoundForm)
		r.Post("/admin/rounds/{id}/edit", s.updateRound)
		r.Get("/admin/rounds/{id}/close", s.closeRoundForm)
		r.Post("/admin/rounds/{id}/close", s.closeRound)
		r.Get("/admin/outbox", s.adminOutbox)
		r.Get("/admin/outbox/{id}", s.adminEmail)
	})
	return r
}

// crossOrigin refuses state-changing requests that a browser says come from another origin.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	protect := http.NewCrossOriginProtection()
	protect.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.logger.WarnContext(r.Context(), "cross-origin request refused", "origin", r.Header.Get("Origin"))
		s.render(w, r, http.StatusForbidden, web.ForbiddenPage(s.layout(r)))
	}))
	return protect.Handler(next)
}
