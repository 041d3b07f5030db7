package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Forms sent after a session ended are kept for the account, and put back on the form's page
// once the same account signs in again (internal/server/keptforms.go).

// narrative is a progress narrative as long as one may be.
var narrative = strings.Repeat("Cohort two recruited; ", tracker.MaxNarrative/22) + "done."

// reportOn41 returns the report form on 4.1 as the client's page fills it in, with the narrative
// and status typed, sent with the button that submits it for review.
func reportOn41(t *testing.T, c *client, text string) url.Values {
	t.Helper()
	rec, doc := c.get("/report/4.1")
	mustStatus(t, "GET /report/4.1", rec, http.StatusOK)
	f := formOf(t, doc, `form[action="/report/4.1"]`)
	f.Set("status", "on_track")
	f.Set("narrative", text)
	f.Set("action", "submit")
	return f
}

// sentToSignIn checks that the response sends the visitor to sign in, and returns the page to
// come back to that the sign-in address carries, with the key of what was kept (if any).
func sentToSignIn(t *testing.T, rec interface{ Result() *http.Response }) string {
	t.Helper()
	res := rec.Result()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || err != nil || loc.Path != "/sign-in" {
		t.Fatalf("answer = %d to %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	return loc.Query().Get("next")
}

// keptRows returns the kept forms stored for the user: their paths and form values.
func keptRows(t *testing.T, app *testApp, userID int64) []map[string][]string {
	t.Helper()
	rows, err := app.Pool.Query(t.Context(), `SELECT form_values FROM kept_forms WHERE user_id = $1`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string][]string
	for rows.Next() {
		var v map[string][]string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// notice returns the text of the page's notification that is not good news.
func notice(doc *goquery.Document) string {
	return text(doc.Find(`.ds_notification[aria-label="Important"]`))
}

// changes counts the updates and the entries of the audit log.
func changes(t *testing.T, app *testApp) (updates, audit int) {
	t.Helper()
	err := app.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM updates), (SELECT count(*) FROM audit_log)`).Scan(&updates, &audit)
	if err != nil {
		t.Fatal(err)
	}
	return updates, audit
}

func TestKeptFormAfterIdleTimeout(t *testing.T) {
	t.Parallel()
	app := newApp(t, withConfig(func(c *server.Config) { c.IdleTimeout = 30 * time.Minute }))
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, narrative)

	// The partner types for 31 minutes, then presses Submit for review.
	app.clock.Advance(31 * time.Minute)
	updatesBefore, _ := changes(t, app)
	next := sentToSignIn(t, partner.post("/report/4.1", f))
	page, err := url.Parse(next)
	if err != nil || page.Path != "/report/4.1" || page.Query().Get("kept") == "" {
		t.Fatalf("sign in to come back to %q, want /report/4.1 with the key of what was kept", next)
	}
	kept := keptRows(t, app, partner.User.ID)
	if len(kept) != 1 || kept[0]["narrative"][0] != narrative || kept[0]["status"][0] != "on_track" {
		t.Fatalf("kept forms = %v, want the report with its narrative", kept)
	}
	if strings.Contains(next, narrative[:20]) {
		t.Error("what was typed is in the address")
	}

	// The sign-in page says what happened, and that what was typed is kept.
	rec, doc := partner.get("/sign-in?" + url.Values{"next": {next}}.Encode())
	mustStatus(t, "GET /sign-in", rec, http.StatusOK)
	for _, want := range []string{"signed out", "had not used Delivery Tracker for 30 minutes", "has been kept", "2 hours"} {
		if got := notice(doc); !strings.Contains(got, want) {
			t.Errorf("the sign-in page says %q, want it to say %q", got, want)
		}
	}
	if got := doc.Find(`input[name="next"]`).AttrOr("value", ""); got != next {
		t.Errorf("the sign-in form goes on to %q, want %q", got, next)
	}
	for _, ck := range rec.Result().Cookies() {
		if strings.Contains(ck.Value, "Cohort") {
			t.Errorf("cookie %s holds what was typed", ck.Name)
		}
	}

	// Signing in goes back to the form, with everything typed and nothing saved.
	rec = partner.post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {partner.Password}, "next": {next}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != next {
		t.Fatalf("sign in = %d to %q, want %q", rec.Code, rec.Header().Get("Location"), next)
	}
	rec, doc = partner.get(next)
	mustStatus(t, "GET the form put back", rec, http.StatusOK)
	if got := doc.Find("textarea#narrative").Text(); got != narrative {
		t.Errorf("narrative put back = %d characters, want the %d typed", len(got), len(narrative))
	}
	if doc.Find(`input[name="status"][value="on_track"][checked]`).Length() != 1 {
		t.Error("the status chosen was not put back")
	}
	if got := notice(doc); !strings.Contains(got, "What you typed has been put back. It has not been saved yet") ||
		!strings.Contains(got, "press Submit for review again") {
		t.Errorf("banner over the form = %q", got)
	}
	if doc.Find(".ds_error-summary").Length() != 0 {
		t.Error("the form put back shows errors before it was sent again")
	}
	if updates, _ := changes(t, app); updates != updatesBefore {
		t.Errorf("updates = %d, want %d: putting the form back saved it", updates, updatesBefore)
	}
	if kept := keptRows(t, app, partner.User.ID); len(kept) != 0 {
		t.Errorf("%d kept forms left after putting it back, want none", len(kept))
	}

	// The key works once.
	_, again := partner.get(next)
	if got := again.Find("textarea#narrative").Text(); got != "" {
		t.Error("the key put the form back twice")
	}
	if got := notice(again); !strings.Contains(got, "no longer kept") {
		t.Errorf("the second use of the key says %q", got)
	}

	// Pressing the button again saves it.
	f = formOf(t, doc, `form[action="/report/4.1"]`)
	f.Set("action", "submit")
	rec = partner.post("/report/4.1", f)
	mustStatus(t, "submit the form put back", rec, http.StatusSeeOther)
	if updates, _ := changes(t, app); updates != updatesBefore+1 {
		t.Errorf("updates after submitting = %d, want %d", updates, updatesBefore+1)
	}
}

func TestKeptFormNeverHoldsPasswords(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, "Going well.")
	for _, name := range []string{"password", "new_password", "Password2", "current", "confirm"} {
		f.Set(name, "purple kettle harbour")
	}
	app.clock.Advance(server.DefaultIdleTimeout)
	sentToSignIn(t, partner.post("/report/4.1", f))
	var stored string
	if err := app.Pool.QueryRow(t.Context(), `SELECT form_values::text FROM kept_forms WHERE user_id = $1`, partner.User.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "purple kettle") || strings.Contains(strings.ToLower(stored), "password") {
		t.Errorf("kept form = %s, holds a password", stored)
	}
	if !strings.Contains(stored, "Going well.") {
		t.Errorf("kept form = %s, lacks the narrative", stored)
	}

	// The password form keeps nothing at all: it holds nothing but passwords.
	other := signIn(t, app, tracker.RoleStaff, "")
	app.clock.Advance(server.DefaultIdleTimeout)
	next := sentToSignIn(t, other.post("/account/password", url.Values{"current": {other.Password},
		"password": {"a new password here"}, "confirm": {"a new password here"}}))
	if strings.Contains(next, "kept") {
		t.Errorf("sign in to come back to %q, want nothing kept", next)
	}
	if kept := keptRows(t, app, other.User.ID); len(kept) != 0 {
		t.Errorf("the password form was kept: %v", kept)
	}
}

func TestKeptFormOnlyForItsAccount(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	typist := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, typist, "Typed by the first partner.")
	app.clock.Advance(server.DefaultIdleTimeout)
	next := sentToSignIn(t, typist.post("/report/4.1", f))

	// Another partner of the same organisation signs in on the same browser, with the key.
	colleague, pw := createUser(t, app, tracker.RolePartner, "NES")
	rec := typist.post("/sign-in", url.Values{"email": {colleague.Email}, "password": {pw}, "next": {next}})
	mustStatus(t, "sign in as a colleague", rec, http.StatusSeeOther)
	_, doc := typist.get(rec.Header().Get("Location"))
	if got := doc.Find("textarea#narrative").Text(); got != "" {
		t.Errorf("another account got the form put back: %q", got)
	}
	if got := notice(doc); !strings.Contains(got, "another account") {
		t.Errorf("the other account is told %q", got)
	}
	if kept := keptRows(t, app, typist.User.ID); len(kept) != 0 {
		t.Error("the form is still kept after another account used its key")
	}

	// The key is used up: the partner who typed it, signing in after, does not get it either.
	c := anonymous(t, app)
	rec = c.post("/sign-in", url.Values{"email": {typist.User.Email}, "password": {typist.Password}, "next": {next}})
	mustStatus(t, "sign in as the partner who typed it", rec, http.StatusSeeOther)
	if _, doc := c.get(rec.Header().Get("Location")); doc.Find("textarea#narrative").Text() != "" {
		t.Error("a used key put the form back")
	}
}

func TestKeptFormWhenDisabledThenEnabled(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, "Typed before the account was disabled.")
	if _, err := app.Store.SetDisabled(t.Context(), admin.actor(), partner.User.ID, true, 0, "Checking access"); err != nil {
		t.Fatal(err)
	}
	next := sentToSignIn(t, partner.post("/report/4.1", f))
	_, doc := partner.get("/sign-in?" + url.Values{"next": {next}}.Encode())
	for _, want := range []string{"your account has been disabled", "has been kept for 2 hours", "If your account is enabled again", "contact an administrator"} {
		if got := notice(doc); !strings.Contains(got, want) {
			t.Errorf("a partner disabled mid-form is told %q, want it to say %q", got, want)
		}
	}
	if rec := partner.post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {partner.Password}, "next": {next}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("sign in while disabled = %d, want 401", rec.Code)
	}
	if _, err := app.Store.SetDisabled(t.Context(), admin.actor(), partner.User.ID, false, 0, ""); err != nil {
		t.Fatal(err)
	}
	rec := partner.post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {partner.Password}, "next": {next}})
	mustStatus(t, "sign in once enabled", rec, http.StatusSeeOther)
	_, doc = partner.get(rec.Header().Get("Location"))
	if got := doc.Find("textarea#narrative").Text(); got != "Typed before the account was disabled." {
		t.Errorf("narrative put back = %q", got)
	}
}

func TestKeptFormWhenSignedOutElsewhere(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, "Typed on the laptop.")
	// On another device, the partner changes their password, which signs them out everywhere else.
	phone := anonymous(t, app)
	phone.signInAs(partner.User.Email, partner.Password)
	rec := phone.post("/account/password", url.Values{"current": {partner.Password}, "password": {"orange lantern meadow"}, "confirm": {"orange lantern meadow"}})
	mustStatus(t, "change the password on the phone", rec, http.StatusSeeOther)

	next := sentToSignIn(t, partner.post("/report/4.1", f))
	_, doc := partner.get("/sign-in?" + url.Values{"next": {next}}.Encode())
	if got := notice(doc); !strings.Contains(got, "signed out everywhere") || !strings.Contains(got, "has been kept") {
		t.Errorf("the laptop is told %q", got)
	}
	rec = partner.post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {"orange lantern meadow"}, "next": {next}})
	mustStatus(t, "sign in with the new password", rec, http.StatusSeeOther)
	if _, doc := partner.get(rec.Header().Get("Location")); doc.Find("textarea#narrative").Text() != "Typed on the laptop." {
		t.Error("the form was not put back")
	}
}

func TestKeptFormExpires(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, "Typed, then left for the day.")
	app.clock.Advance(server.DefaultIdleTimeout)
	next := sentToSignIn(t, partner.post("/report/4.1", f))
	app.clock.Advance(tracker.KeptFormTTL)
	rec := partner.post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {partner.Password}, "next": {next}})
	mustStatus(t, "sign in", rec, http.StatusSeeOther)
	_, doc := partner.get(rec.Header().Get("Location"))
	if doc.Find("textarea#narrative").Text() != "" {
		t.Error("an expired form was put back")
	}
	if got := notice(doc); !strings.Contains(got, "no longer kept") {
		t.Errorf("the partner is told %q", got)
	}

	// Housekeeping deletes forms once they expire, and no sooner.
	other := signIn(t, app, tracker.RolePartner, "NES")
	f = reportOn41(t, other, "Typed by someone else.")
	app.clock.Advance(server.DefaultIdleTimeout)
	sentToSignIn(t, other.post("/report/4.1", f))
	app.clock.Advance(tracker.KeptFormTTL - time.Second)
	if n, err := app.Store.DeleteExpiredKeptForms(t.Context()); err != nil || n != 0 {
		t.Errorf("deleted %d, %v before the form expired, want 0", n, err)
	}
	app.clock.Advance(time.Second)
	if n, err := app.Store.DeleteExpiredKeptForms(t.Context()); err != nil || n != 1 {
		t.Errorf("deleted %d, %v once the form expired, want 1", n, err)
	}
}

// TestKeptFormPuttingBackSavesNothing puts back a form of every kind staff fill in, after their
// session ended, and checks that each comes back with what was typed and that nothing was saved.
func TestKeptFormPuttingBackSavesNothing(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staff := signIn(t, app, tracker.RoleAdmin, "")
	plan, err := app.Store.PlanBySlug(t.Context(), "2023-24")
	if err != nil {
		t.Fatal(err)
	}
	c41 := strconv.FormatInt(commitmentID(t, app, "2023-24", "4.1"), 10)
	p4, _ := app.Store.PriorityBySlug(t.Context(), plan.ID, "digital-skills-and-leadership")
	tests := []struct {
		page     string // the form's page
		form     string // its form
		field    string // a field to type into, and where the page shows it
		shown    string
		typed    string
		notSaved func() bool
	}{
		{"/admin/plans/2023-24/edit", "main form", "title", "#title", "Care in the Digital Age, revised", func() bool {
			p, _ := app.Store.PlanBySlug(t.Context(), "2023-24")
			return p.Title != "Care in the Digital Age, revised"
		}},
		{"/admin/commitments/" + c41 + "/change/what", `form[action$="/change/what"]`, "deliver", "#deliver", "An MSc for 60 people a year.", func() bool {
			c, _ := app.Store.CommitmentForEdit(t.Context(), commitmentID(t, app, "2023-24", "4.1"))
			return c.Deliver != "An MSc for 60 people a year."
		}},
		{"/admin/priorities/" + strconv.FormatInt(p4.ID, 10) + "/edit", "main form", "name", "#name", "Skills and leadership", func() bool {
			p, _ := app.Store.PriorityBySlug(t.Context(), plan.ID, "digital-skills-and-leadership")
			return p.Name != "Skills and leadership"
		}},
		{"/admin/organisations/new", "main form", "name", "#name", "Kept Forms Trust", func() bool {
			_, err := app.Store.OrganisationByCode(t.Context(), "KEPTORG")
			return err != nil
		}},
		{"/admin/commitments/" + c41 + "/retire", "main form", "reason", "#reason", "Delivered under another commitment.", func() bool {
			_, err := app.Store.CommitmentByRef(t.Context(), plan.ID, "4.1")
			return err == nil
		}},
		{"/admin/users/new", "main form", "name", "#name", "Kim Reid", func() bool {
			_, err := app.Store.UserByEmail(t.Context(), "kim.reid@gov.scot")
			return err != nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			c := anonymous(t, app)
			c.signInAs(staff.User.Email, staff.Password)
			rec, doc := c.get(tt.page)
			mustStatus(t, "GET "+tt.page, rec, http.StatusOK)
			f := formOf(t, doc, tt.form)
			f.Set(tt.field, tt.typed)
			if tt.page == "/admin/organisations/new" {
				f.Set("code", "KEPTORG")
			}
			if tt.page == "/admin/users/new" {
				f.Set("email", "kim.reid@gov.scot")
				f.Set("role", "staff")
			}
			action := doc.Find(tt.form).AttrOr("action", tt.page)
			app.clock.Advance(server.DefaultIdleTimeout)
			_, auditBefore := changes(t, app)
			next := sentToSignIn(t, c.post(action, f))
			if !strings.Contains(next, "kept=") {
				t.Fatalf("sign in to come back to %q, want the key of what was kept", next)
			}
			rec = c.post("/sign-in", url.Values{"email": {staff.User.Email}, "password": {staff.Password}, "next": {next}})
			mustStatus(t, "sign in again", rec, http.StatusSeeOther)
			rec, doc = c.get(rec.Header().Get("Location"))
			mustStatus(t, "GET the form put back", rec, http.StatusOK)
			got := doc.Find(tt.shown).AttrOr("value", "")
			if goquery.NodeName(doc.Find(tt.shown)) == "textarea" {
				got = doc.Find(tt.shown).Text()
			}
			if got != tt.typed {
				t.Errorf("%s put back = %q, want %q", tt.field, got, tt.typed)
			}
			if !strings.Contains(notice(doc), "has been put back") {
				t.Errorf("banner = %q", notice(doc))
			}
			if !tt.notSaved() {
				t.Error("putting the form back saved it")
			}
			// The audit log has the sign-in and nothing else.
			if _, audit := changes(t, app); audit != auditBefore+1 {
				t.Errorf("audit entries = %d, want %d (the sign-in alone)", audit, auditBefore+1)
			}
		})
	}
}

// TestReadOnlyRefusesWrites checks the guard under putting forms back: in a context from
// postgres.ReadOnly the store refuses every change, so a form's handler that forgot it was putting
// a form back could still not save it.
func TestReadOnlyRefusesWrites(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staff, _ := createUser(t, app, tracker.RoleStaff, "")
	plan, err := app.Store.PlanBySlug(t.Context(), "2023-24")
	if err != nil {
		t.Fatal(err)
	}
	plan.Title = "Changed"
	if _, err := app.Store.UpdatePlan(postgres.ReadOnly(t.Context()), tracker.Actor{User: &staff}, plan); err == nil {
		t.Fatal("a change went through in a read-only context")
	}
	if p, _ := app.Store.PlanBySlug(t.Context(), "2023-24"); p.Title == "Changed" {
		t.Error("the plan changed")
	}
}

// TestKeptReturnNote puts back the note of a reviewer whose session ended as they returned an
// update: the note comes back, and the update is still waiting for review.
func TestKeptReturnNote(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	reviewer := signIn(t, app, tracker.RoleStaff, "")
	path, f := reviewSetup("return")(t, app)
	mustStatus(t, "GET "+path, reviewer.do(reviewer.request(http.MethodGet, path, nil)), http.StatusOK)
	f.Set("note", "Say how many of the 50 places were filled, and when the second cohort starts.")
	app.clock.Advance(server.DefaultIdleTimeout)
	next := sentToSignIn(t, reviewer.post(path, f))
	rec := reviewer.post("/sign-in", url.Values{"email": {reviewer.User.Email}, "password": {reviewer.Password}, "next": {next}})
	mustStatus(t, "sign in again", rec, http.StatusSeeOther)
	rec, doc := reviewer.get(rec.Header().Get("Location"))
	mustStatus(t, "GET the review put back", rec, http.StatusOK)
	if got := doc.Find("textarea#note").Text(); got != f.Get("note") {
		t.Errorf("note put back = %q", got)
	}
	if got := notice(doc); !strings.Contains(got, "press Return to partner again") {
		t.Errorf("banner = %q", got)
	}
	var state string
	id := strings.TrimPrefix(path, "/review/")
	if err := app.Pool.QueryRow(t.Context(), `SELECT state FROM updates WHERE id = $1`, id).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != "submitted" {
		t.Errorf("the update is %s after putting the note back, want still submitted", state)
	}
}
