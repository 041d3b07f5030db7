package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestEveryPathBuilderNamesARoute walks the router's routes and checks that every address the
// paths package builds, for the current plan and an older one, is answered by one of them with
// the method the views use it with.
func TestEveryPathBuilderNamesARoute(t *testing.T) {
	t.Parallel()
	// The pool is never used: building the router needs one, and pgxpool connects lazily.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	mux := newServer(Config{Store: postgres.New(pool), ServeMetrics: true}).routes()

	// The routes as chi knows them, registered again on a bare router to match against.
	walked := chi.NewRouter()
	n := 0
	noop := func(http.ResponseWriter, *http.Request) {}
	if err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		walked.MethodFunc(method, route, noop)
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("walked %d routes; want the whole router", n)
	}

	current := tracker.Plan{Slug: "2023-24", IsCurrent: true}
	older := tracker.Plan{Slug: "2022-23"}
	get, post := http.MethodGet, http.MethodPost
	cases := []struct {
		method, path string
	}{
		{get, paths.Home}, {get, paths.Robots}, {get, paths.Sitemap}, {get, paths.Healthz}, {get, paths.Readyz}, {get, paths.Metrics},
		{get, paths.Data}, {get, paths.Statuses},
		{get, paths.SignIn}, {post, paths.SignIn}, {post, paths.SignOut}, {get, paths.SetPassword},
		{post, paths.SetPassword}, {get, paths.ForgotPassword}, {post, paths.ForgotPassword},
		{get, paths.Account}, {post, paths.AccountPwd}, {get, paths.ReportList}, {get, paths.ReviewList},
		{get, paths.Dashboard}, {get, paths.CurrentCommitments},
		{get, paths.AdminUsers}, {post, paths.AdminUsers}, {get, paths.AdminNewUser}, {get, paths.AdminAudit},
		{get, paths.AdminPlans}, {get, paths.AdminNewPlan}, {post, paths.AdminNewPlan},
		{get, paths.AdminOrganisations}, {get, paths.AdminNewOrg}, {post, paths.AdminNewOrg},
		{get, paths.AdminRounds}, {get, paths.AdminNewRound}, {post, paths.AdminNewRound}, {get, paths.AdminOutbox},
		{get, strings.SplitN(paths.SetPasswordLink("", "abc"), "?", 2)[0]},
		{get, strings.SplitN(paths.Audit("4", "update", "7"), "?", 2)[0]},
		{get, strings.SplitN(paths.AuditPage("4", "update", "7", 2), "?", 2)[0]},
		{get, paths.Report("4.2")}, {post, paths.Report("4.2")}, {get, paths.Review(7)}, {post, paths.Review(7)},
		{get, paths.User(3)}, {post, paths.UserAction(3, "role")}, {post, paths.UserAction(3, "disable")},
		{post, paths.UserAction(3, "enable")}, {post, paths.UserAction(3, "link")},
		{get, paths.AdminPlan("2024-25")}, {get, paths.AdminPlanAction("2024-25", "edit")},
		{post, paths.AdminPlanAction("2024-25", "edit")}, {post, paths.AdminPlanAction("2024-25", "make-current")},
		{get, paths.AdminPlanAction("2024-25", "retire")}, {get, paths.AdminPlanAction("2024-25", "priorities/new")},
		{get, paths.AdminPlanAction("2024-25", "commitments/new")}, {get, paths.AdminPlanAction("2024-25", "carry-forward")},
		{get, paths.AdminPlanAction("2024-25", "import")}, {post, paths.AdminPlanAction("2024-25", "import/apply")},
		{get, paths.AdminPlanAction("2024-25", "commitments.csv")},
		{get, paths.AdminCommitmentPage(5)}, {get, paths.AdminCommitment(5, "retire")},
		{get, paths.AdminCommitmentField(5, "what")}, {post, paths.AdminCommitmentField(5, "leads")},
		{get, paths.AdminPriority(5, "edit")}, {get, paths.AdminPriority(5, "retire")},
		{get, paths.AdminOrganisation(5, "edit")}, {get, paths.AdminOrganisation(5, "retire")},
		{get, paths.AdminRound(5)}, {get, paths.AdminRoundAction(5, "edit")}, {post, paths.AdminRoundAction(5, "close")},
		{get, paths.AdminEmail(5)}, {get, paths.Organisation("NES")},
		{get, paths.Accessibility}, {get, paths.Privacy}, {get, paths.Cookies}, {get, paths.Contact},
		{get, withoutQuery(paths.FeedbackAbout("/commitments/4.2", "no"))}, {post, paths.Feedback},
		{get, withoutQuery(paths.FeedbackThanksFor("/"))}, {get, withoutQuery(paths.AdminFeedbackList("/", 2))},
		{get, withoutQuery(paths.AdminFeedbackDownload("/"))},
		{post, paths.AccountEmails}, {get, paths.AlertsCheckEmail},
		{get, paths.AlertsConfirm}, {post, paths.AlertsConfirm}, {get, paths.AlertsUnsubscribe}, {post, paths.AlertsUnsubscribe},
		{get, paths.AlertsManage}, {post, paths.AlertsManage},
		{get, strings.SplitN(paths.AlertLink("", paths.AlertsManage, "abc"), "?", 2)[0]},
		{get, paths.OrganisationGetUpdates("NES")}, {post, paths.OrganisationGetUpdates("NES")},
		{get, paths.OrganisationFeed("NES")},
	}
	for _, p := range []tracker.Plan{current, older} {
		cases = append(cases, []struct{ method, path string }{
			{get, paths.Overview(p)}, {get, paths.Priority(p, "digital-access")}, {get, paths.Commitment(p, "4.2")},
			{get, paths.GetUpdates(p)}, {post, paths.GetUpdates(p)},
			{get, paths.PriorityGetUpdates(p, "digital-access")}, {post, paths.PriorityGetUpdates(p, "digital-access")},
			{get, paths.CommitmentGetUpdates(p, "4.2")}, {post, paths.CommitmentGetUpdates(p, "4.2")},
			{get, paths.Commitments(p)}, {get, paths.Commitments(p) + ".csv"}, {get, paths.Commitments(p) + ".json"},
			{get, paths.Updates(p) + ".csv"}, {get, paths.Updates(p) + ".json"}, {get, paths.Feed(p)},
			{get, paths.PriorityFeed(p, "digital-access")}, {get, paths.CommitmentFeed(p, "4.2")},
		}...)
	}
	for _, c := range cases {
		if !walked.Match(chi.NewRouteContext(), c.method, c.path) {
			t.Errorf("%s %s: no route answers it", c.method, c.path)
		}
	}
	// And the test itself can fail: an address no builder should make is not matched.
	if walked.Match(chi.NewRouteContext(), get, "/admin/plans/2024-25/nonsense") {
		t.Error("the walked router matches an address that has no route")
	}
}

func withoutQuery(p string) string { return strings.SplitN(p, "?", 2)[0] }
