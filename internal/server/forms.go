package server

// Reading forms, and the flow every form that saves a record shares: save with the version the
// form was based on, then redirect (303) with a banner, show what is saved now (409) or show the
// form again with what was typed and the error summary (422).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// formErrors collects a form's errors in the order of its fields.
type formErrors []web.FieldError

func (e *formErrors) add(field, format string, args ...any) {
	*e = append(*e, web.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// addField adds the problem an EINVALID error about one field describes, such as one from a save,
// showing it at the input that ids maps the domain's field name to (or at the input of the same
// name). It reports false, adding nothing, for any other error.
func (e *formErrors) addField(err error, ids map[string]string) bool {
	field, msg, ok := tracker.FieldOf(err)
	if !ok {
		return false
	}
	if id, ok := ids[field]; ok {
		field = id
	}
	e.add(field, "%s", msg)
	return true
}

// fieldErrors turns the domain's field errors into the page's, pointing each at its input.
func fieldErrors(errs []tracker.FieldError) []web.FieldError {
	out := make([]web.FieldError, len(errs))
	for i, e := range errs {
		out[i] = web.FieldError{Field: e.Field, Message: e.Message}
	}
	return out
}

// capitalise upper-cases the first letter of a label that starts with an ASCII letter.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// plural says how many things there are: "1 commitment", "3 commitments".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// form returns a form value with the space around it trimmed.
func form(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// dateForm returns the date input named name as typed: its fields name-day, name-month and
// name-year, each trimmed.
func dateForm(r *http.Request, name string) tracker.DateInput {
	return tracker.DateInput{Day: form(r, tracker.DateField(name, tracker.DateDay)),
		Month: form(r, tracker.DateField(name, tracker.DateMonth)), Year: form(r, tracker.DateField(name, tracker.DateYear))}
}

// formVersion returns the version a form was based on; 0, which no record has, if it is missing.
func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

// atoiOr0 reads a hidden form field, 0 if it is missing or not a number: a form that does not
// say what it was based on is treated as based on nothing, and so conflicts with anything there.
func atoiOr0(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// queryNumber returns the query parameter name when it is a whole number from 1 to most, and
// otherwise 0.
func queryNumber(q url.Values, name string, most int) int {
	n, err := strconv.Atoi(q.Get(name))
	if err != nil || n < 1 || n > most {
		return 0
	}
	return n
}

// listPageSize is how many entries a page of a long list for staff shows: the audit log, the
// outbox.
const listPageSize = 50

// pageCount returns how many pages of per entries total entries fill.
func pageCount(total, per int) int { return (total + per - 1) / per }

// pathKey returns the path parameter param, or tracker.ErrNotFound when valid refuses it.
func pathKey(r *http.Request, param string, valid func(string) bool) (string, error) {
	k := chi.URLParam(r, param)
	if !valid(k) {
		return "", tracker.ErrNotFound
	}
	return k, nil
}

// byPathID returns the record whose numeric ID the path parameter {id} names, read by find. It
// returns tracker.ErrNotFound for an ID of the wrong shape, before any query.
func byPathID[T any](r *http.Request, find func(context.Context, int64) (T, error)) (T, error) {
	s := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(s, 10, 64)
	if len(s) > 18 || err != nil || id <= 0 {
		var zero T
		return zero, tracker.ErrNotFound
	}
	return find(r.Context(), id)
}

// isConflict reports whether err says the record changed since the form was opened.
func isConflict(err error) bool { return tracker.ErrorCode(err) == tracker.ECONFLICT }

// saved says where a form goes once it is saved, and the notification banner shown there.
type saved struct {
	redirect string
	banner   string
}

// formSave is a form that saves a record, once it has been read.
type formSave struct {
	// errs are the problems reading the form found: when there are any, nothing is saved.
	errs formErrors
	// fields says which input shows each domain field an EINVALID error from save may name;
	// a field not in it is shown at the input of the same name.
	fields map[string]string
	// save saves the record, with the version the form was based on, and says where to go next.
	save func() (saved, error)
	// conflict answers a save refused because the record changed since the form was opened
	// (tracker.ECONFLICT), showing what is saved now beside what was typed. When it is nil a
	// conflict is an error like any other.
	conflict func(err error) error
	// refused, when set, widens the errors conflict answers from tracker.ECONFLICT alone.
	refused func(err error) bool
	// show renders the form again, with what was typed, the status and the errors.
	show func(status int, errs formErrors) error
	// button is the label of the button that sent the form, for the banner over a form put back
	// after the session ended; "" when it is not known.
	button string
}

// changedMeanwhile is formSave.conflict for a form that edits a record: it shows the form again
// with c, what is saved now where it differs from what was typed, in the view's conflict, and the
// version saved now in the form's version, so that saving again overwrites it.
func changedMeanwhile(show func(status int, errs formErrors) error, conflict **web.Conflict, version *string,
	c *web.Conflict, saved int) func(error) error {
	return func(error) error {
		*conflict, *version = c, strconv.Itoa(saved)
		return show(http.StatusConflict, nil)
	}
}

// saveForm runs a form's save: on success it redirects (303) with the banner; a conflict is
// answered by f.conflict (409); a problem with a field, found reading the form or by the save,
// shows the form again with the error summary (422). Any other error is returned. A form being
// put back after the session ended (see restoring) is shown with what was typed and a banner
// saying it is not saved yet (200); nothing is saved.
func (s *Server) saveForm(w http.ResponseWriter, r *http.Request, f formSave) error {
	if restoring(r) {
		s.tell(r, tracker.FormPutBack(f.button))
		return f.show(http.StatusOK, nil)
	}
	errs := f.errs
	if len(errs) == 0 {
		done, err := f.save()
		switch {
		case err == nil:
			return s.seeOther(w, r, done.redirect, done.banner)
		case f.conflict != nil && (isConflict(err) || f.refused != nil && f.refused(err)):
			return f.conflict(err)
		case !errs.addField(err, f.fields):
			return err
		}
	}
	return f.show(http.StatusUnprocessableEntity, errs)
}

// confirmAction is an action with a wide effect that staff confirm on a page first, giving a
// reason the audit log keeps, such as retiring a record or disabling an account, as the record
// named in the request decides it. view.ReasonRequired says whether a reason must be given.
type confirmAction struct {
	// section is the part of the administration the page belongs to, such as paths.AdminPlans;
	// "" for a page outside it.
	section string
	view    web.ConfirmView
	crumbs  []web.Breadcrumb
	// act takes the action, on the version of the record the page showed, with the reason.
	act  func(version int, reason string) error
	done saved
}

// confirmPage serves the page asking to confirm the action find reads from the request.
func (s *Server) confirmPage(find func(*http.Request) (confirmAction, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := find(r)
		if err != nil {
			return err
		}
		return s.page(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, a.crumbs...), a.section, a.view))
	}
}

// confirmDo takes the action find reads from the request, once confirmed with a reason that
// tracker.ParseActionReason accepts, and answers as confirmed does. A reason it refuses shows
// the page again with the error (422), as does a confirmation put back after the session ended
// (200, see restoring), with what was typed and the version the page was based on.
func (s *Server) confirmDo(find func(*http.Request) (confirmAction, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := find(r)
		if err != nil {
			return err
		}
		typed := r.PostFormValue(tracker.FieldActionReason)
		reason, problems := tracker.ParseActionReason(typed, a.view.ReasonRequired)
		v := a.view
		v.Reason, v.Version = typed, formVersion(r)
		switch {
		case restoring(r):
			s.tell(r, tracker.FormPutBack(v.Button))
			return s.page(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, a.crumbs...), a.section, v))
		case problems != nil:
			v.Errors = fieldErrors(problems)
			return s.page(w, r, http.StatusUnprocessableEntity, web.ConfirmPage(s.adminLayout(r, a.crumbs...), a.section, v))
		}
		a.view.Reason = typed
		return s.confirmed(w, r, a.act(formVersion(r), reason), a.done, a.section, a.view, a.crumbs...)
	}
}

// confirmed answers a confirmation form, such as Retire or Close, once the store has been asked
// to act: on success a redirect (303) with the banner; when the action was refused, the
// confirmation page again with why, keeping the reason typed: a rule it broke (422) or a change
// made meanwhile (409), v being the record as it is now. Any other error is returned.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, err error, done saved, section string, v web.ConfirmView, crumbs ...web.Breadcrumb) error {
	status := http.StatusUnprocessableEntity
	switch {
	case err == nil:
		return s.seeOther(w, r, done.redirect, done.banner)
	case isConflict(err):
		status = http.StatusConflict
		msg := tracker.MsgChangedMeanwhile
		if !errors.Is(err, tracker.ErrConflict) {
			msg = tracker.ErrorMessage(err)
		}
		v.Errors = []web.FieldError{{Field: "main-content", Message: msg}}
	case tracker.ErrorCode(err) == tracker.EINVALID:
		v.Errors = []web.FieldError{{Field: "main-content", Message: tracker.ErrorMessage(err)}}
	default:
		return err
	}
	s.render(w, r, status, web.ConfirmPage(s.adminLayout(r, crumbs...), section, v))
	return nil
}

// seeOther answers a change that is done: a redirect (303) to the page to show next, with a
// notification banner there.
func (s *Server) seeOther(w http.ResponseWriter, r *http.Request, to, banner string) error {
	s.flash(r, banner)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// differs adds the field to the conflict when what is saved now differs from what was typed,
// showing what is saved.
func differs(c *web.Conflict, field, saved, mine string) {
	if saved != mine {
		c.Rows = append(c.Rows, web.ConflictRow{Field: field, Saved: saved})
	}
}
