package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// longNarrative is a progress narrative of the longest kind a partner may write.
var longNarrative = strings.TrimSpace(strings.Repeat("The second cohort of the MSc started in January with 48 of the 50 places filled. ", 60))

// TestSessionEndsMidForm has a partner type a long narrative while their
// session ends (the portal's clock moves past the idle timeout), then press
// Submit for review: they are asked to sign in, and told why and that what
// they typed is kept. Signing in brings them back to the form with everything
// they typed, not yet submitted; they submit it.
func TestSessionEndsMidForm(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			partner := srv.CreateUser(t, tracker.RolePartner, "NES")
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/")
			tab.SignIn(partner.Email, partner.Password)
			checkPath(t, tab, "/report")
			tab.ClickLink("Report progress on commitment 4.1")
			tab.Choose("On track")
			tab.Fill("Progress", longNarrative)

			srv.Clock.Advance(server.DefaultIdleTimeout + time.Minute)
			if got := tab.ClickButton("Submit for review"); got != 200 {
				t.Fatalf("submit after the session ended: status %d, want 200 (the sign-in page)", got)
			}
			if path := tab.Path(); !strings.HasPrefix(path, "/sign-in?next=") {
				t.Fatalf("the browser is on %s, want the sign-in page coming back to the form", path)
			}
			got := tab.Notification()
			for _, want := range []string{"you had not used Delivery Tracker for 30 minutes", "has not been saved yet", "has been kept"} {
				if !strings.Contains(got, want) {
					t.Errorf("the sign-in page says %q, want it to say %q", got, want)
				}
			}
			tab.CheckPage("sign-in after the session ended in the middle of a form")
			mode.screenshots(tab, "sign-in-form-kept")

			tab.Fill("Email address", partner.Email)
			tab.Fill("Password", partner.Password)
			if got := tab.ClickButton("Sign in"); got != 200 {
				t.Fatalf("sign in again: status %d, want 200", got)
			}
			if path := tab.Path(); !strings.HasPrefix(path, "/report/4.1?kept=") {
				t.Fatalf("after signing in the browser is on %s, want the form", path)
			}
			if got := tab.Value("Progress"); got != longNarrative {
				t.Errorf("the progress put back has %d characters, want the %d typed", len(got), len(longNarrative))
			}
			if got := tab.Notification(); !strings.Contains(got, "What you typed has been put back. It has not been saved yet") ||
				!strings.Contains(got, "press Submit for review again") {
				t.Errorf("the form put back says %q", got)
			}
			if _, n, err := srv.Store.ReviewQueue(t.Context(), 10); err != nil || n != 0 {
				t.Errorf("updates waiting for review before submitting again: %d, %v; want none", n, err)
			}
			tab.CheckPage("report form put back after signing in again")
			mode.screenshots(tab, "report-form-put-back")

			if got := tab.ClickButton("Submit for review"); got != 200 {
				t.Fatalf("submit again: status %d, want 200 (errors %q)", got, tab.ErrorSummary())
			}
			if got := tab.Notification(); !strings.Contains(got, "has been submitted for review") {
				t.Errorf("after submitting, the banner says %q", got)
			}
			queue, _, err := srv.Store.ReviewQueue(t.Context(), 10)
			if err != nil || len(queue) != 1 || queue[0].Narrative != longNarrative {
				t.Errorf("the review queue holds %d updates (%v), want the one with the narrative typed", len(queue), err)
			}
		})
	}
}

// TestIdleWarning has the portal warn at once that the session will end (the
// warning's lead is as long as the idle timeout), with JavaScript: the
// warning takes the focus, and Stay signed in keeps the session going, so that
// a form sent later than the idle timeout after the page opened is saved. Then
// the partner waits too long: Stay signed in says they have been signed out,
// and the form they send is kept and put back once they sign in again.
func TestIdleWarning(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t, func(c *server.Config) {
		c.IdleTimeout, c.IdleWarning = 30*time.Minute, 30*time.Minute
	})
	partner := srv.CreateUser(t, tracker.RolePartner, "NES")
	tab := browsertest.NewTab(t, srv.URL)

	tab.Open("/")
	tab.SignIn(partner.Email, partner.Password)
	if tab.Count("#session-warning") != 0 {
		t.Error("a page with no form to send warns that the session will end")
	}
	tab.ClickLink("Report progress on commitment 4.1")
	tab.WaitVisible("#session-warning")
	if got := tab.Text("#session-warning"); !strings.Contains(got, "You will be signed out soon") {
		t.Errorf("the warning says %q", got)
	}
	if f := tab.Focused(); f.ID != "session-warning" {
		t.Errorf("the focus is on %s, want the warning", f)
	}
	if tab.Count(`#session-warning[role="alertdialog"][aria-labelledby="session-warning-title"][aria-describedby="session-warning-text"]`) != 1 {
		t.Error("the warning is not an alert dialog named by its heading")
	}
	tab.CheckPage("report form with the warning that the session will end")
	tab.Screenshots("session-warning")

	tab.Choose("At risk")
	tab.Fill("Progress", "Recruitment for the second cohort is behind.")
	srv.Clock.Advance(20 * time.Minute)
	tab.PressButton("Stay signed in")
	clocktest.WaitFor(t, "the page to say the session was kept going", 10*time.Second, func() bool {
		return strings.Contains(strings.Join(tab.Texts(`#main-content [role="status"]`), " "), "You are still signed in.")
	})
	// Forty minutes after the page opened, twenty after staying signed in.
	srv.Clock.Advance(20 * time.Minute)
	if got := tab.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("submit after staying signed in: status %d, want 200", got)
	}
	checkPath(t, tab, "/report")
	if got := tab.Notification(); !strings.Contains(got, "has been submitted for review") {
		t.Errorf("after submitting, the banner says %q", got)
	}

	// Too late: the session has ended when the partner answers the warning.
	const typed = "The pilot board has signed up; two more are in discussion."
	tab.ClickLink("Report progress on commitment 4.2")
	tab.WaitVisible("#session-warning")
	tab.Choose("On track")
	tab.Fill("Progress", typed)
	srv.Clock.Advance(31 * time.Minute)
	tab.PressButton("Stay signed in")
	clocktest.WaitFor(t, "the warning to say the session has ended", 10*time.Second, func() bool {
		return strings.Contains(strings.Join(tab.Texts("#session-warning"), " "), "You have been signed out")
	})
	if tab.Count("#session-warning button") != 0 {
		t.Error("the warning still offers to stay signed in once the session has ended")
	}
	tab.CheckPage("report form once the session has ended")
	if got := tab.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("submit after the session ended: status %d, want 200 (the sign-in page)", got)
	}
	if got := tab.Notification(); !strings.Contains(got, "has been kept") {
		t.Errorf("the sign-in page says %q", got)
	}
	tab.Fill("Email address", partner.Email)
	tab.Fill("Password", partner.Password)
	if got := tab.ClickButton("Sign in"); got != 200 {
		t.Fatalf("sign in again: status %d, want 200", got)
	}
	if got := tab.Value("Progress"); got != typed {
		t.Errorf("the progress put back is %q, want %q", got, typed)
	}
}

// TestDisabledMidForm has an administrator disable a partner's account,
// confirming why, while the partner is typing an update. When the partner
// presses Submit for review they are told that their account was disabled and
// that what they typed is kept; once the account is enabled again, signing in
// brings it back.
func TestDisabledMidForm(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	admin := srv.CreateUser(t, tracker.RoleAdmin, "")
	partner := srv.CreateUser(t, tracker.RolePartner, "NES")
	const typed = "Typed while an administrator disabled the account."
	const reason = "Checking who has access before the new plan."

	p := browsertest.NewTab(t, srv.URL)
	p.Open("/")
	p.SignIn(partner.Email, partner.Password)
	p.ClickLink("Report progress on commitment 4.1")
	p.Choose("At risk")
	p.Fill("Progress", typed)

	a := browsertest.NewTab(t, srv.URL)
	a.Open("/")
	a.SignIn(admin.Email, admin.Password)
	a.ClickLink("Users")
	a.ClickLink(partner.Name)
	a.ClickLink("Disable account")
	checkHeading(t, a, "Disable "+partner.Name+"’s account")
	a.CheckPage("confirm disabling an account")
	a.Screenshots("admin-disable-user")
	if got := a.ClickButton("Disable account"); got != 422 {
		t.Fatalf("disable without a reason: status %d, want 422", got)
	}
	a.CheckFormErrors("disable without a reason", "Enter the reason: it is kept in the audit log")
	a.Fill("Reason", reason)
	if got := a.ClickButton("Disable account"); got != 200 {
		t.Fatalf("disable the account: status %d, want 200", got)
	}
	if got := a.Notification(); !strings.Contains(got, "account is disabled") {
		t.Errorf("after disabling, the banner says %q", got)
	}

	if got := p.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("submit once disabled: status %d, want 200 (the sign-in page)", got)
	}
	got := p.Notification()
	for _, want := range []string{"your account has been disabled", "kept for 2 hours", "If your account is enabled again", "contact an administrator"} {
		if !strings.Contains(got, want) {
			t.Errorf("the disabled partner is told %q, want it to say %q", got, want)
		}
	}
	p.CheckPage("sign-in page once the account was disabled mid-form")

	if got := a.ClickButton("Enable account"); got != 200 {
		t.Fatalf("enable the account: status %d, want 200", got)
	}
	p.Fill("Email address", partner.Email)
	p.Fill("Password", partner.Password)
	if got := p.ClickButton("Sign in"); got != 200 {
		t.Fatalf("sign in once enabled: status %d, want 200", got)
	}
	if got := p.Value("Progress"); got != typed {
		t.Errorf("the progress put back is %q, want %q", got, typed)
	}
	if got := p.ClickButton("Submit for review"); got != 200 {
		t.Fatalf("submit again: status %d, want 200 (errors %q)", got, p.ErrorSummary())
	}
	if got := p.Notification(); !strings.Contains(got, "has been submitted for review") {
		t.Errorf("after submitting, the banner says %q", got)
	}

	// The audit log keeps why the account was disabled.
	a.ClickLink("Audit log")
	if main := a.Text("main"); !strings.Contains(main, "user.disable") || !strings.Contains(main, reason) {
		t.Errorf("the audit log does not show the disabling with its reason: %q", main)
	}
}
