package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// who is a kind of visitor the authorisation matrix tries every route as.
type who string

const (
	anon         who = "anonymous"
	partnerOther who = "partner of another organisation" // CIVTECH, which leads only 4.5
	partnerLead  who = "partner of a lead organisation"  // NES, which leads 4.1, 4.2 and 4.3
	staff        who = "staff"
	admin        who = "admin"
	disabled     who = "disabled user" // an admin whose account was disabled after signing in
)

var everyone = []who{anon, partnerOther, partnerLead, staff, admin, disabled}

// authzRoute is a route the authorisation matrix checks.
type authzRoute struct {
	Method string
	// Path is where to send the request; when Setup gives it instead, Path names the route.
	Path string
	Form url.Values
	// Setup, when set, prepares what the route acts on, on the test's own server, and returns the
	// path and form to send. It runs once for each kind of visitor.
	Setup func(t *testing.T, app *testApp) (path string, form url.Values)
	// Allowed lists who may use the route. Anyone else who is signed in gets 403; anonymous and
	// disabled users are sent to sign in.
	Allowed []who
}

// authzRoutes is every route that changes state, and every page only some may see, with who may
// use it. Add each new route here: TestAuthorisationMatrix tries it as every kind of visitor.
var authzRoutes = []authzRoute{
	{Method: http.MethodPost, Path: "/sign-out", Allowed: everyone},
	{Method: http.MethodPost, Path: "/sign-in", Form: url.Values{"email": {"x@example.scot"}, "password": {"wrong password"}}, Allowed: everyone},
	{Method: http.MethodPost, Path: "/set-password", Form: url.Values{"token": {"no-such-token"}}, Allowed: everyone},
	{Method: http.MethodPost, Path: "/forgot-password", Form: url.Values{"email": {"x@example.scot"}}, Allowed: everyone},
	{Method: http.MethodGet, Path: "/account", Allowed: []who{partnerOther, partnerLead, staff, admin}},
	{Method: http.MethodPost, Path: "/account/password", Allowed: []who{partnerOther, partnerLead, staff, admin}},
	{Method: http.MethodPost, Path: "/account/keep-alive", Allowed: []who{partnerOther, partnerLead, staff, admin}},

	// Accounts: administrators only.
	{Method: http.MethodGet, Path: "/admin/users", Allowed: []who{admin}},
	{Method: http.MethodGet, Path: "/admin/users/new", Allowed: []who{admin}},
	{Method: http.MethodPost, Path: "/admin/users", Allowed: []who{admin}, Setup: func(t *testing.T, app *testApp) (string, url.Values) {
		return "/admin/users", url.Values{"email": {fmt.Sprintf("invitee-%d@gov.scot", userSeq.Add(1))}, "name": {"Invitee"}, "role": {"staff"}}
	}},
	{Method: http.MethodGet, Path: "/admin/users/{id}", Allowed: []who{admin}, Setup: targetUser("", nil)},
	{Method: http.MethodPost, Path: "/admin/users/{id}/role", Allowed: []who{admin}, Setup: targetUser("/role", url.Values{"role": {"partner"}, "organisation": {"NES"}})},
	{Method: http.MethodGet, Path: "/admin/users/{id}/disable", Allowed: []who{admin}, Setup: targetUser("/disable", nil)},
	{Method: http.MethodPost, Path: "/admin/users/{id}/disable", Allowed: []who{admin}, Setup: targetUser("/disable", url.Values{"reason": {"Left the team"}})},
	{Method: http.MethodPost, Path: "/admin/users/{id}/enable", Allowed: []who{admin}, Setup: targetUser("/enable", url.Values{})},
	{Method: http.MethodPost, Path: "/admin/users/{id}/link", Allowed: []who{admin}, Setup: targetUser("/link", url.Values{})},
	{Method: http.MethodGet, Path: "/admin/audit", Allowed: []who{admin}},

	// Reporting and review.
	{Method: http.MethodGet, Path: "/report", Allowed: []who{partnerOther, partnerLead, staff, admin}},
	{Method: http.MethodGet, Path: "/report/4.1", Allowed: []who{partnerLead, staff, admin}},
	{Method: http.MethodPost, Path: "/report/4.1", Form: reportForm("draft"), Allowed: []who{partnerLead, staff, admin}},
	{Method: http.MethodPost, Path: "/report/4.1", Form: reportForm("submit"), Allowed: []who{partnerLead, staff, admin}},
	{Method: http.MethodPost, Path: "/report/4.1", Form: reportForm("publish"), Allowed: []who{staff, admin}},
	{Method: http.MethodGet, Path: "/report/4.5", Allowed: []who{partnerOther, staff, admin}},
	{Method: http.MethodGet, Path: "/review", Allowed: []who{staff, admin}},
	{Method: http.MethodGet, Path: "/review/{id}", Setup: reviewSetup(""), Allowed: []who{staff, admin}},
	{Method: http.MethodPost, Path: "/review/{id} publish", Setup: reviewSetup("publish"), Allowed: []who{staff, admin}},
	{Method: http.MethodPost, Path: "/review/{id} return", Setup: reviewSetup("return"), Allowed: []who{staff, admin}},
	{Method: http.MethodGet, Path: "/dashboard", Allowed: []who{staff, admin}},

	// Managing plans, commitments, organisations, reporting rounds and the outbox: staff and admins.
	{Method: http.MethodGet, Path: "/admin/plans", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/new", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/new", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/edit", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/edit", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/make-current", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/make-current", Form: url.Values{"reason": {"Published"}}, Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/retire", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/retire", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/priorities/new", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/priorities/new", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/commitments/new", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/commitments/new", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/import", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/import", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2023-24/import/apply", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2023-24/commitments.csv", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/plans/2024-25/carry-forward", Setup: nextPlanPath("/carry-forward"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/plans/2024-25/carry-forward", Setup: nextPlanPath("/carry-forward"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/commitments/{id}", Setup: idPath("commitment", ""), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/commitments/{id}/change/what", Setup: idPath("commitment", "/change/what"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/commitments/{id}/change/what", Setup: idPath("commitment", "/change/what"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/commitments/{id}/change/leads", Setup: idPath("commitment", "/change/leads"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/commitments/{id}/change/leads", Setup: idPath("commitment", "/change/leads"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/commitments/{id}/retire", Setup: idPath("commitment", "/retire"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/commitments/{id}/retire", Setup: idPath("commitment", "/retire"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/priorities/{id}/edit", Setup: idPath("priority", "/edit"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/priorities/{id}/edit", Setup: idPath("priority", "/edit"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/priorities/{id}/retire", Setup: idPath("priority", "/retire"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/priorities/{id}/retire", Setup: idPath("priority", "/retire"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/organisations", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/organisations/new", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/organisations/new", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/organisations/{id}/edit", Setup: idPath("organisation", "/edit"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/organisations/{id}/edit", Setup: idPath("organisation", "/edit"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/organisations/{id}/retire", Setup: idPath("organisation", "/retire"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/organisations/{id}/retire", Setup: idPath("organisation", "/retire"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/rounds", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/rounds/new", Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/rounds/new", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/rounds/{id}", Setup: idPath("round", ""), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/rounds/{id}/edit", Setup: idPath("round", "/edit"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/rounds/{id}/edit", Setup: idPath("round", "/edit"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/rounds/{id}/close", Setup: idPath("round", "/close"), Allowed: staffOnly},
	{Method: http.MethodPost, Path: "/admin/rounds/{id}/close", Setup: idPath("round", "/close"), Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/outbox", Allowed: staffOnly},
	{Method: http.MethodGet, Path: "/admin/outbox/{id}", Setup: idPath("email", ""), Allowed: staffOnly},
}

var staffOnly = []who{staff, admin}

// idPath returns a Setup that finds (or makes, once per server) a record of the kind and gives
// the path of the action on it.
func idPath(kind, action string) func(t *testing.T, app *testApp) (string, url.Values) {
	return func(t *testing.T, app *testApp) (string, url.Values) {
		t.Helper()
		ctx := t.Context()
		plan, err := app.Store.PlanBySlug(ctx, "2023-24")
		if err != nil {
			t.Fatal(err)
		}
		var path string
		switch kind {
		case "commitment":
			c, err := app.Store.CommitmentByRef(ctx, plan.ID, "4.2")
			if err != nil {
				t.Fatal(err)
			}
			path = "/admin/commitments/" + strconv.FormatInt(c.ID, 10)
		case "priority":
			p, err := app.Store.PriorityBySlug(ctx, plan.ID, "digital-access")
			if err != nil {
				t.Fatal(err)
			}
			path = "/admin/priorities/" + strconv.FormatInt(p.ID, 10)
		case "organisation":
			o, err := app.Store.OrganisationByCode(ctx, "SSSC")
			if err != nil {
				t.Fatal(err)
			}
			path = "/admin/organisations/" + strconv.FormatInt(o.ID, 10)
		case "round":
			rs, err := app.Store.Rounds(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) == 0 {
				r, err := app.Store.CreateRound(ctx, tracker.Actor{Label: "test"}, tracker.Round{PlanID: plan.ID, Name: "Q3",
					Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)})
				if err != nil {
					t.Fatal(err)
				}
				rs = append(rs, r)
			}
			path = "/admin/rounds/" + strconv.FormatInt(rs[0].ID, 10)
		case "email":
			if _, err := app.Store.Enqueue(ctx, tracker.Email{Kind: "test", Recipient: "a@example.scot", Subject: "s", Body: "b"}, "authz"); err != nil {
				t.Fatal(err)
			}
			es, _, err := app.Store.Outbox(ctx, postgres.OutboxFilter{})
			if err != nil {
				t.Fatal(err)
			}
			path = "/admin/outbox/" + strconv.FormatInt(es[0].ID, 10)
		default:
			t.Fatalf("unknown kind %q", kind)
		}
		return path + action, nil
	}
}

// nextPlanPath returns a Setup that makes (once per server) a 2024-25 plan following 2023-24, and
// gives the path of the action on it.
func nextPlanPath(action string) func(t *testing.T, app *testApp) (string, url.Values) {
	return func(t *testing.T, app *testApp) (string, url.Values) {
		t.Helper()
		if _, err := app.Store.PlanBySlug(t.Context(), "2024-25"); err != nil {
			old, err := app.Store.PlanBySlug(t.Context(), "2023-24")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := app.Store.CreatePlan(t.Context(), tracker.Actor{Label: "test"}, postgres.NewPlan{
				Plan: tracker.Plan{Slug: "2024-25", Title: "Delivery Plan 2024-25", Period: "2024-25"}, PreviousID: old.ID, CopyPriorities: true}); err != nil {
				t.Fatal(err)
			}
		}
		return "/admin/plans/2024-25" + action, nil
	}
}

// targetUser returns a Setup that creates a staff account to act on, at /admin/users/{id}
// followed by suffix, with the form and the account's version.
func targetUser(suffix string, form url.Values) func(t *testing.T, app *testApp) (string, url.Values) {
	return func(t *testing.T, app *testApp) (string, url.Values) {
		u, _ := createUser(t, app, tracker.RoleStaff, "")
		var f url.Values
		if form != nil {
			f = url.Values{"version": {strconv.Itoa(u.Version)}}
			for k, v := range form {
				f[k] = v
			}
		}
		return "/admin/users/" + strconv.FormatInt(u.ID, 10) + suffix, f
	}
}

// reportForm is a valid progress report on 4.1 with the action, based on the seed's version.
func reportForm(action string) url.Values {
	return url.Values{"action": {action}, "status": {"on_track"}, "narrative": {"Going well."}, "version": {"1"}, "seen": {"0"}}
}

// reviewSetup submits an update on 4.1 as a new NES partner and returns its review page's path
// and, for an action, the form that publishes or returns it.
func reviewSetup(action string) func(t *testing.T, app *testApp) (string, url.Values) {
	return func(t *testing.T, app *testApp) (string, url.Values) {
		t.Helper()
		author, _ := createUser(t, app, tracker.RolePartner, "NES")
		plan, err := app.Store.CurrentPlan(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		c, err := app.Store.CommitmentByRef(t.Context(), plan.ID, "4.1")
		if err != nil {
			t.Fatal(err)
		}
		var base tracker.ReportBase
		base.Version = c.Version
		if open, err := app.Store.OpenUpdate(t.Context(), c.ID, &author); err == nil {
			base.UpdateID, base.UpdateVersion = open.ID, open.Version
		}
		base.Seen, _ = app.Store.SubmissionMark(t.Context(), c.ID)
		u, err := app.Store.SaveReport(t.Context(), tracker.Actor{User: &author}, postgres.ReportWrite{
			CommitmentID: c.ID, Report: tracker.Report{Status: tracker.OnTrack, Narrative: "For review."},
			Base: base, Action: tracker.ActionSubmit,
		})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/review/%d", u.ID)
		if action == "" {
			return path, nil
		}
		return path, url.Values{"action": {action}, "version": {strconv.Itoa(u.Version)},
			"commitment_version": {strconv.Itoa(c.Version)}, "note": {"Please add dates."}}
	}
}

// TestAuthorisationMatrix tries every route in authzRoutes as every kind of visitor.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	for _, rt := range authzRoutes {
		name := rt.Method + " " + rt.Path
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := newApp(t)
			for _, w := range everyone {
				t.Run(string(w), func(t *testing.T) {
					c := visitor(t, app, w)
					path, form := rt.Path, rt.Form
					if rt.Setup != nil {
						path, form = rt.Setup(t, app)
					}
					if form == nil && rt.Method != http.MethodGet {
						form = url.Values{}
					}
					rec := c.do(c.request(rt.Method, path, form))
					allowed := slices.Contains(rt.Allowed, w)
					switch {
					case allowed && (rec.Code == http.StatusForbidden || isSignInRedirect(rec) || rec.Code >= 500):
						t.Errorf("%s %s as %s = %d %s, want it allowed", rt.Method, path, w, rec.Code, rec.Header().Get("Location"))
					case !allowed && (w == anon || w == disabled) && !isSignInRedirect(rec):
						t.Errorf("%s %s as %s = %d, want a redirect to sign in", rt.Method, path, w, rec.Code)
					case !allowed && w != anon && w != disabled && rec.Code != http.StatusForbidden:
						t.Errorf("%s %s as %s = %d, want 403", rt.Method, path, w, rec.Code)
					}
				})
			}
		})
	}
}

// visitor returns a client of the kind, signed in unless anonymous.
func visitor(t *testing.T, app *testApp, w who) *client {
	t.Helper()
	switch w {
	case anon:
		return anonymous(t, app)
	case partnerOther:
		return signIn(t, app, tracker.RolePartner, "CIVTECH")
	case partnerLead:
		return signIn(t, app, tracker.RolePartner, "NES")
	case staff:
		return signIn(t, app, tracker.RoleStaff, "")
	case admin:
		return signIn(t, app, tracker.RoleAdmin, "")
	case disabled:
		c := signIn(t, app, tracker.RoleAdmin, "")
		keeper, _ := createUser(t, app, tracker.RoleAdmin, "")
		if _, err := app.Store.SetDisabled(t.Context(), tracker.Actor{User: &keeper}, c.User.ID, true, 0, ""); err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Fatalf("unknown visitor %q", w)
	return nil
}
