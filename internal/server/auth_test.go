package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	c := anonymous(t, app)
	rec, doc := c.get("/sign-in")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /sign-in = %d", rec.Code)
	}
	checkPage(t, "/sign-in", doc, "Sign in")
	if doc.Find(`form[method="post"][action="/sign-in"] input[name="email"]`).Length() != 1 ||
		doc.Find(`input[name="password"][type="password"]`).Length() != 1 {
		t.Error("sign-in form lacks email or password fields")
	}
	if doc.Find(`a[href="/sign-in"]`).Length() != 0 {
		t.Error("the sign-in page links to itself in the header")
	}

	rec = c.post("/sign-in", url.Values{"email": {strings.ToUpper(u.Email)}, "password": {pw}, "next": {"/commitments/4.2?x=1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/commitments/4.2?x=1" {
		t.Fatalf("sign in = %d to %q, want 303 to the next page", rec.Code, rec.Header().Get("Location"))
	}
	_, doc = c.get("/")
	if got := text(doc.Find(".app-site-header__user")); !strings.Contains(got, u.Name) {
		t.Errorf("header = %q, want the user's name", got)
	}
	if doc.Find(`form[action="/sign-out"]`).Length() == 0 {
		t.Error("no sign-out button for a signed-in user")
	}
	got, err := app.Store.UserByID(t.Context(), u.ID)
	if err != nil || got.LastSignInAt == nil {
		t.Errorf("last sign-in not recorded: %v %v", got.LastSignInAt, err)
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'sign_in' AND actor_id = $1
		AND remote_addr = '192.0.2.10'`, u.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("sign-ins audited = %d, %v; want 1 with the client's address", n, err)
	}
}

func TestSignInFailuresLookAlike(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, pw := createUser(t, app, tracker.RolePartner, "NES")
	disabled, dpw := createUser(t, app, tracker.RoleStaff, "")
	if _, err := app.Store.SetDisabled(t.Context(), tracker.Actor{Label: "test"}, disabled.ID, true, 0, ""); err != nil {
		t.Fatal(err)
	}
	invited, _, err := app.Store.InviteUser(t.Context(), tracker.Actor{Label: "test"},
		postgresNewUser("invited@example.scot", tracker.RoleStaff, ""))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, email, pw string }{
		{"unknown email", "nobody@example.scot", pw},
		{"wrong password", u.Email, pw + "x"},
		{"disabled account", disabled.Email, dpw},
		{"no password yet", invited.Email, "anything at all here"},
	}
	var bodies []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := anonymous(t, app)
			rec, doc := c.postDoc("/sign-in", url.Values{"email": {tt.email}, "password": {tt.pw}})
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", rec.Code)
			}
			if got := text(doc.Find(".ds_error-summary li")); got != "Enter a correct email address and password" {
				t.Errorf("message = %q", got)
			}
			if got := doc.Find(`input[name="email"]`).AttrOr("value", ""); got != tt.email {
				t.Errorf("email kept = %q, want %q", got, tt.email)
			}
			if c.sessionToken() != "" {
				t.Error("a failed sign-in set a session cookie")
			}
			main, _ := doc.Find("main").Html()
			bodies = append(bodies, strings.ReplaceAll(main, tt.email, "EMAIL"))
		})
	}
	for i := range bodies {
		if bodies[i] != bodies[0] {
			t.Errorf("page for %q differs from the page for %q", tests[i].name, tests[0].name)
		}
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'sign_in.failed'
		AND remote_addr = '192.0.2.10'`).Scan(&n); err != nil || n != len(tests) {
		t.Errorf("failed sign-ins audited = %d, %v; want %d", n, err, len(tests))
	}
}

func TestSignInValidation(t *testing.T) {
	t.Parallel()
	c := anonymous(t, newApp(t))
	rec, doc := c.postDoc("/sign-in", url.Values{"email": {""}, "password": {""}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", rec.Code)
	}
	if got := texts(doc.Find(".ds_error-summary li")); !slices.Equal(got, []string{"Enter your email address", "Enter your password"}) {
		t.Errorf("errors = %q", got)
	}
	if doc.Find(`#email[aria-invalid="true"]`).Length() != 1 || doc.Find("#error-message-password").Length() != 1 {
		t.Error("fields are not marked with their errors")
	}
}

func TestSignInNextMustBeLocal(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
		"/sign-out", "http:/evil.example", "/x\r\nLocation: https://evil.example"} {
		t.Run(next, func(t *testing.T) {
			u, pw := createUser(t, app, tracker.RoleStaff, "")
			c := anonymous(t, app)
			rec := c.post("/sign-in", url.Values{"email": {u.Email}, "password": {pw}, "next": {next}})
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/review" {
				t.Errorf("next %q: redirected %d to %q, want staff's home /review", next, rec.Code, rec.Header().Get("Location"))
			}
		})
	}
}

// TestSessionRenewal checks that the session token changes at sign-in and at sign-out, and that
// the old token no longer works.
func TestSessionRenewal(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, pw := createUser(t, app, tracker.RoleAdmin, "")
	c := anonymous(t, app)
	// A failed sign-in leaves a session (for the flash of nothing) or none; sign in after.
	c.post("/sign-in", url.Values{"email": {u.Email}, "password": {"wrong password!!"}})
	before := c.sessionToken()
	c.signInAs(u.Email, pw)
	during := c.sessionToken()
	if during == "" || during == before {
		t.Fatalf("token at sign-in: before %q, after %q: want a new one", before, during)
	}
	if rec, _ := c.get("/admin/users"); rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/users signed in = %d", rec.Code)
	}
	rec := c.post("/sign-out", nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out = %d", rec.Code)
	}
	after := c.sessionToken()
	if after == during {
		t.Errorf("token unchanged by sign-out")
	}
	_, doc := c.get("/")
	if got := text(doc.Find(".ds_notification")); !strings.Contains(got, "You have signed out") {
		t.Errorf("banner after sign-out = %q", got)
	}
	if rec, _ := c.get("/admin/users"); !isSignInRedirect(rec) {
		t.Errorf("after sign-out GET /admin/users = %d %q, want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
	}
	// The old token is dead: replaying it is anonymous.
	replay := anonymous(t, app)
	req := replay.request(http.MethodGet, "/admin/users", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: during})
	if rec := replay.do(req); !isSignInRedirect(rec) {
		t.Errorf("replayed token: GET /admin/users = %d, want a redirect to sign in", rec.Code)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps []time.Duration // time between requests, each of which must still be signed in
		last  time.Duration   // then this long until the request that must be signed out
	}{
		{"idle", nil, 30 * time.Minute},
		{"idle, just inside", nil, 29*time.Minute + 59*time.Second},
		{"absolute", []time.Duration{25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute}, 25 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newApp(t, withConfig(func(c *server.Config) {
				c.IdleTimeout = 30 * time.Minute
				c.SessionLifetime = 2 * time.Hour
			}))
			as := signIn(t, app, tracker.RoleAdmin, "")
			for i, d := range tt.steps {
				app.clock.Advance(d)
				if rec, _ := as.get("/admin/users"); rec.Code != http.StatusOK {
					t.Fatalf("request %d after %v: %d, want 200", i+1, d, rec.Code)
				}
			}
			app.clock.Advance(tt.last)
			rec, _ := as.get("/admin/users")
			wantOut := tt.last >= 30*time.Minute || len(tt.steps) > 0
			if got := isSignInRedirect(rec); got != wantOut {
				t.Fatalf("after %v more: signed out = %v, want %v (status %d)", tt.last, got, wantOut, rec.Code)
			}
			if wantOut {
				_, doc := as.get(rec.Header().Get("Location"))
				if got := text(doc.Find(".ds_notification")); !strings.Contains(got, "session expired") {
					t.Errorf("sign-in page banner = %q, want the session expired message", got)
				}
			}
		})
	}
}

// TestSessionWrittenOncePerStep checks that a signed-in request writes the session's time of
// last use only once it is a minute old: requests in between read the session and write nothing,
// and the session still lasts the idle timeout from the last time written.
func TestSessionWrittenOncePerStep(t *testing.T) {
	t.Parallel()
	app := newApp(t, withConfig(func(c *server.Config) { c.IdleTimeout = 30 * time.Minute }))
	staff := signIn(t, app, tracker.RoleStaff, "")
	// xmin changes whenever the row is written.
	written := func() string {
		var xmin string
		if err := app.Pool.QueryRow(t.Context(), `SELECT xmin::text FROM sessions`).Scan(&xmin); err != nil {
			t.Fatal(err)
		}
		return xmin
	}
	get := func(when string) {
		t.Helper()
		if rec, _ := staff.get("/dashboard"); rec.Code != http.StatusOK {
			t.Fatalf("GET /dashboard %s = %d, want 200", when, rec.Code)
		}
	}
	before := written()
	for range 3 {
		app.clock.Advance(15 * time.Second)
		get("within a minute of signing in")
	}
	if written() != before {
		t.Error("requests within a minute of signing in wrote the session")
	}
	app.clock.Advance(16 * time.Second)
	get("a minute after signing in")
	after := written()
	if after == before {
		t.Error("a request a minute after the last write did not write the session")
	}
	// 30 minutes less a second after that write, with a request in between that wrote nothing,
	// the session is still going.
	app.clock.Advance(30 * time.Second)
	get("half a minute later")
	if written() != after {
		t.Error("a request half a minute after the last write wrote the session")
	}
	app.clock.Advance(29*time.Minute + 29*time.Second)
	get("just inside the idle timeout of the last write")
}

func TestDisabledUserSessionEndsAtOnce(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	as := signIn(t, app, tracker.RoleAdmin, "")
	other := signIn(t, app, tracker.RoleAdmin, "")
	if rec, _ := as.get("/admin/users"); rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/users = %d", rec.Code)
	}
	if _, err := app.Store.SetDisabled(t.Context(), other.actor(), as.User.ID, true, 0, ""); err != nil {
		t.Fatal(err)
	}
	if rec, _ := as.get("/admin/users"); !isSignInRedirect(rec) {
		t.Errorf("disabled user: GET /admin/users = %d, want a redirect to sign in", rec.Code)
	}
	// Enabling the account again does not revive the old session.
	if _, err := app.Store.SetDisabled(t.Context(), other.actor(), as.User.ID, false, 0, ""); err != nil {
		t.Fatal(err)
	}
	if rec, _ := as.get("/admin/users"); !isSignInRedirect(rec) {
		t.Errorf("re-enabled user's old session: GET /admin/users = %d, want a redirect to sign in", rec.Code)
	}
}

func TestNavigationByRole(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	tests := []struct {
		role tracker.Role
		org  string
		want []string
	}{
		{tracker.RolePartner, "NES", []string{"Report progress"}},
		{tracker.RoleStaff, "", []string{"Review", "Dashboard", "Manage plans"}},
		{tracker.RoleAdmin, "", []string{"Review", "Dashboard", "Manage plans", "Users", "Audit log"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			as := signIn(t, app, tt.role, tt.org)
			_, doc := as.get("/")
			links := texts(doc.Find(".ds_site-header__navigation .ds_site-navigation__link"))
			want := append([]string{"Overview", "Commitments", "Open data"}, tt.want...)
			want = append(want, "Your account", "Sign out")
			if !slices.Equal(links, want) {
				t.Errorf("navigation = %q, want %q", links, want)
			}
			if got := doc.Find("head").Length(); got != 1 {
				t.Fatal("no page")
			}
		})
	}
	_, doc := anonymous(t, app).get("/")
	if links := texts(doc.Find(".ds_site-header__navigation .ds_site-navigation__link")); !slices.Equal(links,
		[]string{"Overview", "Commitments", "Open data", "Sign in"}) {
		t.Errorf("anonymous navigation = %q", links)
	}
}

func TestSignedInPagesAreNotCached(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	as := signIn(t, app, tracker.RoleStaff, "")
	rec, _ := as.get("/")
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control for a signed-in user = %q, want no-store", got)
	}
}

// actor is the client's user as an audit actor, for changes tests make through the store.
func (c *client) actor() tracker.Actor { return tracker.Actor{User: &c.User, RemoteAddr: "192.0.2.10"} }
