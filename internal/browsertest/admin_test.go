package browsertest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestInvitePartner has an administrator invite a delivery partner (getting
// the form wrong first), and the partner set a password from the emailed
// link (getting it wrong first) and sign in, each in a browser of their own.
func TestInvitePartner(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			admin := srv.CreateUser(t, tracker.RoleAdmin, "")
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/")
			tab.SignIn(admin.Email, admin.Password)
			tab.ClickLink("Users")
			tab.ClickLink("Invite a user")
			checkPath(t, tab, "/admin/users/new")
			tab.CheckPage("invitation form")
			if got := tab.ClickButton("Send invitation"); got != 422 {
				t.Fatalf("an empty invitation: status %d, want 422", got)
			}
			tab.CheckFormErrors("invitation form with nothing filled in", "Enter an email address", "Enter a full name", "Select a role")
			if mode.shots {
				tab.Screenshots("admin-invite-errors")
			}

			const email, name = "isla.partner@nes.scot", "Isla Partner"
			tab.Fill("Email address", email)
			tab.Fill("Full name", name)
			tab.Choose("Delivery partner")
			if got := tab.ClickButton("Send invitation"); got != 422 {
				t.Fatalf("a partner without an organisation: status %d, want 422", got)
			}
			tab.CheckFormErrors("invitation form for a partner with no organisation", "Select the organisation the delivery partner reports for")
			tab.Select("Organisation", "NHS Education for Scotland")
			if got := tab.ClickButton("Send invitation"); got != 200 {
				t.Fatalf("send the invitation: status %d, want 200", got)
			}
			if main := tab.Text("main"); !strings.Contains(main, "We have emailed this link to "+email) {
				t.Errorf("after inviting, the page says %q", main)
			}
			tab.CheckPage("invitation sent")
			if mode.shots {
				tab.Screenshots("admin-invite-sent")
			}
			tab.ClickLink("Back to " + name)
			tab.CheckPage("user who has not set a password")
			if mode.shots {
				tab.Screenshots("admin-user")
			}
			tab.ClickLink("Users")
			if main := tab.Text("main"); !strings.Contains(main, name) {
				t.Errorf("the users page does not list %s: %q", name, main)
			}
			tab.ClickLink("Audit log")
			tab.CheckPage("audit log")
			if mode.shots {
				tab.Screenshots("admin-audit")
			}

			// The partner, in a browser of their own, follows the emailed link.
			partner := browsertest.NewTab(t, srv.URL, mode.opts...)
			partner.Open(srv.LinkIn(t, email))
			checkHeading(t, partner, "Set your password")
			partner.CheckPage("set password from an invitation")
			if mode.shots {
				partner.Screenshots("set-password")
			}
			partner.Fill("New password", "password")
			partner.Fill("Confirm new password", "password")
			if got := partner.ClickButton("Set password"); got != 422 {
				t.Fatalf("a common password: status %d, want 422", got)
			}
			if errs := partner.ErrorSummary(); len(errs) != 1 {
				t.Errorf("a common password: the error summary says %q, want one message", errs)
			} else {
				partner.CheckFormErrors("set password with a common password", errs...)
			}
			const password = "kelpie thistle causeway"
			partner.Fill("New password", password)
			partner.Fill("Confirm new password", password)
			if got := partner.ClickButton("Set password"); got != 200 {
				t.Fatalf("set the password: status %d, want 200", got)
			}
			// The sign-in page has the email address filled in.
			checkPath(t, partner, "/sign-in?email="+url.QueryEscape(email))
			if got := partner.Value("Email address"); got != email {
				t.Errorf("after setting a password the email address field holds %q, want %q", got, email)
			}
			partner.Fill("Password", password)
			if got := partner.ClickButton("Sign in"); got != 200 {
				t.Fatalf("sign in as the partner: status %d, want 200", got)
			}
			if got := partner.SignedInAs(); got != name {
				t.Errorf("the header says %q is signed in, want %q", got, name)
			}
			// A partner's home is reporting progress.
			checkPath(t, partner, "/report")
			partner.CheckPage("report list signed in as the new partner")
		})
	}
}

// TestForgottenPassword resets a password from the sign-in page by email.
func TestForgottenPassword(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			srv := browsertest.StartServer(t)
			u := srv.CreateUser(t, tracker.RoleStaff, "")
			tab := browsertest.NewTab(t, srv.URL, mode.opts...)

			tab.Open("/")
			tab.ClickLink("Sign in")
			tab.ClickLink("I have forgotten my password")
			tab.CheckPage("forgotten password form")
			mode.screenshots(tab, "forgot-password")
			if got := tab.ClickButton("Send the link"); got != 422 {
				t.Fatalf("no email address: status %d, want 422", got)
			}
			tab.CheckFormErrors("forgotten password form with nothing filled in", "Enter an email address")
			tab.Fill("Email address", u.Email)
			if got := tab.ClickButton("Send the link"); got != 200 {
				t.Fatalf("send the link: status %d, want 200", got)
			}
			tab.CheckPage("reset link sent")
			mode.screenshots(tab, "reset-sent")

			tab.Open(srv.LinkIn(t, u.Email))
			checkHeading(t, tab, "Choose a new password")
			const password = "granite harbour lanterns"
			tab.Fill("New password", password)
			tab.Fill("Confirm new password", password)
			if got := tab.ClickButton("Set password"); got != 200 {
				t.Fatalf("set the new password: status %d, want 200", got)
			}
			if got := tab.Value("Email address"); got != u.Email {
				t.Errorf("after resetting the password the email address field holds %q, want %q", got, u.Email)
			}
			tab.Fill("Password", password)
			if got := tab.ClickButton("Sign in"); got != 200 {
				t.Fatalf("sign in with the new password: status %d, want 200", got)
			}
			if got := tab.SignedInAs(); got != u.Name {
				t.Errorf("the header says %q is signed in, want %q", got, u.Name)
			}
		})
	}
}
