package server

// Staff carry open commitments of a plan's previous plan forward into it. Every route here is
// behind requireCan(tracker.ActionEditPlan).

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// carriable reports whether a commitment may be carried forward into the next plan.
func carriable(c tracker.Commitment) bool { return c.Status.Open() && c.CarriedForwardToID == nil }

// carryForwardView lists the open commitments of the plan before the one the request's path
// names, each with why it cannot be carried forward, if it cannot. A plan with no previous plan
// has nothing to carry.
func (s *Server) carryForwardView(r *http.Request) (web.CarryForwardView, error) {
	ctx := r.Context()
	plan, err := s.adminPlan(r)
	if err != nil {
		return web.CarryForwardView{}, err
	}
	v := web.CarryForwardView{Plan: plan, Chosen: map[string]bool{}}
	if plan.PreviousID == nil {
		return v, tracker.ErrNotFound
	}
	prev, err := s.store.PlanByID(ctx, *plan.PreviousID)
	if err != nil {
		return v, err
	}
	v.Previous = prev
	olds, err := s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: prev.ID})
	if err != nil {
		return v, err
	}
	mine, err := s.store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID})
	if err != nil {
		return v, err
	}
	retired, err := s.store.RetiredRefs(ctx, plan.ID)
	if err != nil {
		return v, err
	}
	ps, err := s.store.Priorities(ctx, plan.ID)
	if err != nil {
		return v, err
	}
	taken := map[string]bool{}
	for _, c := range mine {
		taken[c.Ref] = true
	}
	for _, ref := range retired {
		taken[ref] = true
	}
	numbers := map[int]bool{}
	for _, p := range ps {
		numbers[p.Number] = true
	}
	for _, c := range olds {
		if !carriable(c) {
			continue
		}
		o := web.CarryForwardOption{Commitment: c}
		switch {
		case taken[c.Ref]:
			o.Blocked = plan.Period + " already has a commitment " + c.Ref
		case !numbers[c.PriorityNumber]:
			o.Blocked = plan.Period + " has no priority area " + strconv.Itoa(c.PriorityNumber) + ": add it first"
		}
		v.Options = append(v.Options, o)
	}
	return v, nil
}

func (s *Server) carryForwardForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.carryForwardView(r)
	if err != nil {
		return err
	}
	return s.carryForwardPage(w, r, http.StatusOK, v)
}

// carryForwardPage shows the carry forward form with the status.
func (s *Server) carryForwardPage(w http.ResponseWriter, r *http.Request, status int, v web.CarryForwardView) error {
	return s.page(w, r, status, web.CarryForwardPage(s.adminLayout(r, plansCrumb(), planCrumb(v.Plan), crumb("Carry forward")), v))
}

func (s *Server) carryForward(w http.ResponseWriter, r *http.Request) error {
	v, err := s.carryForwardView(r)
	if err != nil {
		return err
	}
	plan := v.Plan
	var ids []int64
	for _, s := range r.PostForm["commitment"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
			v.Chosen[s] = true
		}
	}
	var errs formErrors
	errs.addField(tracker.CheckCarryForward(plan, len(ids)), nil)
	return s.saveForm(w, r, formSave{errs: errs,
		save: func() (saved, error) {
			copies, err := s.store.CarryForward(r.Context(), s.actor(r), plan.ID, ids)
			return saved{paths.AdminPlan(plan.Slug) + "#commitments",
				plural(len(copies), "commitment", "commitments") + " carried forward into " + plan.Title + "."}, err
		},
		show: func(status int, errs formErrors) error {
			v.Errors = errs
			return s.carryForwardPage(w, r, status, v)
		},
	})
}
