package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/reminder"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestParallelSignInsAreThrottled sends 50 sign-ins for one account from one address at once,
// 49 with wrong passwords and one with the right password: no more than the 5 attempts the
// throttle allows are checked, and the right password, sent while they are, is refused.
func TestParallelSignInsAreThrottled(t *testing.T) {
	app := newApp(t)
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	const n = 50
	counted := func() int {
		var failures int
		err := app.Pool.QueryRow(t.Context(), `SELECT coalesce(max(failures), 0) FROM sign_in_throttle
			WHERE key LIKE 'account+address:%'`).Scan(&failures)
		if err != nil {
			t.Error(err)
		}
		return failures
	}
	start := make(chan struct{})
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			form := url.Values{"email": {u.Email}, "password": {"wrong guess number " + string(rune('a'+i%26))}}
			<-start
			if i == n-1 {
				// The right password goes once the allowance is taken, while those attempts may
				// still be being checked.
				form.Set("password", pw)
				for deadline := time.Now().Add(10 * time.Second); counted() < 5 && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
			}
			codes[i] = anonymous(t, app).post("/sign-in", form).Code
		})
	}
	close(start)
	wg.Wait()
	if codes[n-1] != http.StatusTooManyRequests {
		t.Errorf("the right password among %d at once = %d, want 429", n, codes[n-1])
	}
	byCode := map[int]int{}
	for _, c := range codes {
		byCode[c]++
	}
	if byCode[http.StatusUnauthorized] > 5 || byCode[http.StatusSeeOther] > 0 {
		t.Errorf("answers by status %v: want at most 5 checked (401) and no sign-in", byCode)
	}
	// The audit log agrees: at most 5 passwords were checked, and the rest were refused unchecked.
	rows, err := app.Pool.Query(t.Context(), `SELECT action, coalesce(details->>'reason', '') FROM audit_log
		WHERE action LIKE 'sign_in%'`)
	if err != nil {
		t.Fatal(err)
	}
	checked, refused := 0, 0
	for rows.Next() {
		var action, reason string
		if err := rows.Scan(&action, &reason); err != nil {
			t.Fatal(err)
		}
		switch {
		case action == "sign_in" || reason == "wrong password":
			checked++
		case reason == "throttled":
			refused++
		}
	}
	// A request that found every hashing slot busy for too long was answered 503 before it
	// counted or checked anything, and is not in the audit log.
	busy := byCode[http.StatusServiceUnavailable]
	if checked > 5 || checked+refused+busy != n {
		t.Errorf("audit log: %d checked, %d refused unchecked, %d answered busy; want at most 5 checked of %d",
			checked, refused, busy, n)
	}
	if got := counted(); got != 5 {
		t.Errorf("throttle count = %d, want 5", got)
	}
}

// TestParallelResetRequests asks for 20 reset emails for one address at once: exactly 3 are
// sent, as the README promises for an hour.
func TestParallelResetRequests(t *testing.T) {
	var mailer mail.Recorder
	// Reset emails go through the outbox: its worker runs beside the server, woken as each is
	// queued, as in portal serve.
	worker := &reminder.Worker{Mailer: &mailer, Interval: time.Hour}
	app := newApp(t, withConfig(func(c *server.Config) { c.Mailer, c.EmailQueued = &mailer, worker.Wake }))
	worker.Store, worker.BaseURL = app.Store, app.Config.BaseURL
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	go worker.Run(ctx)
	u, _ := createUser(t, app, tracker.RolePartner, "NES")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if rec := anonymous(t, app).post("/forgot-password", url.Values{"email": {u.Email}}); rec.Code != http.StatusOK {
				t.Errorf("POST /forgot-password = %d", rec.Code)
			}
		})
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	mailer.Wait(ctx, 3)
	// Every request was counted or refused before it was answered; give any email still being
	// sent time to arrive.
	time.Sleep(300 * time.Millisecond)
	if got := len(mailer.Messages()); got != 3 {
		t.Errorf("20 requests at once sent %d emails, want 3", got)
	}
	// Within the hour, a further request sends nothing; after it, one is sent again.
	app.clock.Advance(59 * time.Minute)
	anonymous(t, app).post("/forgot-password", url.Values{"email": {u.Email}})
	app.clock.Advance(time.Minute)
	anonymous(t, app).post("/forgot-password", url.Values{"email": {u.Email}})
	ctx, cancel = context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if got := len(mailer.Wait(ctx, 4)); got != 4 {
		t.Errorf("an hour later, emails sent = %d, want 4", got)
	}
	time.Sleep(300 * time.Millisecond)
	if got := len(mailer.Messages()); got != 4 {
		t.Errorf("emails sent = %d, want 4: one within the hour got through", got)
	}
}

// TestSignInWhenHashingIsBusy holds the only hashing slot: a sign-in waits briefly, then gets a
// quick 503 with Retry-After and the error page, and its attempt does not count.
func TestSignInWhenHashingIsBusy(t *testing.T) {
	limiter := password.NewLimiter(1, 100*time.Millisecond)
	app := newApp(t, withConfig(func(c *server.Config) { c.Hashing = limiter }))
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	release, err := limiter.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		start := time.Now()
		rec, doc := anonymous(t, app).postDoc("/sign-in", url.Values{"email": {u.Email}, "password": {pw}})
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("sign-in with hashing busy = %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the 503 took %v", took)
		}
		checkPage(t, "/sign-in", doc, "Sorry, the service is unavailable")
		if strings.Contains(rec.Body.String(), pw) {
			t.Error("the page shows the password")
		}
	}
	release()
	// The six unchecked attempts did not count: the right password is let through now.
	anonymous(t, app).signInAs(u.Email, pw)
}

// TestAnonymousRequestsMakeNoSessions checks that no session row is made for a visitor who has
// not signed in, whatever they ask for, and that signing out leaves none behind.
func TestAnonymousRequestsMakeNoSessions(t *testing.T) {
	t.Parallel()
	var mailer mail.Recorder
	app := newApp(t, withConfig(func(c *server.Config) { c.Mailer = &mailer }))
	u, pw := createUser(t, app, tracker.RoleStaff, "")
	sessions := func() int {
		var n int
		if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for range 50 {
		if rec := anonymous(t, app).post("/sign-out", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("anonymous sign-out = %d", rec.Code)
		}
	}
	if n := sessions(); n != 0 {
		t.Fatalf("50 anonymous sign-outs left %d session rows, want 0", n)
	}
	c := anonymous(t, app)
	for _, p := range []string{"/", "/sign-in", "/forgot-password", "/commitments", "/account", "/report", "/admin/users", "/set-password?token=nonsense"} {
		c.get(p)
	}
	for _, p := range []string{"/sign-in", "/forgot-password", "/account/password", "/report/4.2", "/set-password"} {
		c.post(p, url.Values{"email": {u.Email}, "password": {"not the password"}, "token": {"nonsense"}})
	}
	c.post("/sign-out", nil)
	c.get("/")
	if n := sessions(); n != 0 {
		t.Errorf("anonymous GETs and POSTs left %d session rows, want 0", n)
	}
	// Signing in makes one; signing out removes it and makes no other, and the page after says
	// so.
	c.signInAs(u.Email, pw)
	if n := sessions(); n != 1 {
		t.Errorf("after signing in: %d session rows, want 1", n)
	}
	c.post("/sign-out", nil)
	if _, doc := c.get("/"); !strings.Contains(text(doc.Find(".ds_notification")), "You have signed out") {
		t.Error("no banner after signing out")
	}
	if _, doc := c.get("/"); strings.Contains(text(doc.Find(".ds_notification")), "You have signed out") {
		t.Error("the banner shows twice")
	}
	if n := sessions(); n != 0 {
		t.Errorf("after signing out: %d session rows, want 0", n)
	}
}

// TestSessionTokensStoredHashed checks that the sessions table holds no token a cookie carries,
// and that what it holds does not work as a cookie.
func TestSessionTokensStoredHashed(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := signIn(t, app, tracker.RoleAdmin, "")
	token := c.sessionToken()
	if token == "" {
		t.Fatal("no session cookie")
	}
	var stored []string
	rows, err := app.Pool.Query(t.Context(), `SELECT token FROM sessions`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, s)
	}
	if len(stored) != 1 {
		t.Fatalf("sessions table holds %d rows, want 1", len(stored))
	}
	var found bool
	if err := app.Pool.QueryRow(t.Context(), `SELECT EXISTS (SELECT FROM sessions
		WHERE strpos(token, $1) > 0 OR strpos(encode(data, 'escape'), $1) > 0)`, token).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found {
		t.Errorf("the cookie's token %q is in the sessions table", token)
	}
	if rec, _ := c.get("/admin/users"); rec.Code != http.StatusOK {
		t.Fatalf("the cookie does not work: %d", rec.Code)
	}
	// A value copied from the table, used as a cookie, is nobody's session.
	thief := anonymous(t, app)
	req := thief.request(http.MethodGet, "/admin/users", nil)
	req.AddCookie(&http.Cookie{Name: server.SessionCookieName(false), Value: stored[0]})
	if rec := thief.do(req); !isSignInRedirect(rec) {
		t.Errorf("the stored value as a cookie: GET /admin/users = %d, want a redirect to sign in", rec.Code)
	}
}
