package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

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
