package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// The public pages' ETags move only when something public changes: work in progress (drafts,
// submissions, returns), signing in and out, failed sign-ins and account changes do not show in
// them, and do not empty the cache of public pages. Publishing does.
func TestPublicETagMovesOnlyOnPublish(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	paths := []string{"/", "/commitments/4.2"}
	etags := func() []string {
		t.Helper()
		var tags []string
		for _, p := range paths {
			rec := request(app, p)
			if rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" {
				t.Fatalf("GET %s = %d with ETag %q", p, rec.Code, rec.Header().Get("ETag"))
			}
			tags = append(tags, rec.Header().Get("ETag"))
		}
		return tags
	}
	before := etags()
	unchanged := func(what string) {
		t.Helper()
		for i, tag := range etags() {
			if tag != before[i] {
				t.Errorf("after %s the ETag of %s moved from %s to %s", what, paths[i], before[i], tag)
			}
		}
	}

	partner := signIn(t, app, tracker.RolePartner, "NES")
	unchanged("a partner signed in")
	mustRedirect(t, "draft", partner.post("/report/4.2", with(partner.openForm("4.2"), "action", "draft",
		"status", "at_risk", "narrative", "Not ready to say.")), "/report")
	unchanged("a draft was saved")
	mustRedirect(t, "submit", partner.post("/report/4.2", with(partner.openForm("4.2"), "action", "submit",
		"narrative", "Ready to say.")), "/report")
	unchanged("an update was submitted")

	staff := signIn(t, app, tracker.RoleStaff, "")
	u := openUpdate(t, app, partner, "4.2")
	mustRedirect(t, "return", staff.post(fmt.Sprintf("/review/%d", u.ID),
		with(staff.reviewForm(u.ID, "return"), "note", "Say more.")), "/review")
	unchanged("an update was returned")

	other, _ := createUser(t, app, tracker.RolePartner, "NES")
	if _, err := app.Store.SetDisabled(t.Context(), tracker.Actor{User: &staff.User}, other.ID, true, other.Version, ""); err != nil {
		t.Fatal(err)
	}
	unchanged("accounts were created and disabled")
	anonymous(t, app).post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {"not the password"}})
	unchanged("a sign-in failed")
	staff.post("/sign-out", nil)
	unchanged("staff signed out")

	mustRedirect(t, "resubmit", partner.post("/report/4.2", with(partner.openForm("4.2"), "action", "submit",
		"narrative", "Ready to say more.")), "/report")
	staff = signIn(t, app, tracker.RoleStaff, "")
	u = openUpdate(t, app, partner, "4.2")
	mustRedirect(t, "publish", staff.post(fmt.Sprintf("/review/%d", u.ID), staff.reviewForm(u.ID, "publish")), "/review")
	for i, tag := range etags() {
		if tag == before[i] {
			t.Errorf("after a publish the ETag of %s is still %s", paths[i], tag)
		}
	}
}
