package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestCoverageStates: a round's coverage shows each commitment's state in the round (nothing
// yet, draft, returned, submitted, published), each update it shows linking to it, and counts only
// what happened in the round.
func TestCoverageStates(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	plan := mustPlan(t, app)
	round, err := app.Store.CreateRound(t.Context(), tracker.Actor{Label: "test"}, tracker.Round{PlanID: plan.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	roundPath := "/admin/rounds/" + strconv.FormatInt(round.ID, 10)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	states := func() (map[string]string, map[string]string) {
		t.Helper()
		rec, doc := staffer.get(roundPath)
		mustStatus(t, "GET "+roundPath, rec, http.StatusOK)
		got, links := map[string]string{}, map[string]string{}
		doc.Find(".app-coverage-commitment").Each(func(_ int, r *goquery.Selection) {
			ref := r.AttrOr("data-ref", "")
			got[ref] = text(r.Find(".ds_tag"))
			if a := r.Find("a.app-coverage-update"); a.Length() > 0 {
				links[ref] = a.AttrOr("href", "") + " " + text(a)
			} else {
				links[ref] = text(r.Find(".app-coverage-update"))
			}
		})
		return got, links
	}
	got, _ := states()
	for _, ref := range []string{"4.1", "4.3", "4.4", "4.5"} {
		if got[ref] != "Nothing yet" {
			t.Errorf("before any update, %s is %q, want Nothing yet (all: %v)", ref, got[ref], got)
		}
	}

	add := func(ref, org, state, at string, published string) int64 {
		t.Helper()
		c, err := app.Store.CommitmentByRef(t.Context(), plan.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := app.Pool.QueryRow(t.Context(), `INSERT INTO updates (commitment_id, state, status, narrative, organisation_id,
				updated_at, submitted_at, returned_at, published_at)
			VALUES ($1, $2, 'on_track', 'Work goes on', $3, $4::timestamptz,
				CASE WHEN $2 IN ('submitted', 'returned', 'published') THEN $4::timestamptz END,
				CASE WHEN $2 = 'returned' THEN $4::timestamptz END, nullif($5, '')::timestamptz)
			RETURNING id`, c.ID, state, orgID(t, app, org), at, published).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	add("4.1", "NES", "draft", "2026-11-02 10:00Z", "")
	add("4.1", "CIVTECH", "published", "2026-09-20 10:00Z", "2026-09-21 10:00Z") // before the round: does not count
	submitted := add("4.3", "NES", "submitted", "2026-10-05 10:00Z", "")
	add("4.3", "LGDO", "returned", "2026-11-01 10:00Z", "")
	returned := add("4.4", "NES", "returned", "2026-11-10 10:00Z", "")
	published := add("4.5", "CSO", "published", "2026-10-20 10:00Z", "2026-10-21 10:00Z")

	got, links := states()
	want := map[string]string{"4.1": "Draft", "4.3": "Submitted", "4.4": "Returned", "4.5": "Published"}
	wantLinks := map[string]string{
		"4.1": "NHS Education for Scotland, 2 November 2026",
		"4.3": "/review/" + strconv.FormatInt(submitted, 10) + " NHS Education for Scotland, 5 October 2026, commitment 4.3",
		"4.4": "/review/" + strconv.FormatInt(returned, 10) + " NHS Education for Scotland, 10 November 2026, commitment 4.4",
		"4.5": "/review/" + strconv.FormatInt(published, 10) + " Chief Scientist Office, 21 October 2026, commitment 4.5",
	}
	for ref, w := range want {
		if got[ref] != w {
			t.Errorf("%s is %q in the round, want %q", ref, got[ref], w)
		}
		if links[ref] != wantLinks[ref] {
			t.Errorf("%s shows %q, want %q", ref, links[ref], wantLinks[ref])
		}
	}
	_, doc := staffer.get(roundPath)
	if got := text(doc.Find(".app-round-reported")); got != "2 of 4 commitments" {
		t.Errorf("reported = %q, want 2 of 4 (submitted 4.3 and published 4.5)", got)
	}
	// Each link opens the update.
	for _, id := range []int64{submitted, returned, published} {
		if rec, _ := staffer.get("/review/" + strconv.FormatInt(id, 10)); rec.Code != http.StatusOK {
			t.Errorf("GET /review/%d = %d", id, rec.Code)
		}
	}
}

// TestCoverageWarnsNoOneToRemind: each organisation's row says who its reminders go to: its
// active partners, its contact address, or no one, which is warned about with a link that starts
// an invitation for it. Staff give the contact address on the organisation's page, checked and
// audited.
func TestCoverageWarnsNoOneToRemind(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	plan := mustPlan(t, app)
	round, err := app.Store.CreateRound(t.Context(), tracker.Actor{Label: "test"}, tracker.Round{PlanID: plan.ID, Name: "Q3 2026-27",
		Opens: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	roundPath := "/admin/rounds/" + strconv.FormatInt(round.ID, 10)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	admin := signIn(t, app, tracker.RoleAdmin, "")
	staffer := signIn(t, app, tracker.RoleStaff, "")

	// The contact address for CSO, wrong first.
	editPath := "/admin/organisations/" + orgID(t, app, "CSO") + "/edit"
	_, doc := staffer.get(editPath)
	f := formOf(t, doc, "main form")
	f.Set("contact_email", "digital at cso")
	rec, doc := staffer.postDoc(editPath, f)
	mustStatus(t, "a contact address that is not one", rec, http.StatusUnprocessableEntity)
	if got := text(doc.Find("#error-message-contact_email")); !strings.Contains(got, "Enter an email address in the correct format") {
		t.Errorf("contact address error = %q", got)
	}
	if got := doc.Find("#contact_email").AttrOr("value", ""); got != "digital at cso" {
		t.Errorf("what was typed came back as %q", got)
	}
	f.Set("contact_email", " digital@CSO.example ")
	mustStatus(t, "save a contact address", staffer.post(editPath, f), http.StatusSeeOther)
	var after string
	if err := app.Pool.QueryRow(t.Context(), `SELECT details->'after'->>'contact_email' FROM audit_log
		WHERE record_type = 'organisation' AND record_id = $1 AND action = 'organisation.update' ORDER BY id DESC LIMIT 1`,
		orgID(t, app, "CSO")).Scan(&after); err != nil || after != "digital@cso.example" {
		t.Errorf("audited contact address = %q (%v), want digital@cso.example", after, err)
	}

	rows := func(c *client) map[string]*goquery.Selection {
		t.Helper()
		rec, doc := c.get(roundPath)
		mustStatus(t, "GET "+roundPath, rec, http.StatusOK)
		out := map[string]*goquery.Selection{}
		doc.Find(".app-coverage-organisation").Each(func(_ int, r *goquery.Selection) {
			out[r.AttrOr("data-org", "")] = r.Find(".app-coverage-reminded")
		})
		if n := doc.Find(".app-coverage-warning").Length(); n != 1 {
			t.Errorf("%d warnings above the organisations, want 1", n)
		}
		return out
	}
	byOrg := rows(admin)
	if got := text(byOrg["NES"]); got != partner.User.Name {
		t.Errorf("NES reminds %q, want its partner %q", got, partner.User.Name)
	}
	if got := text(byOrg["CSO"]); !strings.HasPrefix(got, "digital@cso.example") {
		t.Errorf("CSO reminds %q, want its contact address", got)
	}
	for _, code := range []string{"LGDO", "CIVTECH"} {
		cell := byOrg[code]
		if cell == nil {
			continue
		}
		if !strings.Contains(text(cell), "No one to remind") {
			t.Errorf("%s reminds %q, want the warning", code, text(cell))
		}
		invite := cell.Find(`a[href^="/admin/users/new"]`).AttrOr("href", "")
		if invite != "/admin/users/new?org="+code {
			t.Errorf("%s's invitation link = %q", code, invite)
		}
	}
	if byOrg["LGDO"] == nil {
		t.Fatalf("LGDO has no row: %v", byOrg)
	}
	// The link starts an invitation of a partner of LGDO.
	rec, doc = admin.get("/admin/users/new?org=LGDO")
	mustStatus(t, "GET the invitation form for LGDO", rec, http.StatusOK)
	if got := doc.Find(`input[name="role"][checked]`).AttrOr("value", ""); got != "partner" {
		t.Errorf("role chosen = %q, want partner", got)
	}
	if got := doc.Find(`#organisation option[selected]`).AttrOr("value", ""); got != "LGDO" {
		t.Errorf("organisation chosen = %q, want LGDO", got)
	}
	// Staff, who cannot invite, are offered the contact address instead.
	cell := rows(staffer)["LGDO"]
	if cell.Find(`a[href^="/admin/users/new"]`).Length() != 0 || !strings.Contains(text(cell), "Ask an administrator") {
		t.Errorf("for staff, LGDO's row says %q", text(cell))
	}
	if got := cell.Find("a").AttrOr("href", ""); got != "/admin/organisations/"+orgID(t, app, "LGDO")+"/edit" {
		t.Errorf("for staff, the link is %q, want the organisation's page", got)
	}
}
