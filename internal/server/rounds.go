package server

// Reporting rounds, for staff: open one for a plan, change it, follow its coverage and close it.
// Every route here is behind requireCan(tracker.ActionEditPlan).

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
)

func (s *Server) adminRounds(w http.ResponseWriter, r *http.Request) error {
	rounds, err := s.store.Rounds(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.RoundsPage(s.adminLayout(r), web.RoundsView{Rounds: rounds, Now: s.now()}))
}

func roundFormOf(rd tracker.Round) web.RoundForm {
	return web.RoundForm{PlanID: strconv.FormatInt(rd.PlanID, 10), Name: rd.Name, Opens: tracker.FormatDate(rd.Opens),
		Deadline: tracker.FormatDate(rd.Deadline), RemindBefore: tracker.FormatDays(rd.RemindBefore),
		RemindAfter: tracker.FormatDays(rd.RemindAfter), Version: strconv.Itoa(rd.Version)}
}

// parseRoundForm reads the round form, checked by tracker.ParseRound. For a round being changed
// (existing), its plan and opening day are not asked again.
func parseRoundForm(r *http.Request, plans []tracker.Plan, existing *tracker.Round) (web.RoundForm, tracker.Round, formErrors) {
	f := web.RoundForm{PlanID: form(r, "plan"), Name: form(r, "name"), Opens: form(r, "opens"), Deadline: form(r, "deadline"),
		RemindBefore: form(r, "remind_before"), RemindAfter: form(r, "remind_after"), Version: r.PostFormValue("version")}
	rd, errs := tracker.ParseRound(tracker.RoundInput{Plan: f.PlanID, Name: f.Name, Opens: f.Opens, Deadline: f.Deadline,
		RemindBefore: f.RemindBefore, RemindAfter: f.RemindAfter}, plans, existing)
	return f, rd, fieldErrors(errs)
}

func (s *Server) newRoundForm(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	f := web.RoundForm{Opens: tracker.FormatDate(tracker.Date(s.now())), RemindBefore: defaultRemindBefore, RemindAfter: defaultRemindAfter}
	for _, p := range plans {
		if p.IsCurrent {
			f.PlanID = strconv.FormatInt(p.ID, 10)
		}
	}
	return s.page(w, r, http.StatusOK, web.RoundFormPage(s.adminLayout(r, roundsCrumb(), crumb("Open a round")),
		web.RoundFormView{Form: f, Plans: plans}))
}

// roundFields says which form field shows each of the domain's round fields.
var roundFields = map[string]string{"plan": "plan", "name": "name"}

func (s *Server) createRound(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.store.Plans(r.Context())
	if err != nil {
		return err
	}
	f, rd, errs := parseRoundForm(r, plans, nil)
	return s.saveForm(w, r, formSave{errs: errs, fields: roundFields,
		save: func() (saved, error) {
			created, err := s.store.CreateRound(r.Context(), s.actor(r), rd)
			return saved{paths.AdminRound(created.ID),
				"Round " + created.Name + " opened. Partners see on their reporting page what they still need to update."}, err
		},
		show: func(status int, errs formErrors) error {
			return s.page(w, r, status, web.RoundFormPage(s.adminLayout(r, roundsCrumb(), crumb("Open a round")),
				web.RoundFormView{Form: f, Plans: plans, Errors: errs}))
		},
	})
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request) error {
	rd, err := byPathID(r, s.store.RoundByID)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cov, err := s.store.Coverage(ctx, rd.ID)
	if err != nil {
		return err
	}
	_, queued, err := s.store.Outbox(ctx, postgres.OutboxFilter{RoundID: rd.ID, Limit: 1})
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.RoundPage(s.adminLayout(r, roundsCrumb(), crumb(rd.Name)),
		web.RoundView{Plan: cov.Plan, Coverage: cov, Now: s.now(), Queued: queued,
			CanInvite: tracker.Can(s.user(r), tracker.ActionManageUsers, nil)}))
}

func (s *Server) editRoundForm(w http.ResponseWriter, r *http.Request) error {
	rd, err := byPathID(r, s.store.RoundByID)
	if err != nil {
		return err
	}
	if rd.Closed() {
		return tracker.ErrNotFound
	}
	return s.roundEditPage(w, r, http.StatusOK, web.RoundFormView{Round: &rd, Form: roundFormOf(rd)})
}

func (s *Server) updateRound(w http.ResponseWriter, r *http.Request) error {
	current, err := byPathID(r, s.store.RoundByID)
	if err != nil {
		return err
	}
	f, rd, errs := parseRoundForm(r, nil, &current)
	rd.ID, rd.Version = current.ID, formVersion(r)
	v := web.RoundFormView{Round: &current, Form: f}
	show := func(status int, errs formErrors) error {
		v.Errors = errs
		return s.roundEditPage(w, r, status, v)
	}
	return s.saveForm(w, r, formSave{errs: errs, fields: roundFields, show: show,
		save: func() (saved, error) {
			_, err := s.store.UpdateRound(r.Context(), s.actor(r), rd)
			return saved{paths.AdminRound(current.ID), "Round " + rd.Name + " saved."}, err
		},
		conflict: changedMeanwhile(show, &v.Conflict, &v.Form.Version, roundConflict(current, rd), current.Version),
	})
}

// roundEditPage shows the form that changes v.Round.
func (s *Server) roundEditPage(w http.ResponseWriter, r *http.Request, status int, v web.RoundFormView) error {
	return s.page(w, r, status, web.RoundFormPage(s.adminLayout(r, roundsCrumb(), roundCrumb(*v.Round), crumb("Change")), v))
}

// roundConflict lists what is saved now where it differs from what was typed, and whether the
// round has been closed meanwhile.
func roundConflict(saved, mine tracker.Round) *web.Conflict {
	c := &web.Conflict{}
	if saved.Closed() {
		c.Rows = append(c.Rows, web.ConflictRow{Field: "State", Saved: "Closed"})
	}
	differs(c, "Name", saved.Name, mine.Name)
	differs(c, "Deadline", tracker.FormatDate(saved.Deadline), tracker.FormatDate(mine.Deadline))
	differs(c, "Reminders before the deadline", tracker.FormatDays(saved.RemindBefore), tracker.FormatDays(mine.RemindBefore))
	differs(c, "Reminders after the deadline", tracker.FormatDays(saved.RemindAfter), tracker.FormatDays(mine.RemindAfter))
	return c
}

func closeRoundView(rd tracker.Round) web.ConfirmView {
	return web.ConfirmView{Title: "Close " + rd.Name, Label: "Reporting rounds",
		Message: "No more reminders will go out for this round, and partners will no longer be asked for updates in it. Its coverage stays readable here. Another round can then be opened for the plan.",
		Action:  paths.AdminRound(rd.ID) + "/close", Version: rd.Version, Button: "Close round", Cancel: paths.AdminRound(rd.ID)}
}

// closeRoundAction is closing the reporting round in the path, confirmed first.
func (s *Server) closeRoundAction(r *http.Request) (confirmAction, error) {
	rd, err := byPathID(r, s.store.RoundByID)
	return confirmAction{section: paths.AdminRounds, view: closeRoundView(rd),
		crumbs: []web.Breadcrumb{roundsCrumb(), roundCrumb(rd), crumb("Close")},
		act: func(version int, reason string) error {
			return s.store.CloseRound(r.Context(), s.actor(r), rd.ID, version, reason)
		},
		done: saved{paths.AdminRound(rd.ID), "Round " + rd.Name + " closed."},
	}, err
}
