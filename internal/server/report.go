package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Partners report progress on the commitments their organisation leads; staff may report on
// any commitment, and publish what they write themselves.

// reportList is /report: a partner's commitments, or for staff those of the organisation they
// choose (every commitment when they choose none).
func (s *Server) reportList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := s.user(r)
	plan, err := s.store.CurrentPlan(ctx)
	if err != nil {
		return err
	}
	v := web.ReportListView{Plan: plan, Staff: u.IsStaff()}
	switch {
	case v.Staff:
		if code := r.URL.Query().Get("org"); code != "" {
			if !tracker.ValidCode(code) {
				return tracker.ErrNotFound
			}
			o, err := s.store.OrganisationByCode(ctx, code)
			if err != nil {
				return err
			}
			v.Organisation = &o
		}
		if v.Organisations, err = s.store.Organisations(ctx); err != nil {
			return err
		}
	case u.Role == tracker.RolePartner && u.OrganisationID != nil:
		o, err := s.store.OrganisationByCode(ctx, u.OrganisationCode)
		if err != nil {
			return err
		}
		v.Organisation = &o
	default:
		s.forbidden(w, r)
		return nil
	}
	filter := postgres.CommitmentFilter{PlanID: plan.ID}
	if v.Organisation != nil {
		filter.OrganisationID = v.Organisation.ID
	}
	cs, err := s.store.Commitments(ctx, filter)
	if err != nil {
		return err
	}
	open, err := s.store.OpenUpdates(ctx, u)
	if err != nil {
		return err
	}
	now := s.now()
	for _, c := range cs {
		row := web.ReportRow{CommitmentRow: s.row(plan, c), ReportURL: paths.Report(c.Ref), UpdateDue: c.UpdateDue(now)}
		if o, ok := open[c.ID]; ok {
			row.Open = &o
		}
		v.Rows = append(v.Rows, row)
	}
	if v.Round, err = s.reportRound(r, plan, v.Rows); err != nil {
		return err
	}
	if v.Earlier, err = s.earlierReports(r, plan, v.Organisation, open); err != nil {
		return err
	}
	l := s.layout(r)
	l.Title = "Report progress"
	return s.page(w, r, http.StatusOK, web.ReportListPage(l, v))
}

// reportFormView finds the commitment of the current plan that the request's path names, checks
// the user may report on it, and starts the view of the report form on it. With ok false the
// request is not for the handler to answer: err says why, or, when nil, the request has been
// answered (sign in, or 403).
func (s *Server) reportFormView(w http.ResponseWriter, r *http.Request) (v web.ReportFormView, ok bool, err error) {
	ctx := r.Context()
	ref := chi.URLParam(r, "ref")
	if !tracker.ValidRef(ref) {
		return v, false, tracker.ErrNotFound
	}
	plan, err := s.reportPlan(r)
	if err != nil {
		return v, false, err
	}
	c, err := s.store.CommitmentByRef(ctx, plan.ID, ref)
	if err != nil {
		return v, false, err
	}
	v = web.ReportFormView{Plan: plan, Row: s.row(plan, c), Staff: s.user(r).IsStaff(), Action: paths.ReportIn(plan, c.Ref)}
	return v, s.can(w, r, tracker.ActionReport, &c), nil
}

// reportForm is GET /report/{ref}: the form, filled in from the update in progress if there is
// one.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := s.reportFormView(w, r)
	if !ok {
		return err
	}
	ctx, c := r.Context(), v.Row.Commitment
	open, err := s.store.OpenUpdate(ctx, c.ID, s.user(r))
	switch {
	case err == nil:
		v.Open = &open
		v.Form = formOf(open)
	case errors.Is(err, tracker.ErrNotFound):
		mark, err := s.store.SubmissionMark(ctx, c.ID)
		if err != nil {
			return err
		}
		v.Form = web.ReportForm{Version: strconv.Itoa(c.Version), Seen: strconv.FormatInt(mark, 10)}
	default:
		return err
	}
	if err := s.latest(r, &v); err != nil {
		return err
	}
	if v.EarlierOpen, err = s.earlierOpen(r, c); err != nil {
		return err
	}
	return s.renderReportForm(w, r, http.StatusOK, v)
}

// formOf fills the form from an update in progress, based on what the update was based on, so
// that submitting it is checked against everything that happened since it was started.
func formOf(u tracker.Update) web.ReportForm {
	f := web.ReportForm{
		ReportInput: tracker.ReportInput{
			Status:           string(u.Status),
			Narrative:        u.Narrative,
			EvidenceURL:      u.EvidenceURL,
			StatusReason:     u.StatusReason,
			CarriedForwardTo: u.CarriedForwardTo,
			OnTrackReason:    u.OnTrackReason,
		},
		Version:       strconv.Itoa(u.BaseVersion),
		Seen:          strconv.FormatInt(u.BaseSubmission, 10),
		UpdateID:      strconv.FormatInt(u.ID, 10),
		UpdateVersion: strconv.Itoa(u.Version),
	}
	if u.OnTrackReason != "" {
		f.OnTrackConfirm = tracker.Yes
	}
	if u.Expected != nil {
		f.DueMonth, f.DueYear = strconv.Itoa(int(u.Expected.Month)), strconv.Itoa(u.Expected.Year)
	}
	return f
}

// latest adds the commitment's newest published update to the form's view.
func (s *Server) latest(r *http.Request, v *web.ReportFormView) error {
	history, err := s.store.PublishedUpdates(r.Context(), v.Row.Commitment.ID)
	if err != nil {
		return err
	}
	if len(history) > 0 {
		v.Latest = &history[0]
	}
	return nil
}

// renderReportForm shows the report form with the status.
func (s *Server) renderReportForm(w http.ResponseWriter, r *http.Request, status int, v web.ReportFormView) error {
	if err := s.private(r, &v); err != nil {
		return err
	}
	title := "Report progress on commitment " + v.Row.Commitment.Ref
	if !v.Plan.IsCurrent {
		title += " of the " + v.Plan.Title
	}
	l := s.formLayout(r, title, len(v.Errors) > 0,
		web.Breadcrumb{Text: "Report progress", Href: paths.ReportList}, web.Breadcrumb{Text: "Commitment " + v.Row.Commitment.Ref})
	return s.page(w, r, status, web.ReportFormPage(l, v))
}

// report is POST /report/{ref}: save a draft, submit for review or (staff) publish.
func (s *Server) report(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := s.reportFormView(w, r)
	if !ok {
		return err
	}
	ctx, plan, c, u := r.Context(), v.Plan, v.Row.Commitment, s.user(r)
	f := r.PostForm
	action, ok := tracker.ParseReportAction(f.Get("action"))
	if !ok {
		s.badRequest(w, r, tracker.MsgBadReportAction)
		return nil
	}
	if action == tracker.ActionPublish && !s.can(w, r, tracker.ActionPublishOwn, nil) {
		return nil
	}
	v.Form = web.ReportForm{
		ReportInput: tracker.ReportInput{
			Status: f.Get("status"), Narrative: f.Get("narrative"), DueMonth: f.Get("due_month"), DueYear: f.Get("due_year"),
			EvidenceURL: f.Get("evidence_url"), StatusReason: f.Get("status_reason"), CarriedForwardTo: f.Get("carried_forward_to"),
			OnTrackConfirm: f.Get(tracker.FieldOnTrackConfirm), OnTrackReason: f.Get(tracker.FieldOnTrackReason),
		},
		Version: f.Get("version"), Seen: f.Get("seen"), UpdateID: f.Get("update"), UpdateVersion: f.Get("update_version"),
	}
	form := v.Form
	rep, errs := tracker.ParseReportFor(form.ReportInput, u.IsStaff(), c.Due, s.now())
	if len(errs) == 0 && rep.Status == tracker.CarriedForward {
		plans, err := s.store.Plans(ctx)
		if err != nil {
			return err
		}
		later, msg := tracker.LaterPlan(rep.CarriedForwardTo, plan, plans)
		if msg != "" {
			errs = append(errs, tracker.FieldError{Field: tracker.FieldCarriedForwardTo, Message: msg})
		} else if later != nil {
			rep.CarriedForwardPlanID, rep.CarriedForwardTo = &later.ID, later.Title
		}
	}
	base := tracker.ReportBase{
		Version:       atoiOr0(form.Version),
		Seen:          int64(atoiOr0(form.Seen)),
		UpdateID:      int64(atoiOr0(form.UpdateID)),
		UpdateVersion: atoiOr0(form.UpdateVersion),
	}
	return s.saveForm(w, r, formSave{errs: fieldErrors(errs), button: reportButton(action),
		save: func() (saved, error) {
			up, err := s.store.SaveReport(ctx, s.actor(r), postgres.ReportWrite{
				CommitmentID: c.ID, Report: rep, Base: base, Action: action,
			})
			return reportSaved(action, plan, c, up), err
		},
		conflict: func(err error) error {
			var ce *tracker.ConflictError
			if !errors.As(err, &ce) {
				return err
			}
			return s.reportConflict(w, r, v, ce)
		},
		show: func(status int, errs formErrors) error {
			v.Errors = errs
			if err := s.openAndLatest(r, &v); err != nil {
				return err
			}
			return s.renderReportForm(w, r, status, v)
		},
	})
}

// reportButton is the label of the report form's button that takes the action.
func reportButton(action tracker.ReportAction) string {
	switch action {
	case tracker.ActionPublish:
		return "Publish"
	case tracker.ActionSubmit:
		return "Submit for review"
	default:
		return "Save draft"
	}
}

// reportSaved says where a saved report goes, and the banner shown there.
func reportSaved(action tracker.ReportAction, plan tracker.Plan, c tracker.Commitment, up tracker.Update) saved {
	switch action {
	case tracker.ActionPublish:
		return saved{paths.Commitment(plan, up.CommitmentRef), "Your update on commitment " + c.Ref + " has been published."}
	case tracker.ActionSubmit:
		return saved{paths.ReportList, "Your update on commitment " + c.Ref + " has been submitted for review."}
	default:
		return saved{paths.ReportList, "Your draft update on commitment " + c.Ref + " has been saved. Only your organisation can see it."}
	}
}

// reportConflict shows the report form again (409) with what changed since it was opened. It
// keeps what was typed, and bases the form on what is there now, so that sending it again is a
// deliberate choice made having seen what changed.
func (s *Server) reportConflict(w http.ResponseWriter, r *http.Request, v web.ReportFormView, ce *tracker.ConflictError) error {
	v.Conflict = s.conflictView(s.user(r), ce)
	v.Form.Version = strconv.Itoa(ce.Commitment.Version)
	v.Form.Seen = strconv.FormatInt(ce.Seen, 10)
	v.Form.UpdateID, v.Form.UpdateVersion = "", ""
	if ce.Commitment.ID != 0 {
		v.Row = s.row(v.Plan, ce.Commitment)
	}
	if err := s.openAndLatest(r, &v); err != nil {
		return err
	}
	if v.Open != nil {
		v.Form.UpdateID, v.Form.UpdateVersion = strconv.FormatInt(v.Open.ID, 10), strconv.Itoa(v.Open.Version)
	}
	return s.renderReportForm(w, r, http.StatusConflict, v)
}

// openAndLatest adds the user's update in progress and the newest published update to a form
// being shown again.
func (s *Server) openAndLatest(r *http.Request, v *web.ReportFormView) error {
	open, err := s.store.OpenUpdate(r.Context(), v.Row.Commitment.ID, s.user(r))
	switch {
	case err == nil:
		v.Open = &open
	case !errors.Is(err, tracker.ErrNotFound):
		return err
	}
	return s.latest(r, v)
}

// conflictView shows what changed to the user. Partners read other organisations' updates only
// once they are published.
func (s *Server) conflictView(u *tracker.User, ce *tracker.ConflictError) *web.ConflictView {
	cv := &web.ConflictView{Message: ce.Message, Commitment: ce.Commitment, Published: ce.Published, Current: ce.Current,
		Overdue: ce.Commitment.Overdue(s.now())}
	for _, up := range ce.Submitted {
		cv.Submitted = append(cv.Submitted, web.ConflictUpdate{Update: up, Visible: mayRead(u, up)})
	}
	if cv.Current != nil && !mayRead(u, *cv.Current) {
		cv.Current = nil
	}
	return cv
}

// mayRead reports whether the user may read an update that is not published: staff may, and so
// may partners of the organisation that wrote it.
func mayRead(u *tracker.User, up tracker.Update) bool {
	if up.State == tracker.StatePublished || u.IsStaff() {
		return true
	}
	return !u.Disabled() && u.OrganisationID != nil && up.OrganisationID != nil && *u.OrganisationID == *up.OrganisationID
}

// reportRound says which of the listed commitments still need an update in the plan's open
// reporting round, or nil when no round is open.
func (s *Server) reportRound(r *http.Request, plan tracker.Plan, rows []web.ReportRow) (*web.ReportRoundView, error) {
	round, err := s.store.OpenRound(r.Context(), plan.ID)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.roundView(r, round, rows)
}

// roundView says which of the listed commitments still need an update in the round.
func (s *Server) roundView(r *http.Request, round tracker.Round, rows []web.ReportRow) (*web.ReportRoundView, error) {
	reported, err := s.store.ReportedInRound(r.Context(), round)
	if err != nil {
		return nil, err
	}
	v := &web.ReportRoundView{Round: round}
	for _, row := range rows {
		if !tracker.NeedsUpdate(row.Commitment) {
			continue
		}
		v.Due++
		if _, ok := reported[row.Commitment.ID]; !ok {
			missing := row.CommitmentRow
			missing.URL = row.ReportURL
			v.Missing = append(v.Missing, missing)
		}
	}
	return v, nil
}
