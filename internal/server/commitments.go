package server

// Staff manage a plan's commitments: add, change and retire them. Every route here is behind
// requireCan(tracker.ActionEditPlan).

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// blankLeadRows is how many empty lead lines the commitment form offers.
const blankLeadRows = 2

// commitmentFormOf returns a commitment as its form shows it, with one empty lead line to add.
func commitmentFormOf(c tracker.Commitment) web.CommitmentForm {
	in := tracker.InputOf(c)
	f := web.CommitmentForm{Ref: in.Ref, Priority: in.Priority, Deliver: in.Deliver, Why: in.Why,
		DueMonth: in.DueMonth, DueYear: in.DueYear, SourceURL: in.SourceURL, Version: strconv.Itoa(c.Version),
		Leads: web.LeadFormsOf(c.Leads)}
	f.Leads = append(f.Leads, web.LeadForm{})
	return f
}

// parseCommitmentForm reads the commitment form, checked by tracker.ParseCommitment with the
// plan's priority areas and the organisations a lead line may name. A priority area that is not
// one of the plan's is shown as not chosen.
func parseCommitmentForm(r *http.Request, orgs []tracker.Organisation, priorities []tracker.Priority) (web.CommitmentForm, tracker.Commitment, formErrors) {
	f := web.CommitmentForm{Ref: form(r, "ref"), Priority: form(r, "priority"),
		Deliver: form(r, "deliver"), Why: strings.ReplaceAll(r.PostFormValue("why"), "\r\n", "\n"),
		DueMonth: form(r, "due-month"), DueYear: form(r, "due-year"), SourceURL: form(r, "source_url"),
		Version: r.PostFormValue("version")}
	in := tracker.CommitmentInput{Ref: f.Ref, Priority: f.Priority, Deliver: f.Deliver, Why: f.Why,
		DueMonth: f.DueMonth, DueYear: f.DueYear, SourceURL: f.SourceURL}
	f.Leads, in.Leads = readLeads(r)
	c, errs := tracker.ParseCommitment(in, priorities, orgs)
	if c.PriorityID == 0 {
		f.Priority = ""
	}
	return f, c, fieldErrors(errs)
}

// readLeads reads the lead lines of a commitment's form: as typed, and for ParseCommitment.
func readLeads(r *http.Request) ([]web.LeadForm, []tracker.LeadInput) {
	rows, _ := strconv.Atoi(r.PostFormValue("lead-rows"))
	rows = min(max(rows, 0), tracker.MaxLeadLines+blankLeadRows)
	var forms []web.LeadForm
	var ins []tracker.LeadInput
	for i := range rows {
		orgs := r.PostForm[tracker.LeadField(i, "org")]
		if len(orgs) > maxOrgChoices {
			orgs = orgs[:maxOrgChoices]
		}
		l := web.LeadForm{Text: form(r, tracker.LeadField(i, "text")), Orgs: orgs}
		forms = append(forms, l)
		ins = append(ins, tracker.LeadInput{Text: l.Text, Orgs: l.Orgs})
	}
	return forms, ins
}

// maxOrgChoices is the most lists of organisations one lead line's form shows.
const maxOrgChoices = 50

// leadFormAction answers the buttons of the lead lines that add to the form rather than save it:
// "Add another lead line" and "Add another organisation". It reports whether the form's action
// was one of them, having added the empty line or list to f.
func leadFormAction(r *http.Request, f *web.CommitmentForm) bool {
	action := r.PostFormValue("action")
	if action == "add-lead" {
		if len(f.Leads) < tracker.MaxLeadLines+blankLeadRows {
			f.Leads = append(f.Leads, web.LeadForm{})
		}
		return true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(action, "add-org-"))
	if !strings.HasPrefix(action, "add-org-") || err != nil || n < 1 || n > len(f.Leads) {
		return false
	}
	if l := &f.Leads[n-1]; len(l.Orgs) < maxOrgChoices {
		l.Orgs = append(l.Orgs, "")
	}
	return true
}

// leadOrganisations returns the organisations a commitment's lead lines may name: those in use,
// and any retired ones it names already.
func (s *Server) leadOrganisations(r *http.Request, c *tracker.Commitment) ([]tracker.Organisation, error) {
	all, err := s.store.AllOrganisations(r.Context())
	if err != nil {
		return nil, err
	}
	named := map[int64]bool{}
	if c != nil {
		for _, l := range c.Leads {
			for _, o := range l.Organisations {
				named[o.ID] = true
			}
		}
	}
	var out []tracker.Organisation
	for _, o := range all {
		if o.RetiredAt == nil || named[o.ID] {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Server) commitmentFormView(r *http.Request, plan tracker.Plan, c *tracker.Commitment) (web.CommitmentFormView, error) {
	v := web.CommitmentFormView{Plan: plan}
	var err error
	if v.Priorities, err = s.store.Priorities(r.Context(), plan.ID); err != nil {
		return v, err
	}
	v.Organisations, err = s.leadOrganisations(r, c)
	return v, err
}

// newCommitmentView is the form's view for adding a commitment to the plan the path names.
func (s *Server) newCommitmentView(r *http.Request) (tracker.Plan, web.CommitmentFormView, error) {
	plan, err := s.adminPlan(r)
	if err != nil {
		return plan, web.CommitmentFormView{}, err
	}
	v, err := s.commitmentFormView(r, plan, nil)
	return plan, v, err
}

func (s *Server) newCommitmentForm(w http.ResponseWriter, r *http.Request) error {
	plan, v, err := s.newCommitmentView(r)
	if err != nil {
		return err
	}
	v.Form = web.CommitmentForm{Leads: make([]web.LeadForm, blankLeadRows+1)}
	return s.page(w, r, http.StatusOK, web.CommitmentFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb("Add a commitment")), v))
}

func (s *Server) createCommitment(w http.ResponseWriter, r *http.Request) error {
	plan, v, err := s.newCommitmentView(r)
	if err != nil {
		return err
	}
	f, c, errs := parseCommitmentForm(r, v.Organisations, v.Priorities)
	v.Form = f
	show := func(status int, errs formErrors) error {
		v.Errors = errs
		return s.page(w, r, status, web.CommitmentFormPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb("Add a commitment")), v))
	}
	if leadFormAction(r, &v.Form) {
		return show(http.StatusOK, nil)
	}
	return s.saveForm(w, r, formSave{errs: errs, show: show,
		save: func() (saved, error) {
			created, err := s.store.CreateCommitment(r.Context(), s.actor(r), plan.ID, c)
			return saved{paths.AdminPlan(plan.Slug) + "#commitments", "Commitment " + created.Ref + " added."}, err
		},
	})
}

// adminCommitment returns the commitment in the path, as staff edit it, and its plan.
func (s *Server) adminCommitment(r *http.Request) (tracker.Commitment, tracker.Plan, error) {
	return adminRecord(s, r, s.store.CommitmentForEdit, func(c tracker.Commitment) int64 { return c.PlanID })
}

// adminRecord returns the record whose id the path names, found by find, and the plan planOf
// says it belongs to.
func adminRecord[T any](s *Server, r *http.Request, find func(context.Context, int64) (T, error), planOf func(T) int64) (T, tracker.Plan, error) {
	v, err := byPathID(r, find)
	if err != nil {
		return v, tracker.Plan{}, err
	}
	plan, err := s.store.PlanByID(r.Context(), planOf(v))
	return v, plan, err
}

// commitmentConflict lists what is saved now where it differs from what was typed.
func commitmentConflict(saved, mine tracker.Commitment) *web.Conflict {
	c := &web.Conflict{}
	for _, f := range plancsv.Differences(saved, mine) {
		var value string
		switch f {
		case "number":
			value = saved.Ref
		case "priority area":
			value = strconv.Itoa(saved.PriorityNumber) + ". " + saved.PriorityName
		case "what it will deliver":
			value = saved.Deliver
		case "why":
			value = strings.Join(saved.Why, " / ")
		case "who leads it":
			var lines []string
			for _, l := range saved.Leads {
				codes := make([]string, len(l.Organisations))
				for i, o := range l.Organisations {
					codes[i] = o.Code
				}
				line := l.Text
				if len(codes) > 0 {
					line += " (" + strings.Join(codes, ", ") + ")"
				}
				lines = append(lines, line)
			}
			value = strings.Join(lines, " / ")
		case "due":
			value = saved.Due.String()
		case "source":
			value = saved.SourceURL
		}
		c.Rows = append(c.Rows, web.ConflictRow{Field: capitalise(f), Saved: value})
	}
	return c
}

func retireCommitmentView(c tracker.Commitment, plan tracker.Plan) web.ConfirmView {
	return web.ConfirmView{Title: "Retire commitment " + c.Ref, Label: plan.Title,
		Message: "“" + c.Deliver + "” will no longer be shown in the portal or asked for updates. Nothing is deleted: its history and audit trail are kept.",
		Action:  paths.AdminCommitment(c.ID, "retire"), Version: c.Version, Button: "Retire commitment",
		Cancel: paths.AdminPlan(plan.Slug) + "#commitments", ReasonRequired: true, ReasonHint: "Why is the commitment no longer part of the plan?"}
}

// retireCommitmentAction is retiring the commitment in the path, confirmed first.
func (s *Server) retireCommitmentAction(r *http.Request) (confirmAction, error) {
	c, plan, err := s.adminCommitment(r)
	return confirmAction{section: paths.AdminPlans, view: retireCommitmentView(c, plan),
		crumbs: []web.Breadcrumb{plansCrumb(), planCrumb(plan), crumb("Retire " + c.Ref)},
		act: func(version int, reason string) error {
			return s.store.RetireCommitment(r.Context(), s.actor(r), c.ID, version, reason)
		},
		done: saved{paths.AdminPlan(plan.Slug) + "#commitments", "Commitment " + c.Ref + " has been retired."},
	}, err
}
