package browsertest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestSignInAndOut signs in as each role from the overview, checks the pages
// a signed-in user sees, and signs out. The partner first tries with nothing
// filled in and then with a wrong password.
func TestSignInAndOut(t *testing.T) {
	for _, mode := range modes {
		for _, role := range []tracker.Role{tracker.RolePartner, tracker.RoleStaff, tracker.RoleAdmin} {
			t.Run(mode.name+"/"+string(role), func(t *testing.T) {
				t.Parallel()
				srv := browsertest.StartServer(t)
				org := ""
				if role == tracker.RolePartner {
					org = "NES"
				}
				u := srv.CreateUser(t, role, org)
				tab := browsertest.NewTab(t, srv.URL, mode.opts...)
				shots := mode.shots && role == tracker.RolePartner

				tab.Open("/")
				if role != tracker.RolePartner {
					// The form's states are checked once, with the partner.
					tab.SignIn(u.Email, u.Password)
				} else {
					signInWithMistakes(t, tab, u, shots)
				}
				// Signing in leads to the role's home: reporting for partners, reviewing for staff.
				home := "/review"
				if role == tracker.RolePartner {
					home = "/report"
				}
				checkPath(t, tab, home)
				if got := tab.SignedInAs(); got != u.Name {
					t.Errorf("the header says %q is signed in, want %q", got, u.Name)
				}
				tab.ClickLink("Overview")
				tab.CheckPage("overview signed in as " + string(role))
				if shots {
					tab.Screenshots("overview-signed-in")
				}
				tab.ClickLink(priority4)
				tab.CheckPage("priority area signed in as " + string(role))

				switch role {
				case tracker.RolePartner:
					tab.ClickLink("Your account")
					checkPath(t, tab, "/account")
					tab.CheckPage("your account")
					if shots {
						tab.Screenshots("account")
					}
					if got := tab.ClickButton("Change password"); got != 422 {
						t.Fatalf("change password with nothing filled in: status %d, want 422", got)
					}
					if errs := tab.ErrorSummary(); len(errs) == 0 {
						t.Error("change password with nothing filled in: no error summary")
					} else {
						tab.CheckFormErrors("change password with nothing filled in", errs...)
					}
					if got := tab.OpenStatus("/admin/users"); got != 403 {
						t.Errorf("a partner opening the users page: status %d, want 403", got)
					}
					tab.CheckPage("forbidden page, as a partner")
					if shots {
						tab.Screenshots("forbidden")
					}
				case tracker.RoleStaff:
					tab.ClickLink("Dashboard")
					checkPath(t, tab, "/dashboard")
					tab.CheckPage("dashboard")
					if mode.shots {
						tab.Screenshots("dashboard")
					}
					tab.ClickLink("Review")
					tab.CheckPage("review queue with nothing waiting")
				}
				if role == tracker.RoleAdmin {
					tab.ClickLink("Users")
					checkPath(t, tab, "/admin/users")
					if main := tab.Text("main"); !strings.Contains(main, u.Name) {
						t.Errorf("the users page does not list the administrator %q: %q", u.Name, main)
					}
					tab.CheckPage("users, as an administrator")
					if mode.shots {
						tab.Screenshots("admin-users")
					}
				}

				tab.SignOut()
				checkPath(t, tab, "/")
				if got := tab.SignedInAs(); got != "" {
					t.Errorf("after signing out the header says %q is signed in", got)
				}
				if got := tab.Notification(); !strings.Contains(got, "You have signed out.") {
					t.Errorf("after signing out the banner says %q", got)
				}
				tab.CheckPage("overview after signing out")
			})
		}
	}
}

// TestSignInKeyboard signs in and out with the keyboard alone: the error
// summary takes the focus when the form comes back, and the focus can be
// seen at every stop.
func TestSignInKeyboard(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	u := srv.CreateUser(t, tracker.RolePartner, "NES")
	tab := browsertest.NewTab(t, srv.URL)

	tab.Open("/")
	tab.TabToLink("Sign in")
	if got := tab.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter on Sign in: status %d", got)
	}
	checkPath(t, tab, "/sign-in")
	tab.CheckSkipLink()

	tab.TabToButton("Sign in")
	if got := tab.PressAndLoad(browsertest.KeyEnter); got != 422 {
		t.Fatalf("Enter on the Sign in button with nothing filled in: status %d, want 422", got)
	}
	if f := tab.Focused(); f.ID != "error-summary" || !f.Visible() {
		t.Fatalf("after the form came back, the focus is on %s (visible %t), want the error summary, visibly", f, f.Visible())
	}
	// From the summary, Tab reaches its links, then the fields.
	tab.TabToLink("Enter your email address")
	tab.TabToField("Email address")
	tab.Type(u.Email)
	tab.TabToField("Password")
	tab.Type(u.Password)
	if got := tab.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter in the password field: status %d, want 200", got)
	}
	if got := tab.SignedInAs(); got != u.Name {
		t.Fatalf("the header says %q is signed in, want %q", got, u.Name)
	}

	tab.TabToButton("Sign out")
	if got := tab.PressAndLoad(browsertest.KeyEnter); got != 200 {
		t.Fatalf("Enter on Sign out: status %d, want 200", got)
	}
	if got := tab.SignedInAs(); got != "" {
		t.Errorf("after signing out the header says %q is signed in", got)
	}
}

// TestFirstAdministrator runs the portal as deployed, with no administrator:
// it logs a single-use link, with which a person creates the first
// administrator (getting the form wrong once), signs in, and sees the users.
// The link then no longer works.
func TestFirstAdministrator(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			portal := browsertest.StartPortal(t)
			entries := portal.LogEntries(t, "no administrator exists")
			if len(entries) != 1 {
				t.Fatalf("the portal logged %d first-administrator links, want 1:\n%s", len(entries), portal.Logs())
			}
			link, _ := entries[0]["url"].(string)
			u, err := url.Parse(link)
			if err != nil || !strings.HasPrefix(link, portal.URL+"/") {
				t.Fatalf("the logged link %q is not on the portal at %s", link, portal.URL)
			}
			tab := browsertest.NewTab(t, portal.URL, mode.opts...)

			// The link is pasted into the browser's address bar.
			tab.Open(u.RequestURI())
			checkHeading(t, tab, "Create the first administrator account")
			tab.CheckPage("first administrator form")
			if mode.shots {
				tab.Screenshots("first-admin")
			}

			const email, name, password = "morag.admin@gov.scot", "Morag Administrator", "heather moorland lighthouse"
			tab.Fill("Email address", email)
			tab.Fill("Full name", name)
			tab.Fill("New password", password)
			tab.Fill("Confirm new password", "heather moorland lighthouses")
			if got := tab.ClickButton("Create account"); got != 422 {
				t.Fatalf("passwords that differ: status %d, want 422", got)
			}
			tab.CheckFormErrors("first administrator form with passwords that differ", "Enter the same password twice")
			if got := tab.Value("Full name"); got != name {
				t.Errorf("the form came back with the name %q, want %q", got, name)
			}
			if mode.shots {
				tab.Screenshots("first-admin-errors")
			}

			tab.Fill("New password", password)
			tab.Fill("Confirm new password", password)
			if got := tab.ClickButton("Create account"); got != 200 {
				t.Fatalf("create the account: status %d, want 200", got)
			}
			checkPath(t, tab, "/sign-in?email="+url.QueryEscape(email))
			if got := tab.Notification(); !strings.Contains(got, "Your password has been set") {
				t.Errorf("after creating the account the banner says %q", got)
			}
			if got := tab.Value("Email address"); got != email {
				t.Errorf("after creating the account the email address field holds %q, want %q", got, email)
			}
			tab.CheckPage("sign-in form with a notification")

			tab.Fill("Password", password)
			if got := tab.ClickButton("Sign in"); got != 200 {
				t.Fatalf("sign in as the new administrator: status %d, want 200", got)
			}
			if got := tab.SignedInAs(); got != name {
				t.Errorf("the header says %q is signed in, want %q", got, name)
			}
			tab.ClickLink("Users")
			if main := tab.Text("main"); !strings.Contains(main, name) || !strings.Contains(main, email) {
				t.Errorf("the users page does not list the new administrator: %q", main)
			}
			tab.SignOut()

			if got := tab.OpenStatus(u.RequestURI()); got != 404 {
				t.Fatalf("the used link: status %d, want 404", got)
			}
			checkHeading(t, tab, "This link has expired or has already been used")
			tab.CheckPage("used single-use link")
		})
	}
}

// signInWithMistakes signs in from the sign-in link, first with nothing
// filled in, then with a wrong password, checking the form each time.
func signInWithMistakes(t *testing.T, tab *browsertest.Tab, u browsertest.User, shots bool) {
	t.Helper()
	tab.ClickLink("Sign in")
	checkPath(t, tab, "/sign-in")
	tab.CheckPage("sign-in form")
	if shots {
		tab.Screenshots("sign-in")
	}
	if got := tab.ClickButton("Sign in"); got != 422 {
		t.Fatalf("signing in with nothing filled in: status %d, want 422", got)
	}
	tab.CheckFormErrors("sign-in form with nothing filled in", "Enter your email address", "Enter your password")
	if shots {
		tab.Screenshots("sign-in-errors")
	}

	tab.Fill("Email address", u.Email)
	tab.Fill("Password", "not the password")
	if got := tab.ClickButton("Sign in"); got != 401 {
		t.Fatalf("signing in with a wrong password: status %d, want 401", got)
	}
	tab.CheckFormErrors("sign-in form with a wrong password", "Enter a correct email address and password")
	if got := tab.Value("Email address"); got != u.Email {
		t.Errorf("after a failed sign-in the email address field holds %q, want %q", got, u.Email)
	}

	tab.Fill("Password", u.Password)
	if got := tab.ClickButton("Sign in"); got != 200 {
		t.Fatalf("signing in: status %d, want 200", got)
	}
}
