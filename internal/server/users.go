package server

// Administrators manage accounts: invite users, change their role, disable and enable them, and
// make single-use links to set a password. Every route here is behind
// requireCan(tracker.ActionManageUsers).

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	l := s.layout(r)
	l.Title = "Users"
	return s.page(w, r, http.StatusOK, web.UsersPage(l, web.UsersView{Users: us}))
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.InviteUserPage(s.layout(r), web.InviteView{Form: invitePrefill(r, orgs), Organisations: orgs}))
}

// invitePrefill starts the invitation form from the address: ?org=CODE, from a reporting round's
// coverage, invites a delivery partner of that organisation. A code that names no organisation
// in use is ignored.
func invitePrefill(r *http.Request, orgs []tracker.Organisation) web.UserForm {
	code := r.URL.Query().Get("org")
	for _, o := range orgs {
		if code != "" && o.Code == code {
			return web.UserForm{Role: string(tracker.RolePartner), Organisation: code}
		}
	}
	return web.UserForm{}
}

// decodeUserForm reads the invitation or role form.
func decodeUserForm(r *http.Request) web.UserForm {
	f := web.UserForm{
		Email:        strings.TrimSpace(r.PostFormValue("email")),
		Name:         strings.TrimSpace(r.PostFormValue("name")),
		Role:         r.PostFormValue("role"),
		Organisation: r.PostFormValue("organisation"),
	}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	return f
}

// checkRole checks the role and organisation of a user form with tracker.CheckRole.
func checkRole(f web.UserForm, orgs []tracker.Organisation) formErrors {
	return fieldErrors(tracker.CheckRole(f.Role, f.Organisation, orgs))
}

// invite creates an account and shows the link that sets its password. An address already in
// use is shown as a problem with the email address.
func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		return err
	}
	v := web.InviteView{Form: decodeUserForm(r), Organisations: orgs}
	if restoring(r) {
		s.tell(r, tracker.FormPutBack("Send invitation"))
		return s.page(w, r, http.StatusOK, web.InviteUserPage(s.layout(r), v))
	}
	if msg := tracker.EmailProblem(v.Form.Email); msg != "" {
		v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: msg})
	}
	if msg := tracker.NameProblem(v.Form.Name); msg != "" {
		v.Errors = append(v.Errors, web.FieldError{Field: "name", Message: msg})
	}
	v.Errors = append(v.Errors, checkRole(v.Form, orgs)...)
	if len(v.Errors) == 0 {
		u, token, err := s.store.InviteUser(ctx, s.actor(r), postgres.NewUser{Email: v.Form.Email, Name: v.Form.Name,
			Role: tracker.Role(v.Form.Role), OrganisationCode: v.Form.Organisation})
		switch {
		case err == nil:
			return s.showLink(w, r, u, tracker.TokenInvite, token)
		case !isConflict(err):
			return err
		}
		v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: tracker.ErrorMessage(err)})
	}
	return s.page(w, r, http.StatusUnprocessableEntity, web.InviteUserPage(s.layout(r), v))
}

// showLink shows a new single-use link to the administrator who made it, emailing it to the user
// when a mail relay is configured. The link is in this response only: it is not stored.
func (s *Server) showLink(w http.ResponseWriter, r *http.Request, u tracker.User, purpose tracker.TokenPurpose, token string) error {
	v := web.LinkView{User: u, Purpose: purpose, URL: s.setPasswordURL(token)}
	if s.mailer != nil {
		if err := s.mailer.Send(r.Context(), linkMessage(u, purpose, v.URL)); err != nil {
			s.logger.ErrorContext(r.Context(), "send link", "user_id", u.ID, "purpose", purpose, "err", err)
			v.MailFailed = true
		} else {
			v.Emailed = true
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.page(w, r, http.StatusOK, web.LinkCreatedPage(s.layout(r), v))
}

// setPasswordURL is the full address of a single-use link.
func (s *Server) setPasswordURL(token string) string {
	return paths.SetPasswordLink(s.baseURL, token)
}

// linkMessage is the email that carries a single-use link.
func linkMessage(u tracker.User, purpose tracker.TokenPurpose, link string) mail.Message {
	switch purpose {
	case tracker.TokenReset:
		return mail.Message{To: u.Email, Subject: "Reset your Delivery Tracker password", Body: fmt.Sprintf(
			"Dear %s,\n\nUse this link to choose a new password for Delivery Tracker:\n\n%s\n\n"+
				"The link works once, within 1 hour. If you did not ask for it, you can ignore this email: your password has not changed.\n",
			u.Name, link)}
	default:
		return mail.Message{To: u.Email, Subject: "Your Delivery Tracker account", Body: fmt.Sprintf(
			"Dear %s,\n\nAn account has been created for you on Delivery Tracker, where progress on Scotland's digital health and care delivery plan is reported.\n\n"+
				"Use this link to set your password:\n\n%s\n\nThe link works once, within 7 days.\n", u.Name, link)}
	}
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	u, err := byPathID(r, s.store.UserByID)
	if err != nil {
		return err
	}
	return s.renderUserPage(w, r, http.StatusOK, u, nil, nil)
}

// renderUserPage shows a user's page with the status, keeping the role and organisation chosen
// in form when it is not nil.
func (s *Server) renderUserPage(w http.ResponseWriter, r *http.Request, status int, u tracker.User, form *web.UserForm, errs []web.FieldError) error {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		return err
	}
	v := web.UserView{User: u, Organisations: orgs, Self: u.ID == s.user(r).ID, Errors: errs,
		Form: web.UserForm{Role: string(u.Role), Organisation: u.OrganisationCode, Version: u.Version}}
	if form != nil {
		v.Form.Role, v.Form.Organisation = form.Role, form.Organisation
	}
	return s.page(w, r, status, web.UserPage(s.layout(r), v))
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	u, err := byPathID(r, s.store.UserByID)
	if err != nil {
		return err
	}
	f := decodeUserForm(r)
	show := func(status int, errs formErrors) error { return s.renderUserPage(w, r, status, u, &f, errs) }
	if problems := tracker.CheckRoleChange(s.user(r).ID, u.ID); problems != nil {
		return show(http.StatusUnprocessableEntity, fieldErrors(problems))
	}
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		return err
	}
	return s.saveForm(w, r, formSave{errs: checkRole(f, orgs), show: show,
		save: func() (saved, error) {
			changed, err := s.store.ChangeRole(r.Context(), s.actor(r), u.ID, tracker.Role(f.Role), f.Organisation, f.Version)
			return saved{paths.User(u.ID), fmt.Sprintf("%s is now %s.", changed.Name, roleDescription(changed))}, err
		},
		refused:  userRefused,
		conflict: func(err error) error { return s.userConflict(w, r, u, &f, err) },
	})
}

func roleDescription(u tracker.User) string {
	switch u.Role {
	case tracker.RolePartner:
		return "a delivery partner for " + u.OrganisationName
	case tracker.RoleAdmin:
		return "an administrator"
	default:
		return "Scottish Government staff"
	}
}

// userRefused reports whether a change to an account was refused for a reason shown on the
// user's page: a stale form, or a rule such as that there is always an administrator.
func userRefused(err error) bool {
	code := tracker.ErrorCode(err)
	return code == tracker.ECONFLICT || code == tracker.EINVALID
}

// userConflict shows the account as it is now (409), with why the change was refused and the
// role and organisation chosen in f when it is not nil.
func (s *Server) userConflict(w http.ResponseWriter, r *http.Request, u tracker.User, f *web.UserForm, err error) error {
	fresh, ferr := s.store.UserByID(r.Context(), u.ID)
	if ferr != nil {
		return ferr
	}
	return s.renderUserPage(w, r, http.StatusConflict, fresh, f, []web.FieldError{{Field: "role", Message: tracker.ErrorMessage(err)}})
}

// enableUser enables a disabled account again.
func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) error {
	u, err := byPathID(r, s.store.UserByID)
	if err != nil {
		return err
	}
	return s.saveForm(w, r, formSave{
		save: func() (saved, error) {
			changed, err := s.store.SetDisabled(r.Context(), s.actor(r), u.ID, false, formVersion(r), "")
			return saved{paths.User(u.ID), changed.Name + "’s account is enabled. They can sign in again."}, err
		},
		refused:  userRefused,
		conflict: func(err error) error { return s.userConflict(w, r, u, nil, err) },
		show:     func(status int, errs formErrors) error { return s.renderUserPage(w, r, status, u, nil, errs) },
	})
}

// disableUserAction is disabling the account in the path, which signs its user out at once,
// confirmed first with a reason.
func (s *Server) disableUserAction(r *http.Request) (confirmAction, error) {
	u, err := byPathID(r, s.store.UserByID)
	if err != nil {
		return confirmAction{}, err
	}
	return confirmAction{
		view: web.ConfirmView{Title: "Disable " + u.Name + "’s account", Label: "Users",
			Message: u.Name + " (" + u.Email + ") will not be able to sign in until an administrator enables the account again. " +
				"Nothing they have written is removed. If they are in the middle of a form, what they typed is kept for " +
				tracker.Duration(tracker.KeptFormTTL) + ", and given back to them if the account is enabled again in that time.",
			Warning: u.Name + " will be signed out at once, everywhere they are signed in.",
			Action:  paths.UserAction(u.ID, "disable"), Version: u.Version, Button: "Disable account", Cancel: paths.User(u.ID),
			ReasonRequired: true, ReasonHint: "Why is the account being disabled? For example, that they have left their organisation."},
		crumbs: []web.Breadcrumb{{Text: "Users", Href: paths.AdminUsers}, {Text: u.Name, Href: paths.User(u.ID)}, crumb("Disable account")},
		act: func(version int, reason string) error {
			if problems := tracker.CheckDisable(s.user(r).ID, u.ID); problems != nil {
				return tracker.Invalid("main-content", "%s", problems[0].Message)
			}
			_, err := s.store.SetDisabled(r.Context(), s.actor(r), u.ID, true, version, reason)
			return err
		},
		done: saved{paths.User(u.ID), u.Name + "’s account is disabled. They have been signed out."},
	}, nil
}

// createLink makes a new single-use link for the user: a password reset link when they have a
// password, a new invitation otherwise.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request) error {
	u, err := byPathID(r, s.store.UserByID)
	if err != nil {
		return err
	}
	if problems := tracker.CheckLinkFor(&u); problems != nil {
		return s.renderUserPage(w, r, http.StatusUnprocessableEntity, u, nil, fieldErrors(problems))
	}
	purpose := tracker.TokenReset
	if !u.HasPassword {
		purpose = tracker.TokenInvite
	}
	token, err := s.store.CreateToken(r.Context(), s.actor(r), purpose, &u.ID)
	if err != nil {
		return err
	}
	return s.showLink(w, r, u, purpose, token)
}
