package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// TestSecurityHeadersEverywhere checks the headers every response carries: pages, error pages, redirects
// and static files, over http and https.
func TestSecurityHeadersEverywhere(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		name := "http"
		var opts []appOption
		if https {
			name = "https"
			opts = append(opts, withHTTPS())
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := newApp(t, opts...)
			c := anonymous(t, app)
			admin := signIn(t, app, tracker.RoleAdmin, "")
			partner := signIn(t, app, tracker.RolePartner, "NES")
			requests := []struct {
				name   string
				c      *client
				method string
				path   string
				status int
			}{
				{"page", c, http.MethodGet, "/", http.StatusOK},
				{"sign-in page", c, http.MethodGet, "/sign-in", http.StatusOK},
				{"signed-in page", admin, http.MethodGet, "/admin/users", http.StatusOK},
				{"not found", c, http.MethodGet, "/no/such/page", http.StatusNotFound},
				{"forbidden", partner, http.MethodGet, "/admin/users", http.StatusForbidden},
				{"redirect to sign in", c, http.MethodGet, "/admin/users", http.StatusSeeOther},
				{"method not allowed", c, http.MethodDelete, "/", http.StatusMethodNotAllowed},
				{"static file", c, http.MethodGet, web.AssetPath("app.css"), http.StatusOK},
				{"static file not found", c, http.MethodGet, "/static/nope.css", http.StatusNotFound},
				{"health", c, http.MethodGet, "/healthz", http.StatusOK},
			}
			for _, rq := range requests {
				t.Run(rq.name, func(t *testing.T) {
					rec := rq.c.do(rq.c.request(rq.method, rq.path, nil))
					if rec.Code != rq.status {
						t.Errorf("%s %s = %d, want %d", rq.method, rq.path, rec.Code, rq.status)
					}
					h := rec.Header()
					csp := h.Get("Content-Security-Policy")
					for _, d := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"} {
						if !strings.Contains(csp, d) {
							t.Errorf("CSP %q lacks %q", csp, d)
						}
					}
					if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
						t.Errorf("CSP %q allows inline script or eval", csp)
					}
					want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}
					for k, v := range want {
						if got := h.Get(k); got != v {
							t.Errorf("%s = %q, want %q", k, got, v)
						}
					}
					if h.Get("Referrer-Policy") == "" || h.Get("Permissions-Policy") == "" {
						t.Errorf("Referrer-Policy %q, Permissions-Policy %q: want both", h.Get("Referrer-Policy"), h.Get("Permissions-Policy"))
					}
					hsts := h.Get("Strict-Transport-Security")
					if https && !strings.Contains(hsts, "max-age=") {
						t.Errorf("no HSTS over https")
					}
					if !https && hsts != "" {
						t.Errorf("HSTS %q over http", hsts)
					}
				})
			}
		})
	}
}

// TestSessionCookie checks the session cookie's attributes over http and https.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, https := range []bool{false, true} {
		var opts []appOption
		if https {
			opts = append(opts, withHTTPS())
		}
		app := newApp(t, opts...)
		u, pw := createUser(t, app, tracker.RoleStaff, "")
		c := anonymous(t, app)
		rec := c.post("/sign-in", url.Values{"email": {u.Email}, "password": {pw}})
		var found bool
		for _, ck := range rec.Result().Cookies() {
			wantName := "session"
			if https {
				wantName = "__Host-session"
			}
			if ck.Name != wantName {
				continue
			}
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != https || ck.Path != "/" || ck.Domain != "" {
				t.Errorf("https=%v: cookie %+v, want HttpOnly, SameSite=Lax, Path=/, no Domain, Secure=%v", https, ck, https)
			}
			if ck.MaxAge != 0 || !ck.Expires.IsZero() {
				t.Errorf("https=%v: cookie persists past the browser session: %+v", https, ck)
			}
		}
		if !found {
			t.Errorf("https=%v: no session cookie set at sign-in", https)
		}
	}
}

// TestCrossOriginPostRefused sends state-changing requests as another site's page would.
func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	form := url.Values{"email": {"mallory@evil.example"}, "name": {"Mallory"}, "role": {"admin"}}
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"cross-site", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"Origin only", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"same-origin", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := admin.request(http.MethodPost, "/admin/users", form)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := admin.do(req)
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d", rec.Code, tt.want)
			}
		})
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM users WHERE email = 'mallory@evil.example'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("accounts created = %d (%v), want 1: only the same-origin request", n, err)
	}
	// Sign-in and sign-out are protected too: no login CSRF, no forced sign-out.
	for _, path := range []string{"/sign-in", "/sign-out"} {
		req := admin.request(http.MethodPost, path, url.Values{})
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if rec := admin.do(req); rec.Code != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d, want 403", path, rec.Code)
		}
	}
	if rec, _ := admin.get("/admin/users"); rec.Code != http.StatusOK {
		t.Error("a cross-site POST /sign-out signed the user out")
	}
}

// TestNoStateChangeOnGet checks that the routes that change state answer only POST.
func TestNoStateChangeOnGet(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	for _, rt := range authzRoutes {
		if rt.Method != http.MethodPost {
			continue
		}
		path := rt.Path
		if rt.Setup != nil {
			path, _ = rt.Setup(t, app)
		}
		if rec, _ := admin.get(path); rec.Code != http.StatusMethodNotAllowed && rec.Code != http.StatusNotFound {
			// Some POST routes share their path with a page (such as /admin/users, or a form
			// such as /report/{ref}, listed as a GET route too): the page must not change
			// anything, which the matrix and the page tests check.
			if !strings.HasPrefix(path, "/admin/users") || strings.Count(path, "/") > 3 {
				if hasPage(rt.Path) {
					continue
				}
				t.Errorf("GET %s = %d, want 405", path, rec.Code)
			}
		}
	}
}

// hasPage reports whether there is a GET page at the pattern of a POST route's Path (up to any
// space, as in "/review/{id} publish"): the sign-in form, or a page authzRoutes lists.
func hasPage(pattern string) bool {
	pattern, _, _ = strings.Cut(pattern, " ")
	if pattern == "/sign-in" {
		return true
	}
	for _, rt := range authzRoutes {
		if rt.Method == http.MethodGet && rt.Path == pattern {
			return true
		}
	}
	return false
}
