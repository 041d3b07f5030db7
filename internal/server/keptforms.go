package server

// Nothing typed is lost when a session ends. A form sent after the session ended (it went unused
// too long or lasted too long, the account was signed out everywhere, or disabled) is kept on the
// server for its account, without passwords, under a random single-use key; the person is sent
// to sign in with a message saying why, and that what they typed is kept. Signing in again as
// the same account brings them back to the form's page with the key, where what they typed is
// put back into the form, unsaved, until they press its button again.
//
// Putting a form back runs the handler that receives it, with what was typed, in a mode in which
// saveForm and confirmed show the form instead of saving it, and in which the store refuses to
// change anything (postgres.ReadOnly): the form is shown exactly as it is after a mistake, by
// the code that does that already, and nothing is saved.

import (
	"context"
	"crypto/rand"
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// keptParam is the query parameter of a form's page that carries the key of what was typed into
// it, to put back.
const keptParam = "kept"

// endedSession is whose session loadUser ended during the request, and why.
type endedSession struct {
	userID int64
	reason tracker.SessionEnd
}

// ended returns whose session ended during the request, and why; nil when none did.
func ended(r *http.Request) *endedSession {
	e, ok := r.Context().Value(endedKey).(endedSession)
	if !ok {
		return nil
	}
	return &e
}

// restoring reports whether the request is putting a kept form back rather than sending it: the
// form's handler shows the form with what was typed, and saves nothing.
func restoring(r *http.Request) bool {
	ok, _ := r.Context().Value(restoringKey).(bool)
	return ok
}

// redirectToSignIn sends a visitor who is not signed in to sign in, coming back to the page they
// asked for, or to the page of the form they sent. When the form was sent after their session
// ended, what they typed is kept first (see keepForm).
func (s *Server) redirectToSignIn(w http.ResponseWriter, r *http.Request) {
	next := ""
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		next = r.URL.RequestURI()
	case s.keepable[routePattern(r)]:
		next = r.URL.Path
		key, err := s.keepForm(r)
		if err != nil {
			// The typed text is not lost: the error page for a form shows it (see notSaved).
			s.error(w, r, err)
			return
		}
		if key != "" {
			next += "?" + url.Values{keptParam: {key}}.Encode()
		}
	}
	target := paths.SignIn
	if next != "" {
		target += "?" + url.Values{"next": {next}}.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// routePattern is the pattern of the route that answers the request, such as /report/{ref}.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}

// keepForm keeps what was typed into the form the request sends, when the session it was sent
// in ended during the request and what ended it leaves the account known, and returns the key
// that gets it back. It returns "" when nothing is kept: no session ended, or the form holds
// nothing that may be kept (passwords never are, nor files).
func (s *Server) keepForm(r *http.Request) (string, error) {
	e := ended(r)
	if e == nil || !tracker.CanKeepForm(e.reason) {
		return "", nil
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return "", nil
	}
	values := tracker.KeepableFields(r.PostForm)
	if values == nil {
		return "", nil
	}
	key := rand.Text()
	if _, err := s.store.KeepForm(r.Context(), tokenHash(key), tracker.KeptForm{
		UserID: e.userID, Path: r.URL.Path, Values: values, Reason: e.reason}); err != nil {
		return "", err
	}
	s.logger.InfoContext(r.Context(), "form kept", "user_id", e.userID, "reason", e.reason, "path", r.URL.Path)
	s.notice(r, endedNotice(e.reason, true))
	return key, nil
}

// showOrRestore is the GET of a form at an address its POST is sent to: show shows the form,
// unless the address carries the key of what was typed into it before a session ended. Then the
// kept form is taken (it is given once), and when it is the signed-in user's, for this page,
// send runs with what was typed, putting it back (see restoring).
func (s *Server) showOrRestore(show, send handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.URL.Query().Get(keptParam)
		u := s.user(r)
		if key == "" || u == nil {
			return show(w, r)
		}
		ctx := r.Context()
		f, err := s.store.TakeKeptForm(ctx, tokenHash(key))
		switch {
		case errors.Is(err, tracker.ErrNotFound):
			s.tell(r, tracker.KeptFormGone())
			return show(w, r)
		case err != nil:
			return err
		case f.UserID != u.ID:
			s.logger.WarnContext(ctx, "kept form refused to another account", "user_id", u.ID, "kept_for", f.UserID)
			s.tell(r, tracker.MsgKeptFormOtherAccount)
			return show(w, r)
		case f.Path != r.URL.Path:
			s.logger.WarnContext(ctx, "kept form opened at another page", "user_id", u.ID, "path", r.URL.Path, "kept_at", f.Path)
			s.tell(r, tracker.KeptFormGone())
			return show(w, r)
		}
		s.logger.InfoContext(ctx, "kept form put back", "user_id", u.ID, "path", f.Path)
		// saveForm and confirmDo say which button to press again, where they know it.
		s.tell(r, tracker.FormPutBack(""))
		rr := r.WithContext(postgres.ReadOnly(context.WithValue(ctx, restoringKey, true)))
		rr.PostForm = url.Values(f.Values)
		rr.Form = url.Values(f.Values)
		return send(w, rr)
	}
}
