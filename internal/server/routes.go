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

	r.Get(paths.Healthz, s.handle(s.healthz))
	r.Get(paths.Readyz, s.handle(s.readyz))
	if s.serveMetrics {
		r.Method(http.MethodGet, paths.Metrics, MetricsHandler(s.registry))
	}
	r.Handle(paths.Static, web.StaticHandler(http.HandlerFunc(s.notFound)))
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

	// Accounts.
	r.Get(paths.SignIn, s.handle(s.signInForm))
	r.Post(paths.SignIn, s.handle(s.signIn))
	r.Post(paths.SignOut, s.handle(s.signOut))
	r.Get(paths.SetPassword, s.handle(s.setPasswordForm))
	r.Post(paths.SetPassword, s.handle(s.setPassword))
	r.Get(paths.ForgotPassword, s.handle(s.forgotPasswordForm))
	r.Post(paths.ForgotPassword, s.handle(s.forgotPassword))
	r.With(s.requireUser).Get(paths.Account, s.handle(s.account))
	r.With(s.requireUser).Post(paths.AccountPwd, s.handle(s.changePassword))

	// Reporting progress, for partners (on the commitments their organisation leads) and staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get(paths.ReportList, s.handle(s.reportList))
		r.Get(paths.ReportPattern, s.handle(s.reportForm))
		r.Post(paths.ReportPattern, s.handle(s.report))
	})

	// Reviewing and publishing updates, and the dashboard, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionReview))
		r.Get(paths.ReviewList, s.handle(s.reviewList))
		r.Get(paths.ReviewPattern, s.handle(s.reviewUpdate))
		r.Post(paths.ReviewPattern, s.handle(s.review))
	})
	r.With(s.requireCan(tracker.ActionViewDashboard)).Get(paths.Dashboard, s.handle(s.dashboard))

	// Administration of accounts.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionManageUsers))
		r.Get(paths.AdminUsers, s.handle(s.adminUsers))
		r.Post(paths.AdminUsers, s.handle(s.invite))
		r.Get(paths.AdminNewUser, s.handle(s.inviteForm))
		r.Get(paths.UserPattern, s.handle(s.userPage))
		r.Post(paths.UserPattern+"/role", s.handle(s.changeRole))
		r.Post(paths.UserPattern+"/disable", s.handle(s.setDisabled(true)))
		r.Post(paths.UserPattern+"/enable", s.handle(s.setDisabled(false)))
		r.Post(paths.UserPattern+"/link", s.handle(s.createLink))
	})
	r.With(s.requireCan(tracker.ActionReadAudit)).Get(paths.AdminAudit, s.handle(s.auditLog))

	// Plans, their priority areas and commitments, organisations, reporting rounds and the
	// outbox, for staff.
	r.Group(func(r chi.Router) {
		r.Use(s.requireCan(tracker.ActionEditPlan))
		r.Get(paths.AdminPlans, s.handle(s.adminPlans))
		r.Get(paths.AdminNewPlan, s.handle(s.newPlanForm))
		r.Post(paths.AdminNewPlan, s.handle(s.createPlan))
		r.Get(paths.AdminPlanPattern, s.handle(s.adminPlanPage))
		r.Get(paths.AdminPlanPattern+"/edit", s.handle(s.editPlanForm))
		r.Post(paths.AdminPlanPattern+"/edit", s.handle(s.updatePlan))
		r.Post(paths.AdminPlanPattern+"/make-current", s.handle(s.makePlanCurrent))
		r.Get(paths.AdminPlanPattern+"/retire", s.handle(s.retirePlanForm))
		r.Post(paths.AdminPlanPattern+"/retire", s.handle(s.retirePlan))
		r.Get(paths.AdminPlanPattern+"/priorities/new", s.handle(s.newPriorityForm))
		r.Post(paths.AdminPlanPattern+"/priorities/new", s.handle(s.createPriority))
		r.Get(paths.AdminPlanPattern+"/commitments/new", s.handle(s.newCommitmentForm))
		r.Post(paths.AdminPlanPattern+"/commitments/new", s.handle(s.createCommitment))
		r.Get(paths.AdminPlanPattern+"/carry-forward", s.handle(s.carryForwardForm))
		r.Post(paths.AdminPlanPattern+"/carry-forward", s.handle(s.carryForward))
		r.Get(paths.AdminPlanPattern+"/import", s.handle(s.importForm))
		r.Post(paths.AdminPlanPattern+"/import", s.handle(s.previewImport))
		r.Post(paths.AdminPlanPattern+"/import/apply", s.handle(s.applyImport))
		r.Get(paths.AdminPlanPattern+"/commitments.csv", s.handle(s.exportCommitments))
		r.Get(paths.AdminPriorityPrefix+"/edit", s.handle(s.editPriorityForm))
		r.Post(paths.AdminPriorityPrefix+"/edit", s.handle(s.updatePriority))
		r.Get(paths.AdminPriorityPrefix+"/retire", s.handle(s.retirePriorityForm))
		r.Post(paths.AdminPriorityPrefix+"/retire", s.handle(s.retirePriority))
		r.Get(paths.AdminCommitPrefix+"/edit", s.handle(s.editCommitmentForm))
		r.Post(paths.AdminCommitPrefix+"/edit", s.handle(s.updateCommitment))
		r.Get(paths.AdminCommitPrefix+"/retire", s.handle(s.retireCommitmentForm))
		r.Post(paths.AdminCommitPrefix+"/retire", s.handle(s.retireCommitment))
		r.Get(paths.AdminOrganisations, s.handle(s.adminOrganisations))
		r.Get(paths.AdminNewOrg, s.handle(s.newOrganisationForm))
		r.Post(paths.AdminNewOrg, s.handle(s.createOrganisation))
		r.Get(paths.AdminOrgPrefix+"/edit", s.handle(s.editOrganisationForm))
		r.Post(paths.AdminOrgPrefix+"/edit", s.handle(s.updateOrganisation))
		r.Get(paths.AdminOrgPrefix+"/retire", s.handle(s.retireOrganisationForm))
		r.Post(paths.AdminOrgPrefix+"/retire", s.handle(s.retireOrganisation))
		r.Get(paths.AdminRounds, s.handle(s.adminRounds))
		r.Get(paths.AdminNewRound, s.handle(s.newRoundForm))
		r.Post(paths.AdminNewRound, s.handle(s.createRound))
		r.Get(paths.AdminRoundPattern, s.handle(s.roundPage))
		r.Get(paths.AdminRoundPattern+"/edit", s.handle(s.editRoundForm))
		r.Post(paths.AdminRoundPattern+"/edit", s.handle(s.updateRound))
		r.Get(paths.AdminRoundPattern+"/close", s.handle(s.closeRoundForm))
		r.Post(paths.AdminRoundPattern+"/close", s.handle(s.closeRound))
		r.Get(paths.AdminOutbox, s.handle(s.adminOutbox))
		r.Get(paths.AdminEmailPattern, s.handle(s.adminEmail))
	})
	return r
}

// findRoutes adds the commitments finder, the open data, the feeds and the page describing them,
// for the current plan at the root and for every plan under /plans/{plan}.
func (s *Server) findRoutes(r chi.Router) {
	r.Get(paths.Data, s.publicPage(s.dataPage))
	for _, prefix := range []string{"", paths.PlanPrefixPattern} {
		r.Get(prefix+paths.CurrentCommitments, s.publicPage(s.commitments))
		r.Get(prefix+"/commitments.csv", s.handle(s.commitmentsExport(formatCSV)))
		r.Get(prefix+"/commitments.json", s.handle(s.commitmentsExport(formatJSON)))
		r.Get(prefix+"/updates.csv", s.handle(s.updatesExport(formatCSV)))
		r.Get(prefix+"/updates.json", s.handle(s.updatesExport(formatJSON)))
		r.Head(prefix+"/commitments.csv", s.handle(s.commitmentsExport(formatCSV)))
		r.Head(prefix+"/commitments.json", s.handle(s.commitmentsExport(formatJSON)))
		r.Head(prefix+"/updates.csv", s.handle(s.updatesExport(formatCSV)))
		r.Head(prefix+"/updates.json", s.handle(s.updatesExport(formatJSON)))
		r.Get(prefix+"/updates.atom", s.handle(s.planFeed))
		r.Get(prefix+paths.PriorityPattern+"/updates.atom", s.handle(s.priorityFeed))
		r.Get(prefix+paths.CommitmentPattern+"/updates.atom", s.handle(s.commitmentFeed))
	}
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
