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
	// sessionTell is a message for the next page that is not good news, such as that a form's
	// contents were put back but not saved.
	sessionTell = "tell"
	// sessionEndedUserID and sessionEndedReason are all that is left of a session loadUser has
	// ended: whose it was and why, so that a form sent later from one of its pages is kept.
	sessionEndedUserID = "ended_uid"
	sessionEndedReason = "ended_reason"
)

const (
	userKey ctxKey = iota + 100
	sessionLoadedKey
	noticeKey
	endedKey
	restoringKey
)

// newSessionManager keeps sessions in PostgreSQL, so that every instance of the portal shares
// them. The cookie is HttpOnly and SameSite=Lax always, and Secure (with the __Host- prefix, which
// binds it to this host) when the portal is served over https. It does not persist past the
// browser's session.
//
// loadUser ends a session that has been idle or alive too long, by the portal's clock. The row
// stays until then, and for one idle timeout more, so that a form sent after the session ended
// still says whose it was, and what was typed into it can be kept for them (see keepForm).
func (s *Server) newSessionManager() *scs.SessionManager {
	sm := scs.New()
	// Expired rows are removed by `portal serve`'s housekeeping, not by a goroutine per handler.
	// The table holds only a hash of each token (see hashedStore).
	sm.Store = hashedStore{pgxstore.NewWithCleanupInterval(s.store.Pool(), 0)}
	sm.Lifetime = s.lifetime + s.idle
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
			box.msg = s.noticeText(c.Value)
		}
		loaded.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), noticeKey, box)))
	})
}

// loadUser finds the signed-in user from the session and the database. It ends the session of a
// user who is disabled, whose sessions were ended (a new password), or whose session has been
// idle or alive too long, and the next page says why. The session then signs nobody in, but
// keeps whose it was and why it ended (see endedSession) until it expires, so that a form sent
// from one of its pages, then or later, is kept for its account.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), sessionLoadedKey, true)
		id := s.sessions.GetInt64(ctx, sessionUserID)
		if id == 0 {
			if uid := s.sessions.GetInt64(ctx, sessionEndedUserID); uid != 0 {
				reason := tracker.SessionEnd(s.sessions.GetString(ctx, sessionEndedReason))
				ctx = context.WithValue(ctx, endedKey, endedSession{userID: uid, reason: reason})
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		now := s.now()
		authAt := time.Unix(s.sessions.GetInt64(ctx, sessionAuthAt), 0)
		seenAt := time.Unix(s.sessions.GetInt64(ctx, sessionSeenAt), 0)
		var reason tracker.SessionEnd
		switch {
		case now.Sub(authAt) >= s.lifetime:
			reason = tracker.SessionLifetime
		case now.Sub(seenAt) >= s.idle:
			reason = tracker.SessionIdle
		}
		var u tracker.User
		if reason == "" {
			var err error
			u, err = s.store.UserByID(ctx, id)
			switch {
			case tracker.ErrorCode(err) == tracker.ENOTFOUND:
				reason = tracker.SessionNoUser
			case err != nil:
				s.error(w, r.WithContext(ctx), err)
				return
			case u.Disabled():
				reason = tracker.SessionDisabled
			case u.SessionEpoch != s.sessions.GetInt(ctx, sessionEpoch):
				reason = tracker.SessionsEnded
			}
		}
		if reason != "" {
			s.logger.InfoContext(ctx, "session ended", "user_id", id, "reason", reason)
			if err := s.endSession(ctx, id, reason); err != nil {
				s.error(w, r.WithContext(ctx), err)
				return
			}
			ctx = context.WithValue(ctx, endedKey, endedSession{userID: id, reason: reason})
			s.notice(r.WithContext(ctx), endedNotice(reason, false))
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		// The session row is written again only once its time of last use is seenStep old, not
		// on every request: most of a signed-in visitor's pages then read the session and write
		// nothing.
		if now.Sub(seenAt) >= s.seenStep() {
			s.sessions.Put(ctx, sessionSeenAt, now.Unix())
		}
		// Pages for signed-in users are theirs alone: no cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey, &u)))
	})
}

// seenStep is how stale a session's time of last use may be: it is written again once it is
// this old (a minute, or a thirtieth of a shorter idle timeout). A session may so end up to
// seenStep before the idle timeout has passed since its last request, never after.
func (s *Server) seenStep() time.Duration {
	return min(time.Minute, s.idle/30)
}

// endSession ends the session of the user with the id for the reason. Unless the account is gone,
// what is left of it says whose it was and why it ended, and nothing else: it signs nobody in.
// The token stays, as it now gives less, not more.
func (s *Server) endSession(ctx context.Context, id int64, reason tracker.SessionEnd) error {
	if !tracker.CanKeepForm(reason) {
		return s.sessions.Destroy(ctx)
	}
	if err := s.sessions.Clear(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionEndedUserID, id)
	s.sessions.Put(ctx, sessionEndedReason, string(reason))
	return nil
}

// startSession signs u in: a new session token (against session fixation) carrying the user,
// the epoch of their sessions and the time, and nothing of a session that ended before.
func (s *Server) startSession(ctx context.Context, u tracker.User) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessionEndedUserID)
	s.sessions.Remove(ctx, sessionEndedReason)
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

// tell sets a message the next page shows in a notification that is not good news, such as that
// what was typed has been put back but not saved.
func (s *Server) tell(r *http.Request, msg string) {
	if sessionLoaded(r) {
		s.sessions.Put(r.Context(), sessionTell, msg)
	}
}

// layout returns what every page's frame needs to know about the request: the signed-in user,
// their navigation and how long their session lasts unused, and any message left by the previous
// request.
func (s *Server) layout(r *http.Request) web.LayoutProps {
	// Pages for signed-in users and of signing in are not for search engines (see noIndex).
	l := web.LayoutProps{CurrentPath: r.URL.Path, NoIndex: paths.IsPrivate(r.URL.Path), PageURL: s.pageURL(r), Made: s.now()}
	siteLinks(&l)
	if u := s.user(r); u != nil {
		l.NoIndex = true
		role := u.Role.Label()
		if u.Role == tracker.RolePartner && u.OrganisationName != "" {
			role = u.OrganisationName
		}
		l.User = &web.User{Name: u.Name, Role: role}
		l.UserLinks = UserLinks(u)
		l.Session = &web.SessionTimes{Idle: s.idle, Warn: s.idleWarning, KeepAlive: paths.KeepAlive}
	}
	if sessionLoaded(r) {
		l.Flash = s.sessions.PopString(r.Context(), sessionFlash)
		l.Notice = s.sessions.PopString(r.Context(), sessionTell)
	}
	if box, _ := r.Context().Value(noticeKey).(*noticeBox); box != nil && l.Flash == "" && l.Notice == "" {
		if msg := box.pop(); msg.important {
			l.Notice = msg.text
		} else {
			l.Flash = msg.text
		}
	}
	return l
}

// pageURL is the full address of the page the request asks for, as a printed page gives it,
// leaving out the secret of a link sent by email: a password link's token, an alert's t.
func (s *Server) pageURL(r *http.Request) string {
	u := strings.TrimRight(s.baseURL, "/") + r.URL.Path
	query := r.URL.RawQuery
	if q := r.URL.Query(); q.Has("token") || q.Has("t") {
		q.Del("token")
		q.Del("t")
		query = q.Encode()
	}
	if query != "" {
		u += "?" + query
	}
	return u
}

// homeFor is where a user goes after signing in when no page asked them to: partners to report
// progress, staff and administrators to review updates.
func homeFor(u *tracker.User) string {
	switch {
	case u == nil || u.Disabled():
		return paths.Home
	case u.IsStaff():
		return paths.ReviewList
	case u.Role == tracker.RolePartner:
		return paths.ReportList
	}
	return paths.Home
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
