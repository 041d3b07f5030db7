package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestKeptFormAfterAnotherPageEndedTheSession checks that a session ended by an earlier request,
// such as a page opened in another tab or the idle warning's button pressed too late, still keeps
// the form sent from one of its pages later; and that signing out of what is left of it does not.
func TestKeptFormAfterAnotherPageEndedTheSession(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, "Typed in the first tab.")
	app.clock.Advance(server.DefaultIdleTimeout)

	// Another tab opens the list of commitments: the session ends there, and says so.
	rec, _ := partner.get("/report")
	sentToSignIn(t, rec)
	// The keep-alive that the idle warning sends is refused too.
	if rec := partner.post("/account/keep-alive", nil); rec.Code == http.StatusNoContent {
		t.Fatal("an ended session was kept alive")
	}
	// The first tab's form is still kept for the partner.
	next := sentToSignIn(t, partner.post("/report/4.1", f))
	if !strings.Contains(next, "kept=") {
		t.Fatalf("sign in to come back to %q, want the key of what was kept", next)
	}
	if kept := keptRows(t, app, partner.User.ID); len(kept) != 1 {
		t.Fatalf("%d forms kept, want 1", len(kept))
	}
	// What is left of the session signs nobody in.
	if rec, _ := partner.get("/account"); !isSignInRedirect(rec) {
		t.Errorf("GET /account with an ended session = %d, want a redirect to sign in", rec.Code)
	}

	// Signing out of it leaves nothing to keep forms by.
	mustStatus(t, "sign out", partner.post("/sign-out", nil), http.StatusSeeOther)
	next = sentToSignIn(t, partner.post("/report/4.1", f))
	if strings.Contains(next, "kept=") || next != "/report/4.1" {
		t.Errorf("after signing out, sign in to come back to %q, want /report/4.1 with nothing kept", next)
	}
	if kept := keptRows(t, app, partner.User.ID); len(kept) != 1 {
		t.Errorf("%d forms kept, want still 1", len(kept))
	}
}

func TestKeepAlive(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	f := reportOn41(t, partner, "Typed slowly.")
	// Twenty minutes in, the partner answers the warning; twenty minutes later the form is
	// sent, forty minutes after the page was opened but twenty after the session was last used.
	app.clock.Advance(server.DefaultIdleTimeout * 2 / 3)
	mustStatus(t, "keep alive", partner.post("/account/keep-alive", nil), http.StatusNoContent)
	app.clock.Advance(server.DefaultIdleTimeout * 2 / 3)
	mustStatus(t, "submit", partner.post("/report/4.1", f), http.StatusSeeOther)

	// Pages with a form for signed-in users tell the browser the session's times; public pages
	// for visitors do not.
	_, doc := partner.get("/report/4.1")
	body := doc.Find("body")
	if body.AttrOr("data-session-idle", "") != "1800" || body.AttrOr("data-session-warn", "") != "300" ||
		body.AttrOr("data-keep-alive", "") != "/account/keep-alive" {
		t.Errorf("body attributes idle %q, warn %q, keep-alive %q", body.AttrOr("data-session-idle", ""),
			body.AttrOr("data-session-warn", ""), body.AttrOr("data-keep-alive", ""))
	}
	if _, doc := anonymous(t, app).get("/"); doc.Find("body[data-session-idle]").Length() != 0 {
		t.Error("a visitor's page carries session times")
	}
}

func TestKeptFormsPerAccountAreBounded(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, _ := createUser(t, app, tracker.RolePartner, "NES")
	for i := range tracker.MaxKeptForms + 1 {
		key := strings.Repeat(string("0123456789abcdef"[i%16]), 63) + string("0123456789abcdef"[i/16])
		if _, err := app.Store.KeepForm(t.Context(), key, tracker.KeptForm{UserID: u.ID, Path: "/report/4.1",
			Values: url.Values{"narrative": {string(rune('a' + i))}}, Reason: tracker.SessionIdle}); err != nil {
			t.Fatal(err)
		}
	}
	kept := keptRows(t, app, u.ID)
	if len(kept) != tracker.MaxKeptForms {
		t.Fatalf("%d forms kept, want %d", len(kept), tracker.MaxKeptForms)
	}
	for _, v := range kept {
		if v["narrative"][0] == "a" {
			t.Error("the oldest form was kept, not the newest")
		}
	}
}
