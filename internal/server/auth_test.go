package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/password"
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

func TestSetPasswordWithInvitation(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, token, err := app.Store.InviteUser(t.Context(), tracker.Actor{Label: "test"},
		postgresNewUser("new.partner@nes.scot", tracker.RolePartner, "NES"))
	if err != nil {
		t.Fatal(err)
	}
	c := anonymous(t, app)
	path := "/set-password?token=" + url.QueryEscape(token)
	rec, doc := c.get(path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET set-password = %d", rec.Code)
	}
	checkPage(t, "/set-password", doc, "Set your password")
	if rec.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Error("the page with a token in its address may send it in a Referer")
	}
	// Showing the form does not use the link up.
	if _, err := app.Store.Token(t.Context(), token); err != nil {
		t.Fatalf("GET used the link: %v", err)
	}
	tests := []struct {
		name, pw, confirm, field, want string
	}{
		{"too short", "short", "short", "password", "Password must be 12 characters or more"},
		{"common", "password12345", "password12345", "password", "Password is too easy to guess: try three random words"},
		{"own email", "new.partner2024", "new.partner2024", "password", "Password must not be made from your email address"},
		{"mismatch", "purple kettle harbour", "purple kettle harbor", "confirm", "Enter the same password twice"},
	}
	for _, tt := range tests {
		rec, doc := c.postDoc("/set-password", url.Values{"token": {token}, "password": {tt.pw}, "confirm": {tt.confirm}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, rec.Code)
		}
		if got := text(doc.Find("#error-message-" + tt.field)); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s error = %q, want %q", tt.name, tt.field, got, tt.want)
		}
	}
	rec = c.post("/set-password", url.Values{"token": {token}, "password": {"purple kettle harbour"}, "confirm": {"purple kettle harbour"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/sign-in?email=new.partner%40nes.scot" {
		t.Fatalf("set password = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	_, doc = c.get(rec.Header().Get("Location"))
	if got := text(doc.Find(".ds_notification")); !strings.Contains(got, "Your password has been set") {
		t.Errorf("banner = %q", got)
	}
	if got := doc.Find(`input[name="email"]`).AttrOr("value", ""); got != "new.partner@nes.scot" {
		t.Errorf("the sign-in form's email address after setting a password = %q, want it filled in", got)
	}
	c.signInAs(u.Email, "purple kettle harbour")
	// The link works once.
	if rec, _ := anonymous(t, app).get(path); rec.Code != http.StatusNotFound {
		t.Errorf("used link: GET = %d, want 404", rec.Code)
	}
	rec = anonymous(t, app).post("/set-password", url.Values{"token": {token}, "password": {"another fine password"}, "confirm": {"another fine password"}})
	if rec.Code != http.StatusNotFound {
		t.Errorf("used link: POST = %d, want 404", rec.Code)
	}
}

func TestFirstAdminLink(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	token, err := app.Store.CreateToken(t.Context(), tracker.Actor{Label: "portal serve"}, tracker.TokenFirstAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := anonymous(t, app)
	_, doc := c.get("/set-password?token=" + token)
	checkPage(t, "/set-password", doc, "Create the first administrator account")
	rec, doc := c.postDoc("/set-password", url.Values{"token": {token}, "email": {"nope"}, "name": {""},
		"password": {"purple kettle harbour"}, "confirm": {"purple kettle harbour"}})
	if rec.Code != http.StatusUnprocessableEntity || doc.Find("#error-message-email").Length() != 1 || doc.Find("#error-message-name").Length() != 1 {
		t.Errorf("bad email and name: %d", rec.Code)
	}
	rec = c.post("/set-password", url.Values{"token": {token}, "email": {"ada@gov.scot"}, "name": {"Ada"},
		"password": {"purple kettle harbour"}, "confirm": {"purple kettle harbour"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create first admin = %d", rec.Code)
	}
	c.signInAs("ada@gov.scot", "purple kettle harbour")
	if rec, _ := c.get("/admin/users"); rec.Code != http.StatusOK {
		t.Errorf("first admin: GET /admin/users = %d", rec.Code)
	}
	// After 24 hours a fresh link does not work.
	app.clock.Advance(-24 * time.Hour)
	late, err := app.Store.CreateToken(t.Context(), tracker.Actor{Label: "portal serve"}, tracker.TokenFirstAdmin, nil)
	app.clock.Advance(24 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := anonymous(t, app).get("/set-password?token=" + late); rec.Code != http.StatusNotFound {
		t.Errorf("expired first-admin link = %d, want 404", rec.Code)
	}
}

func TestSignInThrottling(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	attacker := anonymous(t, app)
	wrong := url.Values{"email": {u.Email}, "password": {"not the password"}}
	// Five failures from one address are allowed; the sixth locks the account from that address
	// for a minute.
	for i := 1; i <= 5; i++ {
		if rec := attacker.post("/sign-in", wrong); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i, rec.Code)
		}
	}
	rec, doc := attacker.postDoc("/sign-in", wrong)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "60" {
		t.Fatalf("failure 6 = %d, Retry-After %q; want 429 and 60", rec.Code, rec.Header().Get("Retry-After"))
	}
	if got := text(doc.Find(".ds_error-summary li")); !strings.Contains(got, "Wait 1 minute") {
		t.Errorf("message = %q", got)
	}
	// While locked, even the right password is refused from that address.
	if rec := attacker.post("/sign-in", url.Values{"email": {u.Email}, "password": {pw}}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("right password while locked = %d, want 429", rec.Code)
	}
	// An unknown email address is throttled in the same way, so throttling tells nothing.
	for i := 1; i <= 6; i++ {
		rec = attacker.post("/sign-in", url.Values{"email": {"nobody@example.scot"}, "password": {"x"}})
	}
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("unknown email, failure 6 = %d, want 429", rec.Code)
	}
	// The user, from another address, is not locked out by the attacker's five failures.
	user := anonymous(t, app)
	req := user.request(http.MethodPost, "/sign-in", url.Values{"email": {u.Email}, "password": {pw}})
	req.RemoteAddr = "198.51.100.7:5000"
	if rec := user.do(req); rec.Code != http.StatusSeeOther {
		t.Errorf("the user from elsewhere = %d, want 303", rec.Code)
	}
	// Once the lock has passed, the right password works from the attacker's address too.
	app.clock.Advance(time.Minute)
	if rec := attacker.post("/sign-in", url.Values{"email": {u.Email}, "password": {pw}}); rec.Code != http.StatusSeeOther {
		t.Errorf("after the lock = %d, want 303", rec.Code)
	}
}

// TestThrottleNeverLocksForGood tries an account from many addresses, as a botnet would: the
// account is locked, but never for more than 15 minutes after the last attempt.
func TestThrottleNeverLocksForGood(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	c := anonymous(t, app)
	attempt := func(i int, password string) int {
		req := c.request(http.MethodPost, "/sign-in", url.Values{"email": {u.Email}, "password": {password}})
		req.RemoteAddr = fmt.Sprintf("203.0.113.%d:1234", i%250+1)
		return c.do(req).Code
	}
	locked := 0
	for i := range 200 {
		if attempt(i, "guess") == http.StatusTooManyRequests {
			locked++
			app.clock.Advance(time.Minute)
		}
	}
	if locked == 0 {
		t.Fatal("200 failures from many addresses never locked the account")
	}
	app.clock.Advance(15 * time.Minute)
	if got := attempt(0, pw); got != http.StatusSeeOther {
		t.Errorf("15 minutes after the attack, the right password = %d, want 303", got)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := signIn(t, app, tracker.RolePartner, "NES")
	elsewhere := anonymous(t, app)
	elsewhere.signInAs(c.User.Email, c.Password)
	rec, doc := c.get("/account")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /account = %d", rec.Code)
	}
	checkPage(t, "/account", doc, "Your account")
	tests := []struct {
		name                 string
		current, pw, confirm string
		field, want          string
	}{
		{"wrong current", "not my password", "granite otter meadow", "granite otter meadow", "current", "Your current password is not correct"},
		{"no current", "", "granite otter meadow", "granite otter meadow", "current", "Enter your current password"},
		{"weak", c.Password, "password123456", "password123456", "password", "too easy to guess"},
		{"mismatch", c.Password, "granite otter meadow", "granite otter meado", "confirm", "Enter the same password twice"},
		{"unchanged", c.Password, c.Password, c.Password, "password", "different from your current one"},
	}
	for _, tt := range tests {
		rec, doc := c.postDoc("/account/password", url.Values{"current": {tt.current}, "password": {tt.pw}, "confirm": {tt.confirm}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, rec.Code)
		}
		if got := text(doc.Find("#error-message-" + tt.field)); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s error = %q, want %q", tt.name, tt.field, got, tt.want)
		}
	}
	before := c.sessionToken()
	rec = c.post("/account/password", url.Values{"current": {c.Password}, "password": {"granite otter meadow"}, "confirm": {"granite otter meadow"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("change password = %d", rec.Code)
	}
	if c.sessionToken() == before {
		t.Error("the session token did not change with the password")
	}
	if rec, doc := c.get("/account"); rec.Code != http.StatusOK || !strings.Contains(text(doc.Find(".ds_notification")), "signed out everywhere else") {
		t.Errorf("after the change: %d %q", rec.Code, text(doc.Find(".ds_notification")))
	}
	if rec, _ := elsewhere.get("/account"); !isSignInRedirect(rec) {
		t.Errorf("the other session survives: %d", rec.Code)
	}
	anonymous(t, app).signInAs(c.User.Email, "granite otter meadow")
}

// TestSessionsSharedByInstances signs in through one instance of the portal and carries on
// through another over the same database, as behind a load balancer.
func TestSessionsSharedByInstances(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := signIn(t, app, tracker.RoleAdmin, "")
	other := &testApp{Handler: server.New(app.Config), Store: app.Store, Pool: app.Pool, Config: app.Config, clock: app.clock}
	c.h = other
	if rec, _ := c.get("/admin/users"); rec.Code != http.StatusOK {
		t.Errorf("the second instance does not know the session: %d", rec.Code)
	}
	c.post("/sign-out", nil)
	c.h = app
	if rec, _ := c.get("/admin/users"); !isSignInRedirect(rec) {
		t.Errorf("signed out on one instance, still signed in on the other: %d", rec.Code)
	}
}

// TestPasswordRehashedAtSignIn checks that a hash made with older parameters is replaced, with
// the server's, when its user signs in.
func TestPasswordRehashedAtSignIn(t *testing.T) {
	t.Parallel()
	stronger := password.Fast
	stronger.Time = 3
	app := newApp(t, withConfig(func(c *server.Config) { c.Password = stronger }))
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	anonymous(t, app).signInAs(u.Email, pw)
	_, hash, err := app.Store.Credentials(t.Context(), u.Email)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hash, "m=64,t=3,p=1$") {
		t.Errorf("hash after sign-in = %q, want the server's parameters", hash)
	}
	anonymous(t, app).signInAs(u.Email, pw)
}

// TestFailedSignInNeverRecordsAPassword checks that text typed into the email field that is not
// an email address (often a password) stays out of the audit log.
func TestFailedSignInNeverRecordsAPassword(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	anonymous(t, app).post("/sign-in", url.Values{"email": {"my secret pass"}, "password": {"x"}})
	var details string
	if err := app.Pool.QueryRow(t.Context(), `SELECT details::text FROM audit_log WHERE action = 'sign_in.failed'`).Scan(&details); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(details, "secret") {
		t.Errorf("audit details = %s", details)
	}
}
