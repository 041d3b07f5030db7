package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Partners reply to the note their update was returned with; the conversation stays with the
// update, and staff and the organisation's partners read it, never the public. Staff's
// corrections of an update's wording are shown to the organisation the same way.

// mayReadPrivate reports whether the user may read what is private to an update's organisation
// and staff: the conversation about its return notes and the wording staff corrected. Being
// published does not make them public.
func mayReadPrivate(u *tracker.User, up tracker.Update) bool {
	if u == nil || u.Disabled() {
		return false
	}
	if u.IsStaff() {
		return true
	}
	return u.Role == tracker.RolePartner && u.OrganisationID != nil && up.OrganisationID != nil && *u.OrganisationID == *up.OrganisationID
}

// private adds to the report form's view what only the user's organisation and staff read: the
// conversation about the open update and the corrections staff made to it, and the corrections
// of the latest published update.
func (s *Server) private(r *http.Request, v *web.ReportFormView) error {
	ctx, u := r.Context(), s.user(r)
	p := web.PrivateView{Staff: u.IsStaff()}
	var err error
	if v.Open != nil && mayReadPrivate(u, *v.Open) {
		if p.Thread, err = s.store.Thread(ctx, v.Open.ID); err != nil {
			return err
		}
		if p.OpenCorrections, err = s.store.Corrections(ctx, v.Open.ID); err != nil {
			return err
		}
		if tracker.MayReply(u, *v.Open) {
			p.ReplyURL = paths.Reply(v.Row.Commitment.Ref)
		}
	}
	if v.Latest != nil && mayReadPrivate(u, *v.Latest) {
		if p.LatestCorrections, err = s.store.Corrections(ctx, v.Latest.ID); err != nil {
			return err
		}
		p.Latest = v.Latest
	}
	v.Private = p
	return nil
}

// replyTarget finds the commitment the path names and the update in progress whose return note
// the user replies to: with id, that update, or else the user's own on the commitment. It
// answers 404 when there is none the user may reply to. With ok false the request is not for the
// handler to answer (see reportFormView).
func (s *Server) replyTarget(w http.ResponseWriter, r *http.Request, id int64) (v web.ReplyView, ok bool, err error) {
	fv, ok, err := s.reportFormView(w, r)
	if !ok {
		return v, false, err
	}
	ctx, u, c := r.Context(), s.user(r), fv.Row.Commitment
	var up tracker.Update
	if id > 0 {
		up, err = s.store.UpdateByID(ctx, id)
	} else {
		up, err = s.store.OpenUpdate(ctx, c.ID, u)
	}
	if err == nil && (up.CommitmentID != c.ID || !tracker.MayReply(u, up)) {
		err = tracker.ErrNotFound
	}
	if err != nil {
		return v, false, err
	}
	thread, err := s.store.Thread(ctx, up.ID)
	if err != nil {
		return v, false, err
	}
	return web.ReplyView{Row: fv.Row, Update: up, Thread: thread, Staff: u.IsStaff(),
		Action: paths.Reply(c.Ref), Back: paths.Report(c.Ref)}, true, nil
}

// replyForm is GET /report/{ref}/reply: the conversation about the returned update, with the
// form to reply.
func (s *Server) replyForm(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := s.replyTarget(w, r, 0)
	if !ok {
		return err
	}
	return s.renderReply(w, r, http.StatusOK, v)
}

func (s *Server) renderReply(w http.ResponseWriter, r *http.Request, status int, v web.ReplyView) error {
	c := v.Row.Commitment
	l := s.formLayout(r, "Reply to the return note on commitment "+c.Ref, len(v.Errors) > 0,
		web.Breadcrumb{Text: "Report progress", Href: paths.ReportList},
		web.Breadcrumb{Text: "Commitment " + c.Ref, Href: paths.Report(c.Ref)},
		web.Breadcrumb{Text: "Reply"})
	return s.page(w, r, status, web.ReplyPage(l, v))
}

// reply is POST /report/{ref}/reply: add the reply to the conversation, which emails the
// reviewer who returned the update.
func (s *Server) reply(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PostFormValue("update"), 10, 64)
	v, ok, err := s.replyTarget(w, r, max(id, 0))
	if !ok {
		return err
	}
	v.Reply = r.PostFormValue(tracker.FieldReply)
	body, errs := tracker.ParseReply(v.Reply)
	ref := v.Row.Commitment.Ref
	return s.saveForm(w, r, formSave{errs: fieldErrors(errs), button: "Send reply",
		save: func() (saved, error) {
			_, err := s.store.Reply(r.Context(), s.actor(r), v.Update.ID, body)
			if errors.Is(err, tracker.ErrNotFound) {
				return saved{}, err
			}
			return saved{paths.Report(ref), "Your reply has been sent to the reviewer who returned the update on commitment " + ref + "."}, err
		},
		show: func(status int, errs formErrors) error {
			v.Errors = errs
			return s.renderReply(w, r, status, v)
		},
	})
}
