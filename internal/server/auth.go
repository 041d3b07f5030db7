package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// signInForm shows the sign-in form, which goes on to the page in next once signed in. It has
// the email address in the query filled in, as after setting a password. A user signed in
// already goes straight there.
func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	next := localPath(q.Get("next"))
	if u := s.user(r); u != nil {
		if next == "" {
			next = homeFor(u)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	v := web.SignInView{Next: next, ResetAvailable: s.mailer != nil}
	if email := strings.TrimSpace(q.Get("email")); tracker.EmailProblem(email) == "" {
		v.Email = email
	}
	return s.page(w, r, http.StatusOK, web.SignInPage(s.layout(r), v))
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	email := strings.TrimSpace(r.PostFormValue("email"))
	pw := r.PostFormValue("password")
	v := web.SignInView{Email: email, Next: localPath(r.PostFormValue("next")), ResetAvailable: s.mailer != nil}
	if problems := tracker.CheckSignIn(email, pw); problems != nil {
		v.Errors = fieldErrors(problems)
		return s.page(w, r, http.StatusUnprocessableEntity, web.SignInPage(s.layout(r), v))
	}
	if len(email) > tracker.MaxEmailLength {
		email = email[:tracker.MaxEmailLength]
	}
	if !utf8.ValidString(email) {
		email = strings.ToValidUTF8(email, "")
	}

	// A slot of the hashing limiter is held from before the attempt is counted until the
	// password is checked, so that sign-ins beyond the limit are turned away at once with a 503,
	// uncounted and without touching the database.
	acquired, err := s.hashing.Acquire(ctx)
	if err != nil {
		return s.hashError(w, r, err)
	}
	release := sync.OnceFunc(acquired)
	defer release()

	// The attempt is counted before the password is checked, so that attempts sent at once are
	// throttled like attempts sent one after another.
	rules := tracker.SignInThrottle(email, s.clientAddr(r))
	until, err := s.store.TakeAttempt(ctx, rules, s.now())
	if err != nil {
		return err
	}
	if !until.IsZero() {
		release()
		return s.signInThrottled(w, r, v, until)
	}

	u, hash, err := s.store.Credentials(ctx, email)
	reason := ""
	switch {
	case tracker.ErrorCode(err) == tracker.ENOTFOUND:
		reason, hash = "unknown email", s.dummyHash()
	case err != nil:
		s.returnAttempt(ctx, rules)
		return err
	case hash == "":
		reason, hash = "no password set", s.dummyHash()
	}
	// Always verify against some hash, so that every failure takes about as long.
	ok, err := password.Verify(pw, hash)
	switch {
	case err != nil:
		s.logger.ErrorContext(ctx, "stored password hash is malformed", "user_id", u.ID)
		reason = "malformed hash"
	case reason == "" && !ok:
		reason = "wrong password"
	case reason == "" && u.Disabled():
		reason = "account disabled"
	}
	newHash := ""
	if reason == "" && password.NeedsRehash(hash, s.pw) {
		if newHash, err = password.Hash(pw, s.pw); err != nil {
			return err
		}
	}
	release()
	if reason != "" {
		return s.signInFailure(w, r, v, u, reason)
	}
	// The account's counts start again; the address's forgets this attempt, so that the people
	// of an office that shares an address are not throttled for signing in.
	if err := s.store.ClearThrottle(ctx, rules[:2]); err != nil {
		return err
	}
	if err := s.store.ReturnAttempt(ctx, rules[2:]); err != nil {
		return err
	}
	if err := s.startSession(ctx, u); err != nil {
		return err
	}
	if err := s.store.RecordSignIn(ctx, tracker.Actor{User: &u, RemoteAddr: s.clientAddr(r)}, newHash); err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "signed in", "user_id", u.ID)
	next := v.Next
	if next == "" {
		next = homeFor(&u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// signInFailure audits a failed sign-in, already counted, and shows the form again with the one
// message for every failure.
func (s *Server) signInFailure(w http.ResponseWriter, r *http.Request, v web.SignInView, u tracker.User, reason string) error {
	entry := postgres.AuditEntry{Action: "sign_in.failed", RecordType: "user",
		Details: map[string]any{"email": auditEmail(v.Email), "reason": reason}}
	if u.ID != 0 {
		entry.RecordID = userRef(u.ID)
	}
	if err := s.store.Audit(r.Context(), tracker.Actor{RemoteAddr: s.clientAddr(r), Label: "anonymous"}, entry); err != nil {
		return err
	}
	s.logger.InfoContext(r.Context(), "sign-in failed", "reason", reason, "user_id", u.ID)
	v.Errors = fieldErrors(tracker.SignInFailed())
	return s.page(w, r, http.StatusUnauthorized, web.SignInPage(s.layout(r), v))
}

// signInThrottled refuses a sign-in while its account or address is locked, without checking
// the password, and audits the refusal.
func (s *Server) signInThrottled(w http.ResponseWriter, r *http.Request, v web.SignInView, until time.Time) error {
	err := s.store.Audit(r.Context(), tracker.Actor{RemoteAddr: s.clientAddr(r), Label: "anonymous"}, postgres.AuditEntry{
		Action: "sign_in.failed", RecordType: "user", Details: map[string]any{"email": auditEmail(v.Email), "reason": "throttled"}})
	if err != nil {
		return err
	}
	s.logger.WarnContext(r.Context(), "sign-in throttled", "until", until)
	return s.throttledPage(w, r, v, until)
}

func (s *Server) throttledPage(w http.ResponseWriter, r *http.Request, v web.SignInView, until time.Time) error {
	wait := max(until.Sub(s.now()), time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
	v.Errors = fieldErrors(tracker.SignInThrottled(wait))
	return s.page(w, r, http.StatusTooManyRequests, web.SignInPage(s.layout(r), v))
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := s.user(r)
	if u == nil {
		// Nobody to sign out: no session is made. What is left of one that ended goes.
		if ended(r) != nil {
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
			s.notice(r, noticeSignedOut)
		}
		http.Redirect(w, r, paths.Home, http.StatusSeeOther)
		return nil
	}
	if err := s.store.Audit(ctx, s.actor(r), postgres.AuditEntry{Action: "sign_out", RecordType: "user", RecordID: userRef(u.ID)}); err != nil {
		return err
	}
	// Destroy deletes the session and its cookie; the message goes in a cookie of its own, so
	// that no new session is made for it.
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	s.notice(r, noticeSignedOut)
	http.Redirect(w, r, paths.Home, http.StatusSeeOther)
	return nil
}

// setPasswordForm shows the form reached by a single-use link. Showing it does not use the link.
func (s *Server) setPasswordForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	// The token is in the address: no other site may see it in a Referer.
	w.Header().Set("Referrer-Policy", "no-referrer")
	token := r.URL.Query().Get("token")
	la, err := s.store.Token(r.Context(), token)
	if err != nil {
		return s.linkError(w, r, err)
	}
	return s.page(w, r, http.StatusOK, web.SetPasswordPage(s.layout(r), web.SetPasswordView{Purpose: la.Purpose, Token: token, User: la.User}))
}

func (s *Server) linkError(w http.ResponseWriter, r *http.Request, err error) error {
	if err == tracker.ErrLinkInvalid {
		return s.page(w, r, http.StatusNotFound, web.LinkInvalidPage(s.layout(r)))
	}
	return err
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	token := r.PostFormValue("token")
	la, err := s.store.Token(ctx, token)
	if err != nil {
		return s.linkError(w, r, err)
	}
	v := web.SetPasswordView{Purpose: la.Purpose, Token: token, User: la.User,
		Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	pw, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	var context []string
	if la.User != nil {
		context = []string{la.User.Email, la.User.Name}
	} else {
		if msg := tracker.EmailProblem(v.Email); msg != "" {
			v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: msg})
		}
		if msg := tracker.NameProblem(v.Name); msg != "" {
			v.Errors = append(v.Errors, web.FieldError{Field: "name", Message: msg})
		}
		context = []string{v.Email, v.Name}
	}
	v.Errors = append(v.Errors, fieldErrors(tracker.CheckNewPassword(password.Check(pw, context...), pw, confirm))...)
	if len(v.Errors) > 0 {
		return s.page(w, r, http.StatusUnprocessableEntity, web.SetPasswordPage(s.layout(r), v))
	}
	hash, err := s.hashing.Hash(ctx, pw, s.pw)
	if err != nil {
		return s.hashError(w, r, err)
	}
	actor := tracker.Actor{RemoteAddr: s.clientAddr(r), Label: "single-use link"}
	var u tracker.User
	if la.Purpose == tracker.TokenFirstAdmin {
		u, err = s.store.CreateFirstAdmin(ctx, actor, token, postgres.NewUser{Email: v.Email, Name: v.Name, PasswordHash: hash})
	} else {
		u, err = s.store.SetPasswordWithToken(ctx, actor, token, hash)
	}
	if tracker.ErrorCode(err) == tracker.ECONFLICT && la.User == nil {
		v.Errors = []web.FieldError{{Field: "email", Message: tracker.ErrorMessage(err)}}
		return s.page(w, r, http.StatusUnprocessableEntity, web.SetPasswordPage(s.layout(r), v))
	}
	if err != nil {
		return s.linkError(w, r, err)
	}
	// A new password lifts any lock on the account, so that a user locked out by someone
	// else's guesses gets back in at once.
	if err := s.store.ClearThrottle(ctx, tracker.SignInThrottle(u.Email, s.clientAddr(r))[:2]); err != nil {
		return err
	}
	// Whoever was signed in in this browser is signed out: the next sign-in is with the new
	// password.
	if s.user(r) != nil {
		if err := s.sessions.Destroy(ctx); err != nil {
			return err
		}
	}
	s.notice(r, noticePasswordSet)
	http.Redirect(w, r, paths.SignInAs(u.Email), http.StatusSeeOther)
	return nil
}

func userRef(id int64) string { return postgres.RecordRef(id) }

func (s *Server) forgotPasswordForm(w http.ResponseWriter, r *http.Request) error {
	if s.mailer == nil {
		return tracker.ErrNotFound
	}
	return s.page(w, r, http.StatusOK, web.ForgotPasswordPage(s.layout(r), web.ForgotPasswordView{}))
}

// forgotPassword sends a password reset link to the address, if an active account has it. The
// answer is the same, and as quick, whether or not one does: the request is counted against the
// address (whether or not an account has it) before the answer, and the account is looked up
// and the email sent after it.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	if s.mailer == nil {
		return tracker.ErrNotFound
	}
	v := web.ForgotPasswordView{Email: strings.TrimSpace(r.PostFormValue("email"))}
	if msg := tracker.EmailProblem(v.Email); msg != "" {
		v.Errors = []web.FieldError{{Field: "email", Message: msg}}
		return s.page(w, r, http.StatusUnprocessableEntity, web.ForgotPasswordPage(s.layout(r), v))
	}
	addr := s.clientAddr(r)
	now := s.now()
	// Counted before anything is sent, so that requests sent at once are limited like requests
	// sent one after another. One refused gets the same answer.
	until, err := s.store.TakeAttempt(r.Context(), tracker.ResetThrottle(v.Email, addr), now)
	if err != nil {
		return err
	}
	if until.IsZero() {
		ctx := context.WithoutCancel(r.Context())
		go func() {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if err := s.sendResetLink(ctx, v.Email, addr); err != nil {
				s.logger.ErrorContext(ctx, "password reset", "err", err)
			}
		}()
	} else {
		s.logger.WarnContext(r.Context(), "password reset throttled", "until", until)
	}
	return s.page(w, r, http.StatusOK, web.ResetSentPage(s.layout(r), v.Email))
}

// sendResetLink queues, in the outbox, a reset link (or, to a user who has not set a password
// yet, a new invitation) to the active account with the address. The request has already been
// let through the reset throttle.
func (s *Server) sendResetLink(ctx context.Context, email, addr string) error {
	queued, err := s.store.QueueResetLink(ctx, tracker.Actor{RemoteAddr: addr, Label: "password reset request"}, email, s.setPasswordURL)
	if queued && s.emailQueued != nil {
		s.emailQueued()
	}
	return err
}

// auditEmail is the email address typed at a failed sign-in as the audit log records it: people
// sometimes type their password into the email field, so anything that is not an email address
// is not recorded.
func auditEmail(typed string) string {
	if tracker.EmailProblem(typed) != "" {
		return "(not an email address)"
	}
	return tracker.NormaliseEmail(typed)
}
