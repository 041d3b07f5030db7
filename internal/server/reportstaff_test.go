package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestReportList(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	civtech := signIn(t, app, tracker.RolePartner, "CIVTECH")
	staff := signIn(t, app, tracker.RoleStaff, "")

	_, doc := civtech.get("/report")
	row := doc.Find(`.app-report-row[data-ref="4.5"]`)
	if doc.Find(".app-report-row").Length() != 1 || row.Length() != 1 {
		t.Fatalf("CIVTECH's list has %d rows", doc.Find(".app-report-row").Length())
	}
	got := text(row)
	// 4.5 was due April 2024, has no update and nothing published through the portal.
	for _, want := range []string{"Overdue No progress has been reported yet", "April 2024", "None in the portal yet", "Update due", "None in progress", "Report progress"} {
		if !strings.Contains(got, want) {
			t.Errorf("4.5 row %q lacks %q", got, want)
		}
	}
	mustRedirect(t, "draft", civtech.post("/report/4.5", with(civtech.openForm("4.5"), "action", "draft", "status", "delayed", "narrative", "Slow.")), "/report")
	_, doc = civtech.get("/report")
	if got := text(doc.Find(`.app-report-row[data-ref="4.5"] .app-report-row__open`)); got != "Draft saved" {
		t.Errorf("after saving a draft 4.5 says %q", got)
	}
	if got := text(doc.Find(`.app-report-row[data-ref="4.5"] .app-report-link`)); !strings.HasPrefix(got, "Continue report") {
		t.Errorf("link after a draft = %q", got)
	}

	// Staff see every commitment, or one organisation's.
	_, doc = staff.get("/report")
	if n := doc.Find(".app-report-row").Length(); n != 6 {
		t.Errorf("staff see %d commitments, want 6", n)
	}
	if doc.Find(`select#org option[value="NES"]`).Length() != 1 {
		t.Error("staff cannot choose an organisation")
	}
	_, doc = staff.get("/report?org=LGDO")
	var refs []string
	doc.Find(".app-report-row").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.AttrOr("data-ref", "")) })
	if !slices.Equal(refs, []string{"4.2", "4.3", "4.5"}) {
		t.Errorf("LGDO's commitments for staff = %q", refs)
	}
	// Staff do not see partners' drafts there: the column is their own.
	if got := text(doc.Find(`.app-report-row[data-ref="4.5"] .app-report-row__open`)); got != "None in progress" {
		t.Errorf("staff see 4.5's update as %q", got)
	}
	for _, path := range []string{"/report?org=NOPE", "/report?org=nope%20x"} {
		if rec, _ := staff.get(path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
}

func TestStaffWriteAndPublish(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staff := signIn(t, app, tracker.RoleStaff, "")
	rec, doc := staff.get("/report/4.4")
	if rec.Code != http.StatusOK {
		t.Fatalf("staff GET /report/4.4 = %d", rec.Code)
	}
	var buttons []string
	doc.Find("form.app-report-form button").Each(func(_ int, b *goquery.Selection) { buttons = append(buttons, text(b)) })
	if !slices.Equal(buttons, []string{"Publish", "Submit for review", "Save draft"}) {
		t.Errorf("staff buttons = %q", buttons)
	}
	for _, v := range []string{"withdrawn", "carried_forward"} {
		if doc.Find(`input[name="status"][value="`+v+`"]`).Length() != 1 {
			t.Errorf("staff are not offered %s", v)
		}
	}
	form := formValues(t, doc, "form.app-report-form")
	cf := with(form, "action", "publish", "status", "carried_forward", "narrative", "Continues next year.")
	rec, doc = staff.postDoc("/report/4.4", cf)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("carried forward without reason = %d, want 422", rec.Code)
	}
	if n := doc.Find(".ds_error-summary li").Length(); n != 2 {
		t.Errorf("%d errors, want the reason and the plan", n)
	}
	cf = with(cf, "status_reason", "Part of the 2024-25 plan's workforce priority.", "carried_forward_to", "Delivery Plan 2024-25")
	// The commitment's own plan is not a later plan.
	rec, doc = staff.postDoc("/report/4.4", with(cf, "carried_forward_to", "2023-24"))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#error-message-carried_forward_to")), "later than") {
		t.Errorf("carried forward to its own plan = %d %q", rec.Code, text(doc.Find("#error-message-carried_forward_to")))
	}
	mustRedirect(t, "publish", staff.post("/report/4.4", cf), "/commitments/4.4")
	_, doc = anonymous(t, app).get("/commitments/4.4")
	main := text(doc.Find("main"))
	for _, want := range []string{"Carried forward", "Part of the 2024-25 plan's workforce priority.", "Carried forward to: Delivery Plan 2024-25", "Scottish Government"} {
		if !strings.Contains(main, want) {
			t.Errorf("4.4 page lacks %q", want)
		}
	}
	if strings.Contains(text(doc.Find(".ds_summary-list")), "Overdue") {
		t.Error("a carried forward commitment is shown overdue")
	}
}

// TestNoLostWorkOverHTTP fires the requests that overtake a form at a real database: each time
// the person is shown what changed, keeps their text, and can send again deliberately.
func TestNoLostWorkOverHTTP(t *testing.T) {
	t.Parallel()
	t.Run("published while the form was open", func(t *testing.T) {
		t.Parallel()
		app := newApp(t)
		partner := signIn(t, app, tracker.RolePartner, "NES")
		staff := signIn(t, app, tracker.RoleStaff, "")
		opened := partner.openForm("4.3")
		mustRedirect(t, "staff publish", staff.post("/report/4.3", with(staff.openForm("4.3"), "action", "publish",
			"status", "delayed", "narrative", "Recruitment paused until April.")), "/commitments/4.3")

		mine := with(opened, "action", "submit", "status", "on_track", "narrative", "All going well, say NES.")
		rec, doc := partner.postDoc("/report/4.3", mine)
		if rec.Code != http.StatusConflict {
			t.Fatalf("submit after a publication = %d, want 409", rec.Code)
		}
		conflict := text(doc.Find(".app-conflict"))
		for _, want := range []string{"changed since you opened this form", "Recruitment paused until April.", "Delayed"} {
			if !strings.Contains(conflict, want) {
				t.Errorf("conflict panel %q lacks %q", conflict, want)
			}
		}
		kept := formValues(t, doc, "form.app-report-form")
		if kept.Get("narrative") != "All going well, say NES." || kept.Get("status") != "on_track" {
			t.Errorf("the partner's text was not kept: %v", kept)
		}
		if kept.Get("version") == opened.Get("version") {
			t.Error("the form is still based on the old version")
		}
		// Nothing was saved; sending again, having seen it, succeeds.
		if n := pendingUpdates(t, app); n != 0 {
			t.Errorf("%d updates saved by the conflicting submission", n)
		}
		mustRedirect(t, "submit again", partner.post("/report/4.3", with(kept, "action", "submit")), "/report")
	})

	t.Run("another organisation submitted while the form was open", func(t *testing.T) {
		t.Parallel()
		app := newApp(t)
		nes := signIn(t, app, tracker.RolePartner, "NES")
		lgdo := signIn(t, app, tracker.RolePartner, "LGDO")
		opened := nes.openForm("4.2")
		mustRedirect(t, "LGDO submit", lgdo.post("/report/4.2", with(lgdo.openForm("4.2"), "action", "submit",
			"status", "at_risk", "narrative", "LGDO private words.")), "/report")
		rec, doc := nes.postDoc("/report/4.2", with(opened, "action", "submit", "status", "on_track", "narrative", "NES words."))
		if rec.Code != http.StatusConflict {
			t.Fatalf("submit after another submission = %d, want 409", rec.Code)
		}
		if !strings.Contains(text(doc.Find(".app-conflict")), "Another lead organisation submitted an update for review on 23 November 2026") {
			t.Errorf("conflict panel = %q", text(doc.Find(".app-conflict")))
		}
		// Partners never read another organisation's unpublished update.
		if strings.Contains(rec.Body.String(), "LGDO private words.") {
			t.Error("NES was shown LGDO's submitted update")
		}
		kept := formValues(t, doc, "form.app-report-form")
		mustRedirect(t, "submit again", nes.post("/report/4.2", with(kept, "action", "submit")), "/report")
	})

	t.Run("a colleague saved the draft while the form was open", func(t *testing.T) {
		t.Parallel()
		app := newApp(t)
		ann := signIn(t, app, tracker.RolePartner, "NES")
		bob := signIn(t, app, tracker.RolePartner, "NES")
		mustRedirect(t, "Ann's draft", ann.post("/report/4.1", with(ann.openForm("4.1"), "action", "draft", "status", "on_track", "narrative", "Ann's draft.")), "/report")
		annForm := ann.openForm("4.1")
		mustRedirect(t, "Bob's draft", bob.post("/report/4.1", with(bob.openForm("4.1"), "action", "draft", "narrative", "Bob's rewrite.")), "/report")
		rec, doc := ann.postDoc("/report/4.1", with(annForm, "action", "draft", "narrative", "Ann's second thoughts."))
		if rec.Code != http.StatusConflict {
			t.Fatalf("saving over a colleague = %d, want 409", rec.Code)
		}
		if !strings.Contains(text(doc.Find(".app-conflict")), "Bob's rewrite.") {
			t.Errorf("Ann is not shown Bob's text: %q", text(doc.Find(".app-conflict")))
		}
		if got := formValues(t, doc, "form.app-report-form").Get("narrative"); got != "Ann's second thoughts." {
			t.Errorf("Ann's text became %q", got)
		}
		if got := openUpdate(t, app, bob, "4.1").Narrative; got != "Bob's rewrite." {
			t.Errorf("Bob's draft became %q", got)
		}
	})
}
