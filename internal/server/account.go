package server

import (
	"errors"
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	v, err := s.accountView(r)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.AccountPage(s.layout(r), v))
}

// accountView is the signed-in user's account page, with their email choices.
func (s *Server) accountView(r *http.Request) (web.AccountView, error) {
	u := *s.user(r)
	prefs, err := s.store.EmailPreferences(r.Context(), u)
	return web.AccountView{User: u, Emails: prefs}, err
}

// changeEmailChoices records, for each kind of email the user gets, at once or a daily summary.
func (s *Server) changeEmailChoices(w http.ResponseWriter, r *http.Request) error {
	v, err := s.accountView(r)
	if err != nil {
		return err
	}
	prefs, problems := tracker.ParseEmailPreferences(v.User.Role, r.PostFormValue)
	if len(problems) > 0 {
		v.EmailErrors = fieldErrors(problems)
		for k, f := range prefs {
			v.Emails[k] = f
		}
		return s.page(w, r, http.StatusUnprocessableEntity, web.AccountPage(s.layout(r), v))
	}
	if err := s.store.SetEmailPreferences(r.Context(), s.actor(r), prefs); err != nil {
		return err
	}
	s.flash(r, "Your email choices have been saved.")
	http.Redirect(w, r, paths.Account, http.StatusSeeOther)
	return nil
}

// changePassword sets a new password for the signed-in user, who must give their current one.
// Every other session of theirs ends; this one continues with a new token.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := *s.user(r)
	v, err := s.accountView(r)
	if err != nil {
		return err
	}
	current, pw, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	rules := tracker.SignInThrottle(u.Email, s.clientAddr(r))
	if problems := tracker.CheckCurrentPassword(current); problems != nil {
		v.Errors = append(v.Errors, fieldErrors(problems)...)
	} else {
		// Counted before the password is checked, as at sign-in.
		until, err := s.store.TakeAttempt(ctx, rules, s.now())
		if err != nil {
			return err
		}
		ok := false
		if until.IsZero() {
			_, hash, err := s.store.Credentials(ctx, u.Email)
			if err != nil {
				s.returnAttempt(ctx, rules)
				return err
			}
			if hash != "" {
				ok, err = s.hashing.Verify(ctx, current, hash)
				if err != nil && !errors.Is(err, password.ErrMalformed) {
					s.returnAttempt(ctx, rules)
					return s.hashError(w, r, err)
				}
			}
			if ok {
				// A right password starts the account's counts again and does not count
				// against the address, as at sign-in.
				if err := s.store.ClearThrottle(ctx, rules[:2]); err != nil {
					return err
				}
				if err := s.store.ReturnAttempt(ctx, rules[2:]); err != nil {
					return err
				}
			}
		}
		if !until.IsZero() || !ok {
			v.Errors = append(v.Errors, fieldErrors(tracker.CurrentPasswordRefused(!until.IsZero()))...)
		}
	}
	v.Errors = append(v.Errors, fieldErrors(tracker.CheckPasswordChange(password.Check(pw, u.Email, u.Name), pw, confirm, current))...)
	if len(v.Errors) > 0 {
		return s.page(w, r, http.StatusUnprocessableEntity, web.AccountPage(s.layout(r), v))
	}
	hash, err := s.hashing.Hash(ctx, pw, s.pw)
	if err != nil {
		return s.hashError(w, r, err)
	}
	if err := s.store.SetPassword(ctx, s.actor(r), u.ID, hash); err != nil {
		return err
	}
	changed, err := s.store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := s.startSession(ctx, changed); err != nil {
		return err
	}
	s.flash(r, "Your password has been changed. You have been signed out everywhere else.")
	http.Redirect(w, r, paths.Account, http.StatusSeeOther)
	return nil
}

// keepAlive is POST /account/keep-alive, which pages with a form send when the person answers the
// warning that their session is about to end: loadUser has already counted the request as use of
// the session, so there is nothing more to do.
func (s *Server) keepAlive(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}
