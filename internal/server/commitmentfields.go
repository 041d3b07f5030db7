package server

// Staff change a commitment one field at a time: its page lists every field with a link to a
// small form for that field alone. A change to what the public reads needs a short note, which
// the public page shows as an amendment. Every route here is behind
// requireCan(tracker.ActionEditPlan).

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// commitmentRoutes adds a commitment's page for staff and the forms that change each field.
func (s *Server) commitmentRoutes(r chi.Router) {
	r.Get(paths.AdminCommitPrefix, s.handle(s.adminCommitmentPage))
	// The form that changed every field at once was here: its address leads to the page.
	r.Get(paths.AdminCommitPrefix+"/edit", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		c, _, err := s.adminCommitment(r)
		if err != nil {
			return err
		}
		http.Redirect(w, r, paths.AdminCommitmentPage(c.ID), http.StatusMovedPermanently)
		return nil
	}))
	for _, f := range tracker.CommitmentFields {
		s.form(r, paths.AdminCommitPrefix+paths.AdminCommitmentChangePrefix+f.Slug, s.commitmentFieldForm(f), s.changeCommitmentField(f))
	}
}

// commitmentCrumb leads back to a commitment's page for staff.
func commitmentCrumb(c tracker.Commitment) web.Breadcrumb {
	return web.Breadcrumb{Text: "Commitment " + c.Ref, Href: paths.AdminCommitmentPage(c.ID)}
}

func (s *Server) adminCommitmentPage(w http.ResponseWriter, r *http.Request) error {
	c, plan, err := s.adminCommitment(r)
	if err != nil {
		return err
	}
	amendments, err := s.store.Amendments(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.AdminCommitmentPage(s.adminLayout(r, plansCrumb(), planCrumb(plan), crumb("Commitment "+c.Ref)),
		web.AdminCommitmentView{Plan: plan, Commitment: c, Amendments: amendments}))
}

// commitmentFieldView is the commitment in the path, as saved, and the view of the form changing
// its field f, with the choices the field needs.
func (s *Server) commitmentFieldView(r *http.Request, f tracker.CommitmentField) (tracker.Commitment, web.CommitmentFieldView, error) {
	c, plan, err := s.adminCommitment(r)
	if err != nil {
		return c, web.CommitmentFieldView{}, err
	}
	v := web.CommitmentFieldView{Plan: plan, Commitment: c, Field: f, Form: commitmentFormOf(c)}
	if v.Priorities, err = s.store.Priorities(r.Context(), plan.ID); err != nil {
		return c, v, err
	}
	v.Organisations, err = s.leadOrganisations(r, &c)
	return c, v, err
}

// showCommitmentField renders the form changing a field of a commitment.
func (s *Server) showCommitmentField(w http.ResponseWriter, r *http.Request, status int, v web.CommitmentFieldView) error {
	l := s.adminLayout(r, plansCrumb(), planCrumb(v.Plan), commitmentCrumb(v.Commitment), crumb(v.Field.Label))
	return s.page(w, r, status, web.CommitmentFieldPage(l, v))
}

func (s *Server) commitmentFieldForm(f tracker.CommitmentField) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, v, err := s.commitmentFieldView(r, f)
		if err != nil {
			return err
		}
		return s.showCommitmentField(w, r, http.StatusOK, v)
	}
}

// readCommitmentField reads the inputs of field f from the form into what was typed and into in,
// the commitment's input as saved.
func readCommitmentField(r *http.Request, f tracker.CommitmentField, typed *web.CommitmentForm, in *tracker.CommitmentInput) {
	switch f.Slug {
	case tracker.FieldNumber.Slug:
		typed.Ref = form(r, "ref")
		in.Ref = typed.Ref
	case tracker.FieldPriority.Slug:
		typed.Priority = form(r, "priority")
		in.Priority = typed.Priority
	case tracker.FieldWhat.Slug:
		typed.Deliver = form(r, "deliver")
		in.Deliver = typed.Deliver
	case tracker.FieldWhy.Slug:
		typed.Why = strings.ReplaceAll(r.PostFormValue("why"), "\r\n", "\n")
		in.Why = typed.Why
	case tracker.FieldDue.Slug:
		typed.DueMonth, typed.DueYear = form(r, "due-month"), form(r, "due-year")
		in.DueMonth, in.DueYear = typed.DueMonth, typed.DueYear
	case tracker.FieldLeads.Slug:
		typed.Leads, in.Leads = readLeads(r)
	case tracker.FieldSource.Slug:
		typed.SourceURL = form(r, "source_url")
		in.SourceURL = typed.SourceURL
	}
}

// changeCommitmentField saves the form changing field f of a commitment: with the change note
// as an amendment when the public reads the field, and back to the commitment's page. A form that
// changes nothing saves nothing.
func (s *Server) changeCommitmentField(f tracker.CommitmentField) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		current, v, err := s.commitmentFieldView(r, f)
		if err != nil {
			return err
		}
		in := tracker.InputOf(current)
		readCommitmentField(r, f, &v.Form, &in)
		v.Form.Version, v.Note = r.PostFormValue("version"), r.PostFormValue(tracker.FieldChangeNote)
		show := func(status int, errs formErrors) error {
			v.Errors = errs
			return s.showCommitmentField(w, r, status, v)
		}
		if leadFormAction(r, &v.Form) {
			return show(http.StatusOK, nil)
		}
		c, note, problems := tracker.ParseCommitmentChange(f, in, v.Note, v.Priorities, v.Organisations)
		c.ID, c.Version = current.ID, formVersion(r)
		changed := plancsv.Differences(current, c)
		if len(changed) == 0 && c.Version == current.Version && !restoring(r) && !fieldProblems(problems) {
			return s.seeOther(w, r, paths.AdminCommitmentPage(c.ID), "Nothing was changed: "+lowerFirst(f.Label)+" is as it was.")
		}
		return s.saveForm(w, r, formSave{errs: fieldErrors(problems), show: show, button: "Save change",
			save: func() (saved, error) {
				var a tracker.Amendment
				if f.Public {
					a = tracker.Amendment{Fields: changed, Note: note}
				}
				_, err := s.store.AmendCommitment(r.Context(), s.actor(r), c, a)
				return saved{paths.AdminCommitmentPage(c.ID), "Commitment " + c.Ref + ": " + lowerFirst(f.Label) + " changed."}, err
			},
			conflict: changedMeanwhile(show, &v.Conflict, &v.Form.Version, commitmentConflict(current, c), current.Version),
		})
	}
}

// fieldProblems reports whether any of the problems is with the field itself, not the note.
func fieldProblems(problems []tracker.FieldError) bool {
	for _, p := range problems {
		if p.Field != tracker.FieldChangeNote {
			return true
		}
	}
	return false
}

// lowerFirst lower-cases the first letter of a label that starts with an ASCII letter.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
