package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	us, err := s.store.Users(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	l := s.layout(r)
	l.Title = "Users"
	s.render(w, r, http.StatusOK, web.UsersPage(l, web.UsersView{Users: us}))
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.InviteUserPage(s.layout(r), web.InviteView{Organisations: orgs}))
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

// checkRole validates the role and organisation of a user form against the organisations that
// exist.
func checkRole(f web.UserForm, orgs []tracker.Organisation) []web.FieldError {
	var errs []web.FieldError
	role, ok := tracker.ParseRole(f.Role)
	if !ok {
		errs = append(errs, web.FieldError{Field: "role", Message: "Select a role"})
	}
	known := f.Organisation == ""
	for _, o := range orgs {
		known = known || o.Code == f.Organisation
	}
	switch {
	case !known:
		errs = append(errs, web.FieldError{Field: "organisation", Message: "Select an organisation from the list"})
	case ok && role == tracker.RolePartner && f.Organisation == "":
		errs = append(errs, web.FieldError{Field: "organisation", Message: "Select the organisation the delivery partner reports for"})
	case ok && role != tracker.RolePartner && f.Organisation != "":
		errs = append(errs, web.FieldError{Field: "organisation", Message: "Select None: only delivery partners belong to an organisation"})
	}
	return errs
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := web.InviteView{Form: decodeUserForm(r), Organisations: orgs}
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
		case tracker.ErrorCode(err) == tracker.ECONFLICT:
			v.Errors = append(v.Errors, web.FieldError{Field: "email", Message: tracker.ErrorMessage(err)})
		case err != nil:
			s.error(w, r, err)
			return
		default:
			s.showLink(w, r, u, tracker.TokenInvite, token)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.InviteUserPage(s.layout(r), v))
}

// showLink shows a new single-use link to the administrator who made it, emailing it to the user
// when a mail relay is configured. The link is in this response only: it is not stored.
func (s *Server) showLink(w http.ResponseWriter, r *http.Request, u tracker.User, purpose tracker.TokenPurpose, token string) {
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
	s.render(w, r, http.StatusOK, web.LinkCreatedPage(s.layout(r), v))
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

// targetUser returns the account the path names.
func (s *Server) targetUser(r *http.Request) (tracker.User, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return tracker.User{}, tracker.ErrNotFound
	}
	return s.store.UserByID(r.Context(), id)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) {
	u, err := s.targetUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderUserPage(w, r, http.StatusOK, u, nil, nil)
}

func (s *Server) renderUserPage(w http.ResponseWriter, r *http.Request, status int, u tracker.User, form *web.UserForm, errs []web.FieldError) {
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := web.UserView{User: u, Organisations: orgs, Self: u.ID == s.user(r).ID, Errors: errs,
		Form: web.UserForm{Role: string(u.Role), Organisation: u.OrganisationCode, Version: u.Version}}
	if form != nil {
		v.Form.Role, v.Form.Organisation = form.Role, form.Organisation
	}
	s.render(w, r, status, web.UserPage(s.layout(r), v))
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) {
	u, err := s.targetUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := decodeUserForm(r)
	if u.ID == s.user(r).ID {
		s.renderUserPage(w, r, http.StatusUnprocessableEntity, u, &f, []web.FieldError{{Field: "role", Message: "You cannot change your own role"}})
		return
	}
	orgs, err := s.store.Organisations(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	if errs := checkRole(f, orgs); len(errs) > 0 {
		s.renderUserPage(w, r, http.StatusUnprocessableEntity, u, &f, errs)
		return
	}
	changed, err := s.store.ChangeRole(r.Context(), s.actor(r), u.ID, tracker.Role(f.Role), f.Organisation, f.Version)
	if s.userConflict(w, r, u, &f, err) {
		return
	}
	s.flash(r, fmt.Sprintf("%s is now %s.", changed.Name, roleDescription(changed)))
	http.Redirect(w, r, paths.User(u.ID), http.StatusSeeOther)
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

// userConflict answers the request when err is not nil: a conflict (a stale form, the last
// administrator) is shown on the user's page, anything else as an error page. It reports whether
// it answered.
func (s *Server) userConflict(w http.ResponseWriter, r *http.Request, u tracker.User, f *web.UserForm, err error) bool {
	if err == nil {
		return false
	}
	if code := tracker.ErrorCode(err); code == tracker.ECONFLICT || code == tracker.EINVALID {
		fresh, ferr := s.store.UserByID(r.Context(), u.ID)
		if ferr != nil {
			s.error(w, r, ferr)
			return true
		}
		s.renderUserPage(w, r, http.StatusConflict, fresh, f, []web.FieldError{{Field: "role", Message: tracker.ErrorMessage(err)}})
		return true
	}
	s.error(w, r, err)
	return true
}

func (s *Server) setDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.targetUser(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if u.ID == s.user(r).ID {
			s.renderUserPage(w, r, http.StatusUnprocessableEntity, u, nil, []web.FieldError{{Field: "role", Message: "You cannot disable your own account"}})
			return
		}
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		changed, err := s.store.SetDisabled(r.Context(), s.actor(r), u.ID, disabled, version)
		if s.userConflict(w, r, u, nil, err) {
			return
		}
		if disabled {
			s.flash(r, changed.Name+"’s account is disabled. They have been signed out.")
		} else {
			s.flash(r, changed.Name+"’s account is enabled. They can sign in again.")
		}
		http.Redirect(w, r, paths.User(u.ID), http.StatusSeeOther)
	}
}

// createLink makes a new single-use link for the user: a password reset link when they have a
// password, a new invitation otherwise.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	u, err := s.targetUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if u.Disabled() {
		s.renderUserPage(w, r, http.StatusUnprocessableEntity, u, nil, []web.FieldError{{Field: "role", Message: "Enable the account before creating a link for it"}})
		return
	}
	purpose := tracker.TokenReset
	if !u.HasPassword {
		purpose = tracker.TokenInvite
	}
	token, err := s.store.CreateToken(r.Context(), s.actor(r), purpose, &u.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.showLink(w, r, u, purpose, token)
}

const auditPageSize = 50

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := web.AuditView{Actor: strings.TrimSpace(q.Get("user")), RecordType: strings.TrimSpace(q.Get("record_type")),
		RecordID: strings.TrimSpace(q.Get("record_id"))}
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = max(v.Page, 1)
	entries, total, err := s.store.AuditLog(ctx, postgres.AuditFilter{Actor: v.Actor, RecordType: v.RecordType,
		RecordID: v.RecordID, Limit: auditPageSize, Offset: (v.Page - 1) * auditPageSize})
	if err != nil {
		s.error(w, r, err)
		return
	}
	if v.RecordTypes, err = s.store.AuditRecordTypes(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	v.Total = total
	v.Pages = (total + auditPageSize - 1) / auditPageSize
	v.PageURL = func(page int) string {
		p := paths.Audit(v.Actor, v.RecordType, v.RecordID)
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		return p + sep + "page=" + strconv.Itoa(page)
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, web.AuditEntry{At: web.FormatTime(e.At), Actor: e.ActorEmail, Action: e.Action,
			RecordType: e.RecordType, RecordID: e.RecordID, RemoteAddr: e.RemoteAddr, Details: compactJSON(e.Details)})
	}
	s.render(w, r, http.StatusOK, web.AuditPage(s.layout(r), v))
}

// compactJSON shows an entry's details on one line, or nothing for an empty object.
func compactJSON(b json.RawMessage) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return ""
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(b)
	}
	return string(out)
}
