package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Session keys.
const (
	sessionUserID = "uid"
	sessionEpoch  = "epoch"
	sessionAuthAt = "auth_at" // Unix seconds of sign-in, for the absolute timeout
	sessionSeenAt = "seen_at" // Unix seconds of the last request, for the idle timeout
	sessionFlash  = "flash"
)

const (
	userKey ctxKey = iota + 100
	sessionLoadedKey
	noticeKey
)

// newSessionManager keeps sessions in PostgreSQL, so that every instance of the portal shares
// them. The cookie is HttpOnly and SameSite=Lax always, and Secure (with the __Host- prefix, which
// binds it to this host) when the portal is served over https. It does not persist past the
// browser's session.
func (s *Server) newSessionManager() *scs.SessionManager {
	sm := scs.New()
	// Expired rows are removed by `portal serve`'s housekeeping, not by a goroutine per handler.
	// The table holds only a hash of each token (see hashedStore).
	sm.Store = hashedStore{pgxstore.NewWithCleanupInterval(s.store.Pool(), 0)}
	sm.IdleTimeout = s.idle
	sm.Lifetime = s.lifetime
	sm.Cookie.Name = SessionCookieName(s.secure)
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	sm.Cookie.Secure = s.secure
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.error(w, r, err)
	}
	return sm
}

// SessionCookieName returns the name of the session cookie for a portal served over https or
// not.
func SessionCookieName(secure bool) string {
	if secure {
		return "__Host-session"
	}
	return "session"
}

// withSessions loads the session and the signed-in user, and any notice left for a visitor
// without a session (see notice), for every request but those for static files and health
// checks, which need neither.
func (s *Server) withSessions(next http.Handler) http.Handler {
	loaded := s.sessions.LoadAndSave(s.loadUser(next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		box := &noticeBox{header: w.Header(), cookie: s.noticeCookie()}
		if c, err := r.Cookie(box.cookie.Name); err == nil {
			box.msg = notices[c.Value]
		}
		loaded.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), noticeKey, box)))
	})
}

// loadUser finds the signed-in user from the session and the database. It ends the session of a
// user who is disabled, whose sessions were ended (a new password), or whose session has been
// idle or alive too long.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), sessionLoadedKey, true)
		id := s.sessions.GetInt64(ctx, sessionUserID)
		if id == 0 {
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		now := s.now()
		authAt := time.Unix(s.sessions.GetInt64(ctx, sessionAuthAt), 0)
		seenAt := time.Unix(s.sessions.GetInt64(ctx, sessionSeenAt), 0)
		var reason string
		switch {
		case now.Sub(authAt) >= s.lifetime:
			reason = "lifetime"
		case now.Sub(seenAt) >= s.idle:
			reason = "idle"
		}
		var u tracker.User
		if reason == "" {
			var err error
			u, err = s.store.UserByID(ctx, id)
			switch {
			case tracker.ErrorCode(err) == tracker.ENOTFOUND:
				reason = "no such user"
			case err != nil:
				s.error(w, r.WithContext(ctx), err)
				return
			case u.Disabled():
				reason = "disabled"
			case u.SessionEpoch != s.sessions.GetInt(ctx, sessionEpoch):
				reason = "sessions ended"
			}
		}
		if reason != "" {
			s.logger.InfoContext(ctx, "session ended", "user_id", id, "reason", reason)
			if err := s.sessions.Destroy(ctx); err != nil {
				s.error(w, r.WithContext(ctx), err)
				return
			}
			if reason == "idle" || reason == "lifetime" {
				s.notice(r.WithContext(ctx), noticeExpired)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		s.sessions.Put(ctx, sessionSeenAt, now.Unix())
		// Pages for signed-in users are theirs alone: no cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey, &u)))
	})
}

// startSession signs u in: a new session token (against session fixation) carrying the user,
// the epoch of their sessions and the time.
func (s *Server) startSession(ctx context.Context, u tracker.User) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	now := s.now().Unix()
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessionAuthAt, now)
	s.sessions.Put(ctx, sessionSeenAt, now)
	return nil
}

// user returns the signed-in user, or nil.
func (s *Server) user(r *http.Request) *tracker.User {
	u, _ := r.Context().Value(userKey).(*tracker.User)
	return u
}

// sessionLoaded reports whether the request carries a session, which it does unless it is for a
// static file or was refused before the session was loaded.
func sessionLoaded(r *http.Request) bool {
	ok, _ := r.Context().Value(sessionLoadedKey).(bool)
	return ok
}

// flash sets the message the next page shows in a notification banner.
func (s *Server) flash(r *http.Request, msg string) {
	if sessionLoaded(r) {
		s.sessions.Put(r.Context(), sessionFlash, msg)
	}
}

// actor returns who is making the request, and from where, for the audit log.
func (s *Server) actor(r *http.Request) tracker.Actor {
	return tracker.Actor{User: s.user(r), RemoteAddr: s.clientAddr(r)}
}

// clientAddr returns the address the request came from: the peer's, unless the peer is a
// trusted proxy, in which case the last address in X-Forwarded-For that is not a trusted proxy.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trustedProxy(a) {
			return a.Unmap().String()
		}
	}
	return host
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// layout returns what every page's frame needs to know about the request: the signed-in user
// and their navigation, and any message left by the previous request.
func (s *Server) layout(r *http.Request) web.LayoutProps {
	l := web.LayoutProps{CurrentPath: r.URL.Path}
	siteLinks(&l)
	if u := s.user(r); u != nil {
		role := u.Role.Label()
		if u.Role == tracker.RolePartner && u.OrganisationName != "" {
			role = u.OrganisationName
		}
		l.User = &web.User{Name: u.Name, Role: role}
		l.UserLinks = UserLinks(u)
	}
	if sessionLoaded(r) {
		l.Flash = s.sessions.PopString(r.Context(), sessionFlash)
	}
	if box, _ := r.Context().Value(noticeKey).(*noticeBox); box != nil && l.Flash == "" {
		l.Flash = box.pop()
	}
	return l
}

// UserLinks returns the navigation links for the user's role: partners report progress; staff
// review and see the dashboard; admins also manage accounts and read the audit log. Everyone
// signed in has their own account page last.
func UserLinks(u *tracker.User) []web.Link {
	var links []web.Link
	if u == nil || u.Disabled() {
		return nil
	}
	if u.Role == tracker.RolePartner {
		links = append(links, web.Link{Text: "Report progress", Href: paths.ReportList})
	}
	if u.IsStaff() {
		links = append(links, web.Link{Text: "Review", Href: paths.ReviewList}, web.Link{Text: "Dashboard", Href: paths.Dashboard},
			web.Link{Text: "Manage plans", Href: paths.AdminPlans})
	}
	if u.IsAdmin() {
		links = append(links, web.Link{Text: "Users", Href: paths.AdminUsers}, web.Link{Text: "Audit log", Href: paths.AdminAudit})
	}
	return append(links, web.Link{Text: "Your account", Href: paths.Account})
}

// redirectToSignIn sends an anonymous user to sign in, coming back to the page they asked for.
func (s *Server) redirectToSignIn(w http.ResponseWriter, r *http.Request) {
	target := paths.SignIn
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// forbidden renders the 403 page for a signed-in user who may not do what they asked.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	u := s.user(r)
	var id int64
	if u != nil {
		id = u.ID
	}
	s.logger.WarnContext(r.Context(), "forbidden", "user_id", id, "method", r.Method, "path", r.URL.Path)
	s.render(w, r, http.StatusForbidden, web.ForbiddenPage(s.layout(r)))
}

// requireUser lets only signed-in users through; others are sent to sign in.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.user(r) == nil {
			s.redirectToSignIn(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireCan lets through only users who may take the action on no particular commitment:
// anonymous users are sent to sign in, others without permission get the 403 page.
func (s *Server) requireCan(a tracker.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s.can(w, r, a, nil) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// can reports whether the signed-in user may take the action on the commitment (nil for actions
// on no particular commitment). When they may not, it has answered the request: anonymous users
// are sent to sign in, and signed-in users get the 403 page.
func (s *Server) can(w http.ResponseWriter, r *http.Request, a tracker.Action, c *tracker.Commitment) bool {
	u := s.user(r)
	if u == nil {
		s.redirectToSignIn(w, r)
		return false
	}
	if !tracker.Can(u, a, c) {
		s.forbidden(w, r)
		return false
	}
	return true
}

// localPath returns next if it is a path on this site that is safe to redirect to after signing
// in, or "".
func localPath(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t\x00") || !tracker.ValidText(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	switch u.Path {
	case paths.SignIn, paths.SignOut, paths.SetPassword, paths.ForgotPassword:
		return ""
	}
	return next
}
