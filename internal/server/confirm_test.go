package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestSignInGoesWhereYouWereGoing(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	tests := []struct {
		role tracker.Role
		org  string
		home string
	}{
		{tracker.RolePartner, "NES", "/report"},
		{tracker.RoleStaff, "", "/review"},
		{tracker.RoleAdmin, "", "/review"},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			u, pw := createUser(t, app, tt.role, tt.org)
			c := anonymous(t, app)
			rec := c.post("/sign-in", url.Values{"email": {u.Email}, "password": {pw}})
			if got := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || got != tt.home {
				t.Errorf("sign in = %d to %q, want %q", rec.Code, got, tt.home)
			}
			// Signed in already, the sign-in page goes home too.
			if rec, _ := c.get("/sign-in"); rec.Header().Get("Location") != tt.home {
				t.Errorf("GET /sign-in signed in goes to %q, want %q", rec.Header().Get("Location"), tt.home)
			}
			// A page that asked for sign-in is where it goes back to.
			c = anonymous(t, app)
			rec, _ = c.get("/account")
			next := sentToSignIn(t, rec)
			if next != "/account" {
				t.Errorf("GET /account signed out asks to come back to %q", next)
			}
			rec = c.post("/sign-in", url.Values{"email": {u.Email}, "password": {pw}, "next": {next}})
			if got := rec.Header().Get("Location"); got != "/account" {
				t.Errorf("sign in from /account goes to %q", got)
			}
		})
	}
}

func TestConfirmationsKeepTheirReason(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	target, _ := createUser(t, app, tracker.RoleStaff, "")
	if _, err := app.Store.CreatePlan(t.Context(), admin.actor(), postgres.NewPlan{
		Plan: tracker.Plan{Slug: "2024-25", Title: "Delivery Plan 2024-25", Period: "2024-25"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		page, action, recordType, reason string
	}{
		{"/admin/users/" + strconv.FormatInt(target.ID, 10) + "/disable", "user.disable", "user", "Left the directorate."},
		{"/admin/plans/2024-25/make-current", "plan.make_current", "plan", "The 2024-25 plan was published today."},
		{"/admin/commitments/" + strconv.FormatInt(commitmentID(t, app, "2023-24", "4.5"), 10) + "/retire", "commitment.retire", "commitment", "Delivered under 4.4."},
	}
	for _, tt := range tests {
		rec, doc := admin.get(tt.page)
		mustStatus(t, "GET "+tt.page, rec, http.StatusOK)
		if doc.Find(`textarea[name="reason"]`).Length() != 1 || doc.Find(".ds_warning-text, main > p").Length() == 0 {
			t.Errorf("%s does not ask for a reason and say what happens", tt.page)
		}
		f := formOf(t, doc, "main form")
		rec, doc = admin.postDoc(tt.page, f)
		mustStatus(t, tt.page+" without a reason", rec, http.StatusUnprocessableEntity)
		if got := text(doc.Find(".ds_error-summary")); !strings.Contains(got, "Enter the reason") {
			t.Errorf("%s without a reason: errors %q", tt.page, got)
		}
		f.Set("reason", strings.Repeat("x", tracker.MaxActionReason+1))
		rec, doc = admin.postDoc(tt.page, f)
		mustStatus(t, tt.page+" with too long a reason", rec, http.StatusUnprocessableEntity)
		if got := doc.Find("textarea#reason").Text(); len(got) != tracker.MaxActionReason+1 {
			t.Errorf("%s lost the reason typed: %d characters", tt.page, len(got))
		}
		f.Set("reason", "  "+tt.reason+"\r\n")
		mustStatus(t, tt.page, admin.post(tt.page, f), http.StatusSeeOther)
		page, err := app.Store.AuditLog(t.Context(), postgres.AuditFilter{RecordType: tt.recordType, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		entries := page.Entries
		var details map[string]any
		if len(entries) == 0 || json.Unmarshal(entries[0].Details, &details) != nil {
			t.Fatalf("%s: no audit entry", tt.page)
		}
		if entries[0].Action != tt.action || details["reason"] != tt.reason {
			t.Errorf("%s: audit entry %s with %s, want %s with the reason %q", tt.page, entries[0].Action, entries[0].Details, tt.action, tt.reason)
		}
	}
}
