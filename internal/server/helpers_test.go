package server_test

// Helpers for HTTP tests of the portal, for every test file in this package. Each test gets a
// server over a fresh, migrated and seeded database of its own (dbtest), and talks to it through
// the real router with httptest.
//
//	h := newServer(t, fixedNow)                     // an http.Handler (a *testApp) at a fixed time
//	as := signIn(t, h, tracker.RolePartner, "NES")  // a new partner of NES, signed in over HTTP
//	rec, doc := as.get("/report")                   // GET as them: the response and its HTML
//	rec = as.post("/report/4.2", url.Values{"status": {"on_track"}})  // POST a form as them
//	as.User                                         // their tracker.User
//	anon := anonymous(t, h)                         // a visitor with no account (cookies kept)
//
// The organisation is a code from the seed: NES leads 4.1, 4.2 and 4.3; CIVTECH leads only 4.5.
// Staff and admins take "" as their organisation. Passwords are hashed with cheap parameters
// (password.Fast) so that signing in costs little.
//
// For more control, newApp takes options and gives the store, the pool and a clock that can be
// moved:
//
//	app := newApp(t, withNow(fixedNow), withConfig(func(c *server.Config) { c.IdleTimeout = time.Minute }))
//	u, pw := createUser(t, app, tracker.RoleStaff, "")  // an account, not signed in
//	c := anonymous(t, app); c.signInAs(u.Email, pw)     // sign in an existing account
//	app.clock.Advance(2 * time.Minute)                  // move the server's clock
//
// Requests carry no Origin or Sec-Fetch-Site header (as from a non-browser client) unless a test
// sets them with c.do, so cross-origin protection lets them through.

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// testApp is the portal's handler over a database of the test's own, with the store, pool and
// clock behind it.
type testApp struct {
	http.Handler
	Store  *postgres.Store
	Pool   *pgxpool.Pool
	Config server.Config
	clock  *clocktest.Clock
}

type appOption func(*testApp)

// withNow starts the server's clock at now.
func withNow(now time.Time) appOption { return func(a *testApp) { a.clock.Set(now) } }

// withConfig changes the server's configuration before the server is made.
func withConfig(f func(*server.Config)) appOption { return func(a *testApp) { f(&a.Config) } }

// withHTTPS serves the portal as if at https://example.com: Secure cookies and HSTS.
func withHTTPS() appOption {
	return func(a *testApp) { a.Config.Secure, a.Config.BaseURL = true, "https://example.com" }
}

// newApp returns the portal over a fresh database. The clock starts at fixedNow unless withNow
// says otherwise.
func newApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	pool := dbtest.Pool(t)
	a := &testApp{Pool: pool, clock: clocktest.New(fixedNow)}
	a.Store = postgres.New(pool, postgres.WithClock(a.clock.Now))
	a.Config = server.Config{Store: a.Store, BaseURL: "http://example.com", Now: a.clock.Now, Password: password.Fast}
	for _, o := range opts {
		o(a)
	}
	if a.Config.Store == a.Store {
		// The store writes emails with links under the server's BASE_URL.
		a.Store = postgres.New(pool, postgres.WithClock(a.clock.Now), postgres.WithBaseURL(a.Config.BaseURL))
		a.Config.Store = a.Store
	}
	a.Handler = server.New(a.Config)
	return a
}

// appOf returns the testApp behind a handler made by newServer or newApp.
func appOf(t testing.TB, h http.Handler) *testApp {
	t.Helper()
	a, ok := h.(*testApp)
	if !ok {
		t.Fatalf("handler %T was not made by newServer or newApp", h)
	}
	return a
}

var userSeq atomic.Int64

// createUser creates an active account of the role (and, for partners, the organisation with the
// code) directly through the store, and returns it with its password.
func createUser(t testing.TB, h http.Handler, role tracker.Role, org string) (tracker.User, string) {
	t.Helper()
	a := appOf(t, h)
	n := userSeq.Add(1)
	pw := fmt.Sprintf("test password %d for %s", n, role)
	hash, err := password.Hash(pw, password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("Test %s %d", role.Label(), n)
	email := fmt.Sprintf("%s-%d@example.scot", role, n)
	if org != "" {
		email = fmt.Sprintf("%s-%s-%d@example.scot", role, strings.ToLower(org), n)
	}
	u, err := a.Store.CreateUser(t.Context(), tracker.Actor{Label: "test"},
		postgres.NewUser{Email: email, Name: name, Role: role, OrganisationCode: org, PasswordHash: hash})
	if err != nil {
		t.Fatalf("create %s of %q: %v", role, org, err)
	}
	return u, pw
}

// client makes requests to the portal as one visitor, keeping their cookies between requests.
type client struct {
	t    testing.TB
	h    http.Handler
	jar  *cookiejar.Jar
	base *url.URL
	// User is the signed-in user; zero for an anonymous visitor.
	User tracker.User
	// Password is the signed-in user's password.
	Password string
}

// anonymous returns a client with no account.
func anonymous(t testing.TB, h http.Handler) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	base := "http://example.com"
	if a, ok := h.(*testApp); ok && a.Config.BaseURL != "" {
		base = a.Config.BaseURL
	}
	u, _ := url.Parse(base)
	return &client{t: t, h: h, jar: jar, base: u}
}

// signIn creates a user of the role (partners: of the organisation with the code, such as "NES";
// others: "") and signs them in over HTTP. The handler must come from newServer or newApp.
func signIn(t testing.TB, h http.Handler, role tracker.Role, org string) *client {
	t.Helper()
	u, pw := createUser(t, h, role, org)
	c := anonymous(t, h)
	c.signInAs(u.Email, pw)
	return c
}

// signInAs signs the client in with the email address and password, failing the test unless
// that works.
func (c *client) signInAs(email, pw string) {
	c.t.Helper()
	rec := c.post("/sign-in", url.Values{"email": {email}, "password": {pw}})
	if rec.Code != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d, want 303\n%s", email, rec.Code, rec.Body.String())
	}
	u, err := appOf(c.t, c.h).Store.UserByEmail(c.t.Context(), email)
	if err != nil {
		c.t.Fatal(err)
	}
	c.User, c.Password = u, pw
}

// request returns a request for the path on the client's site.
func (c *client) request(method, path string, form url.Values) *http.Request {
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, c.base.String()+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, c.base.String()+path, nil)
	}
	req.RemoteAddr = "192.0.2.10:41000"
	return req
}

// do serves the request with the client's cookies, and keeps the cookies the response sets.
func (c *client) do(req *http.Request) *httptest.ResponseRecorder {
	c.t.Helper()
	for _, ck := range c.jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	// Every cookie the portal sets must be on its cookies page.
	secure := c.base.Scheme == "https"
	if a, ok := c.h.(*testApp); ok {
		secure = a.Config.Secure
	}
	documented := server.CookieNames(secure)
	for _, ck := range rec.Result().Cookies() {
		if !slices.Contains(documented, ck.Name) {
			c.t.Errorf("%s %s set the cookie %q, which the cookies page does not describe (it lists %q): add it to siteCookies",
				req.Method, req.URL.Path, ck.Name, documented)
		}
	}
	c.jar.SetCookies(req.URL, rec.Result().Cookies())
	return rec
}

// get serves a GET request and parses the HTML it returns.
func (c *client) get(path string) (*httptest.ResponseRecorder, *goquery.Document) {
	c.t.Helper()
	rec := c.do(c.request(http.MethodGet, path, nil))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		c.t.Fatalf("GET %s: parse HTML: %v", path, err)
	}
	return rec, doc
}

// post serves a POST of the form.
func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return c.do(c.request(http.MethodPost, path, form))
}

// postDoc serves a POST of the form and parses the HTML it returns.
func (c *client) postDoc(path string, form url.Values) (*httptest.ResponseRecorder, *goquery.Document) {
	c.t.Helper()
	rec := c.post(path, form)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		c.t.Fatalf("POST %s: parse HTML: %v", path, err)
	}
	return rec, doc
}

// sessionToken returns the client's session cookie's value, or "".
func (c *client) sessionToken() string {
	for _, ck := range c.jar.Cookies(c.base) {
		if ck.Name == server.SessionCookieName(c.base.Scheme == "https") {
			return ck.Value
		}
	}
	return ""
}

// isSignInRedirect reports whether the response sends the visitor to sign in.
func isSignInRedirect(rec *httptest.ResponseRecorder) bool {
	return rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/sign-in")
}

// postgresNewUser is an account to create, named after its email address, with no password.
func postgresNewUser(email string, role tracker.Role, org string) postgres.NewUser {
	return postgres.NewUser{Email: email, Name: "Someone " + strings.Split(email, "@")[0], Role: role, OrganisationCode: org}
}

// postgresEntry is an audit entry with the action.
func postgresEntry(action string) postgres.AuditEntry { return postgres.AuditEntry{Action: action} }

type netipPrefix = netip.Prefix

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
