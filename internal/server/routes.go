package server

import (
	"net/http"
	"net/http/pprof"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
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

	r.Get(paths.Healthz, s.healthz)
	r.Get(paths.Readyz, s.readyz)
	if s.serveMetrics {
		r.Method(http.MethodGet, paths.Metrics, MetricsHandler(s.registry))
	}
	r.Handle(paths.Static, web.StaticHandler(http.HandlerFunc(s.notFound)))
	if s.bench != "" {
		r.Get(BenchStaticPrefix+"{name}", s.benchStatic(s.bench))
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

	// Accounts.
	r.Get(paths.SignIn, s.signInForm)
	r.Post(paths.SignIn, s.signIn)
	r.Post(paths.SignOut, s.signOut)
	r.Get(paths.SetPassword, s.setPasswordForm)
	r.Post(paths.SetPassword, s.setPassword)
	r.Get(paths.ForgotPassword, s.forgotPasswordForm)
	r.Post(paths.ForgotPassword, s.forgotPassword)
	r.With(s.requireUser).Get(paths.Account, s.account)
	r.With(s.requireUser).Post(paths.AccountPwd, s.changePassword)

	// Reporting progress, for partners (on the commitments their organisation leads) and staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get(paths.ReportList, s.reportList)
		r.Get(paths.ReportPattern, s.reportForm)
		r.Post(paths.ReportPattern, s.report)
	})

	// Reviewing and publishing updates, and the dashboard, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionReview))
		r.Get(paths.ReviewList, s.reviewList)
		r.Get(paths.ReviewPattern, s.reviewUpdate)
		r.Post(paths.ReviewPattern, s.review)
	})
	r.With(s.requireCan(tracker.ActionViewDashboard)).Get(paths.Dashboard, s.dashboard)

	// Administration of accounts.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionManageUsers))
		r.Get(paths.AdminUsers, s.adminUsers)
		r.Post(paths.AdminUsers, s.invite)
		r.Get(paths.AdminNewUser, s.inviteForm)
		r.Get(paths.UserPattern, s.userPage)
		r.Post(paths.UserPattern+"/role", s.changeRole)
		r.Post(paths.UserPattern+"/disable", s.setDisabled(true))
		r.Post(paths.UserPattern+"/enable", s.setDisabled(false))
		r.Post(paths.UserPattern+"/link", s.createLink)
	})
	r.With(s.requireCan(tracker.ActionReadAudit)).Get(paths.AdminAudit, s.auditLog)

	// Plans, their priority areas and commitments, organisations, reporting rounds and the
	// outbox, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionEditPlan))
		r.Get(paths.AdminPlans, s.adminPlans)
		r.Get(paths.AdminNewPlan, s.newPlanForm)
		r.Post(paths.AdminNewPlan, s.createPlan)
		r.Get(paths.AdminPlanPattern, s.adminPlanPage)
		r.Get(paths.AdminPlanPattern+"/edit", s.editPlanForm)
		r.Post(paths.AdminPlanPattern+"/edit", s.updatePlan)
		r.Post(paths.AdminPlanPattern+"/make-current", s.makePlanCurrent)
		r.Get(paths.AdminPlanPattern+"/retire", s.retirePlanForm)
		r.Post(paths.AdminPlanPattern+"/retire", s.retirePlan)
		r.Get(paths.AdminPlanPattern+"/priorities/new", s.newPriorityForm)
		r.Post(paths.AdminPlanPattern+"/priorities/new", s.createPriority)
		r.Get(paths.AdminPlanPattern+"/commitments/new", s.newCommitmentForm)
		r.Post(paths.AdminPlanPattern+"/commitments/new", s.createCommitment)
		r.Get(paths.AdminPlanPattern+"/carry-forward", s.carryForwardForm)
		r.Post(paths.AdminPlanPattern+"/carry-forward", s.carryForward)
		r.Get(paths.AdminPlanPattern+"/import", s.importForm)
		r.Post(paths.AdminPlanPattern+"/import", s.previewImport)
		r.Post(paths.AdminPlanPattern+"/import/apply", s.applyImport)
		r.Get(paths.AdminPlanPattern+"/commitments.csv", s.exportCommitments)
		r.Get(paths.AdminPriorityPrefix+"/edit", s.editPriorityForm)
		r.Post(paths.AdminPriorityPrefix+"/edit", s.updatePriority)
		r.Get(paths.AdminPriorityPrefix+"/retire", s.retirePriorityForm)
		r.Post(paths.AdminPriorityPrefix+"/retire", s.retirePriority)
		r.Get(paths.AdminCommitPrefix+"/edit", s.editCommitmentForm)
		r.Post(paths.AdminCommitPrefix+"/edit", s.updateCommitment)
		r.Get(paths.AdminCommitPrefix+"/retire", s.retireCommitmentForm)
		r.Post(paths.AdminCommitPrefix+"/retire", s.retireCommitment)
		r.Get(paths.AdminOrganisations, s.adminOrganisations)
		r.Get(paths.AdminNewOrg, s.newOrganisationForm)
		r.Post(paths.AdminNewOrg, s.createOrganisation)
		r.Get(paths.AdminOrgPrefix+"/edit", s.editOrganisationForm)
		r.Post(paths.AdminOrgPrefix+"/edit", s.updateOrganisation)
		r.Get(paths.AdminOrgPrefix+"/retire", s.retireOrganisationForm)
		r.Post(paths.AdminOrgPrefix+"/retire", s.retireOrganisation)
		r.Get(paths.AdminRounds, s.adminRounds)
		r.Get(paths.AdminNewRound, s.newRoundForm)
		r.Post(paths.AdminNewRound, s.createRound)
		r.Get(paths.AdminRoundPattern, s.roundPage)
		r.Get(paths.AdminRoundPattern+"/edit", s.editRoundForm)
		r.Post(paths.AdminRoundPattern+"/edit", s.updateRound)
		r.Get(paths.AdminRoundPattern+"/close", s.closeRoundForm)
		r.Post(paths.AdminRoundPattern+"/close", s.closeRound)
		r.Get(paths.AdminOutbox, s.adminOutbox)
		r.Get(paths.AdminEmailPattern, s.adminEmail)
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
