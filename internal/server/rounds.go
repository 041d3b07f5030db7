package server

// Reporting rounds and the outbox of emails, for staff.

import (
	"net/http"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Reminder days a new round's form suggests.
const (
	defaultRemindBefore = "7"
	defaultRemindAfter  = "3"
	maxRoundName        = 100
	outboxPageSize      = 50
)

func roundsCrumb() web.Breadcrumb {
	return web.Breadcrumb{Text: "Reporting rounds", Href: paths.AdminRounds}
}

func (s *Server) adminRounds(w http.ResponseWriter, r *http.Request) {
	rounds, err := s.store.Rounds(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.RoundsPage(s.adminLayout(r), web.RoundsView{Rounds: rounds, Now: s.now()}))
}

func roundFormOf(rd tracker.Round) web.RoundForm {
	return web.RoundForm{PlanID: strconv.FormatInt(rd.PlanID, 10), Name: rd.Name, Opens: tracker.FormatDate(rd.Opens),
		Deadline: tracker.FormatDate(rd.Deadline), RemindBefore: tracker.FormatDays(rd.RemindBefore),
		RemindAfter: tracker.FormatDays(rd.RemindAfter), Version: strconv.Itoa(rd.Version)}
}

// parseRoundForm reads and checks the round form. opens is the day the round opened, for a round
// being changed: its opening day is not asked again.
func parseRoundForm(r *http.Request, plans []tracker.Plan, existing *tracker.Round) (web.RoundForm, tracker.Round, formErrors) {
	f := web.RoundForm{PlanID: form(r, "plan"), Name: form(r, "name"), Opens: form(r, "opens"), Deadline: form(r, "deadline"),
		RemindBefore: form(r, "remind_before"), RemindAfter: form(r, "remind_after"), Version: r.PostFormValue("version")}
	var rd tracker.Round
	var errs formErrors
	if existing == nil {
		id, _ := strconv.ParseInt(f.PlanID, 10, 64)
		for _, p := range plans {
			if p.ID == id {
				rd.PlanID = id
			}
		}
		if rd.PlanID == 0 {
			errs.add("plan", "Choose the plan the round is for")
		}
	} else {
		rd.PlanID, rd.Opens = existing.PlanID, existing.Opens
	}
	rd.Name = f.Name
	errs.text("name", f.Name, "a name for the round, such as Q3 2026-27", true, maxRoundName)
	if existing == nil {
		if d, err := tracker.ParseDate(f.Opens); f.Opens == "" {
			errs.add("opens", "Enter the day the round opens, such as 1/10/2026")
		} else if err != nil {
			errs.add("opens", "Enter the day the round opens as day, month and year, such as 1/10/2026")
		} else {
			rd.Opens = d
		}
	}
	if d, err := tracker.ParseDate(f.Deadline); f.Deadline == "" {
		errs.add("deadline", "Enter the deadline, such as 15/12/2026")
	} else if err != nil {
		errs.add("deadline", "Enter the deadline as day, month and year, such as 15/12/2026")
	} else if !rd.Opens.IsZero() && d.Before(rd.Opens) {
		errs.add("deadline", "The deadline must be on or after the day the round opens, %s", tracker.FormatDate(rd.Opens))
	} else {
		rd.Deadline = d
	}
	var err error
	if rd.RemindBefore, err = tracker.ParseDays(f.RemindBefore); err != nil {
		errs.add("remind_before", "Enter whole numbers of days from 0 to %d, separated by commas, such as 14, 7", tracker.MaxReminderDays)
	}
	if rd.RemindAfter, err = tracker.ParseDays(f.RemindAfter); err != nil {
		errs.add("remind_after", "Enter whole numbers of days from 0 to %d, separated by commas, such as 3", tracker.MaxReminderDays)
	}
	return f, rd, errs
}

func (s *Server) newRoundForm(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := web.RoundForm{Opens: tracker.FormatDate(tracker.Date(s.now())), RemindBefore: defaultRemindBefore, RemindAfter: defaultRemindAfter}
	for _, p := range plans {
		if p.IsCurrent {
			f.PlanID = strconv.FormatInt(p.ID, 10)
		}
	}
	s.render(w, r, http.StatusOK, web.RoundFormPage(s.adminLayout(r, roundsCrumb(), web.Breadcrumb{Text: "Open a round"}),
		web.RoundFormView{Form: f, Plans: plans}))
}

var roundFields = map[string]string{"plan": "plan", "name": "name"}

func (s *Server) createRound(w http.ResponseWriter, r *http.Request) {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	f, rd, errs := parseRoundForm(r, plans, nil)
	if len(errs) == 0 {
		created, err := s.store.CreateRound(r.Context(), s.actor(r), rd)
		switch {
		case err == nil:
			s.flash(r, "Round "+created.Name+" opened. Partners see on their reporting page what they still need to update.")
			http.Redirect(w, r, paths.AdminRound(created.ID), http.StatusSeeOther)
			return
		case !errs.fromStore(err, roundFields):
			s.error(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.RoundFormPage(s.adminLayout(r, roundsCrumb(), web.Breadcrumb{Text: "Open a round"}),
		web.RoundFormView{Form: f, Plans: plans, Errors: errs}))
}

func (s *Server) adminRound(r *http.Request) (tracker.Round, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return tracker.Round{}, tracker.ErrNotFound
	}
	return s.store.RoundByID(r.Context(), id)
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request) {
	rd, err := s.adminRound(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	plan, err := s.store.PlanByID(ctx, rd.PlanID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	cov, err := s.store.Coverage(ctx, rd.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	_, queued, err := s.store.Outbox(ctx, postgres.OutboxFilter{RoundID: rd.ID, Limit: 1})
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.RoundPage(s.adminLayout(r, roundsCrumb(), web.Breadcrumb{Text: rd.Name}),
		web.RoundView{Plan: plan, Coverage: cov, Now: s.now(), Queued: queued}))
}

func (s *Server) editRoundForm(w http.ResponseWriter, r *http.Request) {
	rd, err := s.adminRound(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if rd.Closed() {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, web.RoundFormPage(s.adminLayout(r, roundsCrumb(), web.Breadcrumb{Text: rd.Name, Href: paths.AdminRound(rd.ID)}, web.Breadcrumb{Text: "Change"}),
		web.RoundFormView{Round: &rd, Form: roundFormOf(rd)}))
}

func (s *Server) updateRound(w http.ResponseWriter, r *http.Request) {
	saved, err := s.adminRound(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	l := s.adminLayout(r, roundsCrumb(), web.Breadcrumb{Text: saved.Name, Href: paths.AdminRound(saved.ID)}, web.Breadcrumb{Text: "Change"})
	f, rd, errs := parseRoundForm(r, nil, &saved)
	v := web.RoundFormView{Round: &saved, Form: f}
	if len(errs) == 0 {
		rd.ID, rd.Version = saved.ID, formVersion(r)
		_, err := s.store.UpdateRound(r.Context(), s.actor(r), rd)
		switch {
		case err == nil:
			s.flash(r, "Round "+rd.Name+" saved.")
			http.Redirect(w, r, paths.AdminRound(saved.ID), http.StatusSeeOther)
			return
		case isConflict(err):
			c := &web.Conflict{}
			if saved.Closed() {
				c.Rows = append(c.Rows, web.ConflictRow{Field: "State", Saved: "Closed"})
			}
			for _, row := range []web.ConflictRow{
				{Field: "Name", Saved: saved.Name}, {Field: "Deadline", Saved: tracker.FormatDate(saved.Deadline)},
				{Field: "Reminders before the deadline", Saved: tracker.FormatDays(saved.RemindBefore)},
				{Field: "Reminders after the deadline", Saved: tracker.FormatDays(saved.RemindAfter)},
			} {
				mine := map[string]string{"Name": rd.Name, "Deadline": tracker.FormatDate(rd.Deadline),
					"Reminders before the deadline": tracker.FormatDays(rd.RemindBefore),
					"Reminders after the deadline":  tracker.FormatDays(rd.RemindAfter)}[row.Field]
				if mine != row.Saved {
					c.Rows = append(c.Rows, row)
				}
			}
			v.Conflict = c
			v.Form.Version = strconv.Itoa(saved.Version)
			s.render(w, r, http.StatusConflict, web.RoundFormPage(l, v))
			return
		case !errs.fromStore(err, roundFields):
			s.error(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.render(w, r, http.StatusUnprocessableEntity, web.RoundFormPage(l, v))
}

func closeRoundView(rd tracker.Round) web.ConfirmView {
	return web.ConfirmView{Title: "Close " + rd.Name, Label: "Reporting rounds",
		Message: "No more reminders will go out for this round, and partners will no longer be asked for updates in it. Its coverage stays readable here. Another round can then be opened for the plan.",
		Action:  paths.AdminRound(rd.ID) + "/close", Version: rd.Version, Button: "Close round", Cancel: paths.AdminRound(rd.ID)}
}

func (s *Server) closeRoundForm(w http.ResponseWriter, r *http.Request) {
	rd, err := s.adminRound(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ConfirmPage(s.adminLayout(r, roundsCrumb(), web.Breadcrumb{Text: rd.Name, Href: paths.AdminRound(rd.ID)}, web.Breadcrumb{Text: "Close"}),
		paths.AdminRounds, closeRoundView(rd)))
}

func (s *Server) closeRound(w http.ResponseWriter, r *http.Request) {
	rd, err := s.adminRound(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	err = s.store.CloseRound(r.Context(), s.actor(r), rd.ID, formVersion(r))
	if err == nil {
		s.flash(r, "Round "+rd.Name+" closed.")
		http.Redirect(w, r, paths.AdminRound(rd.ID), http.StatusSeeOther)
		return
	}
	s.confirmFailed(w, r, err, paths.AdminRounds, closeRoundView(rd), roundsCrumb(), web.Breadcrumb{Text: rd.Name, Href: paths.AdminRound(rd.ID)}, web.Breadcrumb{Text: "Close"})
}

// ---- outbox ------------------------------------------------------------------

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := postgres.OutboxFilter{Limit: outboxPageSize}
	v := web.OutboxView{Page: 1, Configured: s.mailer != nil}
	if st := q.Get("status"); st != "" {
		for _, known := range tracker.EmailStatuses {
			if string(known) == st {
				f.Status, v.Status = known, st
			}
		}
	}
	if id, err := strconv.ParseInt(q.Get("round"), 10, 64); err == nil && id > 0 {
		f.RoundID = id
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 && p < 100000 {
		v.Page = p
	}
	f.Offset = (v.Page - 1) * outboxPageSize
	emails, total, err := s.store.Outbox(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Emails, v.Total = emails, total
	v.Pages = (total + outboxPageSize - 1) / outboxPageSize
	s.render(w, r, http.StatusOK, web.OutboxPage(s.adminLayout(r), v))
}

func (s *Server) adminEmail(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	e, err := s.store.EmailByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.EmailPage(s.adminLayout(r, web.Breadcrumb{Text: "Outbox", Href: paths.AdminOutbox}, web.Breadcrumb{Text: e.Subject}),
		web.EmailView{Email: e}))
}
