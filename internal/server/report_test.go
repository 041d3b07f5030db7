package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// formValues reads a form from a page as a browser would send it: its inputs' values, checked
// radios and textareas. Buttons are left out: the test says which one it presses.
func formValues(t testing.TB, doc *goquery.Document, selector string) url.Values {
	t.Helper()
	form := doc.Find(selector)
	if form.Length() != 1 {
		t.Fatalf("%d forms match %s", form.Length(), selector)
	}
	v := url.Values{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, ok := in.Attr("name")
		if !ok {
			return
		}
		switch in.AttrOr("type", "text") {
		case "radio", "checkbox":
			if _, checked := in.Attr("checked"); checked {
				v.Add(name, in.AttrOr("value", "on"))
			}
		default:
			v.Add(name, in.AttrOr("value", ""))
		}
	})
	form.Find("textarea").Each(func(_ int, ta *goquery.Selection) {
		v.Add(ta.AttrOr("name", ""), ta.Text())
	})
	return v
}

// with returns a copy of the form with the fields set.
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// openForm opens the report form on the commitment as the client and returns the form as it
// would be sent.
func (c *client) openForm(ref string) url.Values {
	c.t.Helper()
	rec, doc := c.get("/report/" + ref)
	if rec.Code != http.StatusOK {
		c.t.Fatalf("GET /report/%s = %d", ref, rec.Code)
	}
	return formValues(c.t, doc, "form.app-report-form")
}

// mustRedirect fails the test unless the response is a 303 to the path.
func mustRedirect(t testing.TB, what string, rec *httptest.ResponseRecorder, path string) {
	t.Helper()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path {
		t.Fatalf("%s = %d to %q, want 303 to %s\n%s", what, rec.Code, rec.Header().Get("Location"), path, rec.Body.String())
	}
}

func parse(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// flash returns the text of the success banner on the page the client is sent to next.
func (c *client) flash(path string) string {
	c.t.Helper()
	_, doc := c.get(path)
	return text(doc.Find(".ds_notification--success"))
}

// reviewForm returns the form of an update's review page for the action ("publish" or
// "return"), as it would be sent.
func (c *client) reviewForm(id int64, action string) url.Values {
	c.t.Helper()
	path := fmt.Sprintf("/review/%d", id)
	rec, doc := c.get(path)
	if rec.Code != http.StatusOK {
		c.t.Fatalf("GET %s = %d", path, rec.Code)
	}
	var found url.Values
	doc.Find("main form").Each(func(i int, f *goquery.Selection) {
		if f.Find(`input[name="action"]`).AttrOr("value", "") == action {
			f.SetAttr("data-test-form", action)
			found = formValues(c.t, doc, fmt.Sprintf(`form[data-test-form=%q]`, action))
		}
	})
	if found == nil {
		c.t.Fatalf("%s has no %s form", path, action)
	}
	return found
}

// openUpdate returns the update of the user's organisation (or, for staff, their own) in
// progress on the commitment.
func openUpdate(t testing.TB, app *testApp, c *client, ref string) tracker.Update {
	t.Helper()
	plan, err := app.Store.CurrentPlan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cm, err := app.Store.CommitmentByRef(t.Context(), plan.ID, ref)
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.Store.OpenUpdate(t.Context(), cm.ID, &c.User)
	if err != nil {
		t.Fatalf("open update of %s on %s: %v", c.User.Name, ref, err)
	}
	return u
}

// TestReportReviewPublishJourney is the journey over HTTP: a partner reports with a
// validation error, then successfully; staff return it with a note; the partner sees the note,
// changes the update and resubmits; staff publish; the public page shows it.
func TestReportReviewPublishJourney(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	reviewer := signIn(t, app, tracker.RoleStaff, "")
	public := anonymous(t, app)

	// The public page before: a visitor's cache must not keep it once the update is published.
	if rec, _ := public.get("/commitments/4.1"); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "applications open in March") {
		t.Fatalf("GET /commitments/4.1 before = %d", rec.Code)
	}
	// The commitment's page offers the partner a way to report; another organisation gets none.
	_, doc := partner.get("/commitments/4.1")
	if href := doc.Find(".app-report-action a").AttrOr("href", ""); href != "/report/4.1" {
		t.Errorf("report link on the commitment page = %q", href)
	}
	_, doc = signIn(t, app, tracker.RolePartner, "CIVTECH").get("/commitments/4.1")
	if doc.Find(".app-report-action").Length() != 0 {
		t.Error("CIVTECH is offered to report on 4.1")
	}

	// The partner's list: the commitments NES leads, with a way to report on each.
	rec, doc := partner.get("/report")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /report = %d", rec.Code)
	}
	checkPage(t, "/report", doc, "Report progress")
	var refs []string
	doc.Find(".app-report-row").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.AttrOr("data-ref", "")) })
	if !slices.Equal(refs, []string{"4.1", "4.2", "4.3"}) {
		t.Fatalf("NES's commitments = %q", refs)
	}
	if href := doc.Find(`.app-report-row[data-ref="4.1"] .app-report-link`).AttrOr("href", ""); href != "/report/4.1" {
		t.Errorf("report link = %q", href)
	}

	// The form, with a validation error: everything typed comes back.
	form := partner.openForm("4.1")
	for _, name := range []string{"version", "seen", "update", "update_version", "narrative", "due_month", "due_year", "evidence_url"} {
		if _, ok := form[name]; !ok {
			t.Errorf("the form has no field %q", name)
		}
	}
	bad := with(form, "action", "submit", "status", "at_risk", "narrative", "  ", "due_month", "6", "due_year", "2026",
		"evidence_url", "javascript:alert(1)")
	rec, doc = partner.postDoc("/report/4.1", bad)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid report = %d, want 422", rec.Code)
	}
	checkPage(t, "/report/4.1", doc, "Error: Report progress on commitment 4.1")
	summary := texts(doc.Find(".ds_error-summary li"))
	if len(summary) != 2 || summary[0] != "Enter a progress narrative" || !strings.Contains(summary[1], "https://") {
		t.Errorf("error summary = %q", summary)
	}
	for _, id := range []string{"narrative", "evidence_url"} {
		if doc.Find(fmt.Sprintf(`.ds_error-summary a[href="#%s"]`, id)).Length() != 1 || doc.Find("#"+id).Length() != 1 {
			t.Errorf("error summary does not link to #%s", id)
		}
		if doc.Find("#error-message-"+id).Length() != 1 {
			t.Errorf("no inline error for %s", id)
		}
	}
	kept := formValues(t, doc, "form.app-report-form")
	if kept.Get("status") != "at_risk" || kept.Get("due_month") != "6" || kept.Get("due_year") != "2026" ||
		kept.Get("evidence_url") != "javascript:alert(1)" || kept.Get("version") != form.Get("version") {
		t.Errorf("the form did not keep what was typed: %v", kept)
	}

	// Submitted for review.
	good := with(kept, "action", "submit", "narrative", "Cohort 3 starts in June 2026.", "evidence_url", "https://example.com/nes")
	mustRedirect(t, "valid report", partner.post("/report/4.1", good), "/report")
	if got := partner.flash("/report"); !strings.Contains(got, "submitted for review") {
		t.Errorf("flash after submitting = %q", got)
	}
	_, doc = partner.get("/report")
	if got := text(doc.Find(`.app-report-row[data-ref="4.1"] .app-report-row__open`)); got != "Submitted for review" {
		t.Errorf("4.1 on /report says %q", got)
	}
	u := openUpdate(t, app, partner, "4.1")

	// Staff see it waiting, and return it with a note; the note is required.
	_, doc = reviewer.get("/review")
	if got := text(doc.Find(".app-review-item__title")); !strings.Contains(got, "4.1") {
		t.Errorf("review queue = %q", got)
	}
	ret := reviewer.reviewForm(u.ID, "return")
	rec, doc = reviewer.postDoc(fmt.Sprintf("/review/%d", u.ID), with(ret, "note", ""))
	if rec.Code != http.StatusUnprocessableEntity || doc.Find(`.ds_error-summary a[href="#note"]`).Length() != 1 {
		t.Fatalf("return without a note = %d", rec.Code)
	}
	mustRedirect(t, "return", reviewer.post(fmt.Sprintf("/review/%d", u.ID), with(ret, "note", "Say when Cohort 3 applications open.")), "/review")
	if got := reviewer.flash("/review"); !strings.Contains(got, "returned to NHS Education for Scotland") {
		t.Errorf("flash after returning = %q", got)
	}

	// The partner sees the note and resubmits.
	_, doc = partner.get("/report")
	if got := text(doc.Find(`.app-report-row[data-ref="4.1"] .app-report-row__open`)); got != "Returned for changes" {
		t.Errorf("4.1 on /report says %q", got)
	}
	_, doc = partner.get("/report/4.1")
	if !strings.Contains(text(doc.Find(".app-open-update")), "Say when Cohort 3 applications open.") {
		t.Errorf("the form does not show the review note: %q", text(doc.Find(".app-open-update")))
	}
	again := formValues(t, doc, "form.app-report-form")
	if again.Get("narrative") != "Cohort 3 starts in June 2026." || again.Get("status") != "at_risk" || again.Get("due_month") != "6" {
		t.Errorf("the returned update is not in the form: %v", again)
	}
	mustRedirect(t, "resubmit", partner.post("/report/4.1", with(again, "action", "submit",
		"narrative", "Cohort 3 starts in June 2026; applications open in March.")), "/report")

	// Staff publish it.
	pub := reviewer.reviewForm(u.ID, "publish")
	mustRedirect(t, "publish", reviewer.post(fmt.Sprintf("/review/%d", u.ID), pub), "/review")
	if got := reviewer.flash("/review"); !strings.Contains(got, "has been published") {
		t.Errorf("flash after publishing = %q", got)
	}

	// The public page shows it, first in the history, without names.
	rec, doc = public.get("/commitments/4.1")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /commitments/4.1 = %d", rec.Code)
	}
	first := doc.Find(".app-timeline__item").First()
	got := text(first)
	for _, want := range []string{"23 November 2026", "At risk", "Expected June 2026 (originally March 2026)",
		"NHS Education for Scotland", "applications open in March", "Evidence"} {
		if !strings.Contains(got, want) {
			t.Errorf("newest history item %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, partner.User.Name) || strings.Contains(got, reviewer.User.Name) {
		t.Errorf("the public sees names: %q", got)
	}
	if strings.Contains(text(doc.Find("main")), "Say when Cohort 3") {
		t.Error("the public sees the review note")
	}
	status := text(doc.Find(".ds_summary-list__item").First())
	if !strings.Contains(status, "At risk") {
		t.Errorf("current status = %q", status)
	}
	// Staff see who wrote and who published it.
	_, doc = reviewer.get("/commitments/4.1")
	got = text(doc.Find(".app-timeline__item").First())
	if !strings.Contains(got, partner.User.Name) || !strings.Contains(got, reviewer.User.Name) {
		t.Errorf("staff do not see names: %q", got)
	}

	// The audit log has every step, with who and from where.
	rows, err := app.Pool.Query(t.Context(), `SELECT action, actor_id, remote_addr FROM audit_log
		WHERE record_type = 'update' AND record_id = $1 ORDER BY id`, fmt.Sprint(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for rows.Next() {
		var action, addr string
		var actor int64
		if err := rows.Scan(&action, &actor, &addr); err != nil {
			t.Fatal(err)
		}
		actions = append(actions, action)
		if addr != "192.0.2.10" {
			t.Errorf("%s audited from %q", action, addr)
		}
	}
	if want := []string{"update.submit", "update.return", "update.submit", "update.publish"}; !slices.Equal(actions, want) {
		t.Errorf("audit = %q, want %q", actions, want)
	}
}

func TestReportValidation(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	form := with(partner.openForm("4.2"), "action", "submit", "status", "on_track", "narrative", "Fine.")
	tests := []struct {
		name   string
		fields []string
		field  string // the field with the error
		want   string
	}{
		{"no status", []string{"status", ""}, "status", "Select a status"},
		{"overdue is not a status", []string{"status", "overdue"}, "status", "Select a status from the list"},
		{"partner withdraws", []string{"status", "withdrawn", "status_reason", "No money."}, "status", "Only Scottish Government staff can set Withdrawn"},
		{"partner carries forward", []string{"status", "carried_forward"}, "status", "Only Scottish Government staff can set Carried forward"},
		{"narrative too long", []string{"narrative", strings.Repeat("a", 5001)}, "narrative", "5000 characters or fewer"},
		{"month only", []string{"due_month", "6"}, "due_month", "must include a year"},
		{"year only", []string{"due_year", "2026"}, "due_month", "must include a month"},
		{"month 13", []string{"due_month", "13", "due_year", "2026"}, "due_month", "from 1 to 12"},
		{"ftp evidence", []string{"evidence_url", "ftp://example.com/a"}, "evidence_url", "https://"},
		{"relative evidence", []string{"evidence_url", "/evidence"}, "evidence_url", "https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, doc := partner.postDoc("/report/4.2", with(form, tt.fields...))
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("= %d, want 422", rec.Code)
			}
			if got := text(doc.Find("#error-message-" + tt.field)); !strings.Contains(got, tt.want) {
				t.Errorf("inline error for %s = %q, want %q", tt.field, got, tt.want)
			}
			if doc.Find(`.ds_error-summary a[href="#`+tt.field+`"]`).Length() != 1 {
				t.Errorf("error summary does not link to #%s", tt.field)
			}
			kept := formValues(t, doc, "form.app-report-form")
			for i := 0; i+1 < len(tt.fields); i += 2 {
				name, value := tt.fields[i], tt.fields[i+1]
				if name == "status" && (value == "withdrawn" || value == "carried_forward" || value == "overdue") {
					continue // partners are not offered these: nothing to check
				}
				if name == "status_reason" {
					continue
				}
				if kept.Get(name) != value {
					t.Errorf("%s came back as %q, want %q", name, kept.Get(name), value)
				}
			}
		})
	}
	// The count works without JavaScript: the page says how far over the limit the text is.
	_, doc := partner.postDoc("/report/4.2", with(form, "narrative", strings.Repeat("é", 5003)))
	if got := text(doc.Find("#character-count-narrative")); got != "You have 3 characters too many" {
		t.Errorf("character count = %q", got)
	}
	// Nothing invalid was saved.
	plan, _ := app.Store.CurrentPlan(t.Context())
	c, _ := app.Store.CommitmentByRef(t.Context(), plan.ID, "4.2")
	if _, err := app.Store.OpenUpdate(t.Context(), c.ID, &partner.User); err == nil {
		t.Error("an invalid report was saved")
	}
	// A form that is not the report form's is refused plainly.
	if rec := partner.post("/report/4.2", with(form, "action", "explode")); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown action = %d, want 400", rec.Code)
	}
}

func TestReportRefusals(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	nes := signIn(t, app, tracker.RolePartner, "NES")
	civtech := signIn(t, app, tracker.RolePartner, "CIVTECH")
	staff := signIn(t, app, tracker.RoleStaff, "")
	form := with(nes.openForm("4.1"), "status", "on_track", "narrative", "x")

	// Another organisation's commitment.
	if rec, _ := civtech.get("/report/4.1"); rec.Code != http.StatusForbidden {
		t.Errorf("CIVTECH GET /report/4.1 = %d, want 403", rec.Code)
	}
	if rec := civtech.post("/report/4.1", with(form, "action", "submit")); rec.Code != http.StatusForbidden {
		t.Errorf("CIVTECH POST /report/4.1 = %d, want 403", rec.Code)
	}
	// 4.4 names no lead organisation: only staff report on it.
	if rec, _ := nes.get("/report/4.4"); rec.Code != http.StatusForbidden {
		t.Errorf("NES GET /report/4.4 = %d, want 403", rec.Code)
	}
	// Partners do not publish.
	if rec := nes.post("/report/4.1", with(form, "action", "publish")); rec.Code != http.StatusForbidden {
		t.Errorf("partner publishing = %d, want 403", rec.Code)
	}
	// Partners do not review.
	for _, path := range []string{"/review", "/review/1", "/dashboard"} {
		if rec, _ := nes.get(path); rec.Code != http.StatusForbidden {
			t.Errorf("partner GET %s = %d, want 403", path, rec.Code)
		}
	}
	// Nothing was written by any of that.
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM updates WHERE state <> 'published'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d updates written by refused requests (%v)", n, err)
	}

	// Bad addresses are 404, never 500.
	draft := with(form, "action", "draft")
	mustRedirect(t, "draft", nes.post("/report/4.1", draft), "/report")
	draftID := openUpdate(t, app, nes, "4.1").ID
	for _, path := range []string{"/report/9.9", "/report/abc", "/report/4.1.1", "/report/" + strings.Repeat("9", 300),
		"/review/abc", "/review/0", "/review/-1", "/review/99999999", "/review/99999999999999999999",
		fmt.Sprintf("/review/%d", draftID)} {
		c := nes
		if strings.HasPrefix(path, "/review") {
			c = staff
		}
		if rec, _ := c.get(path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
	if rec := staff.post("/review/abc", url.Values{"action": {"publish"}}); rec.Code != http.StatusNotFound {
		t.Errorf("POST /review/abc = %d, want 404", rec.Code)
	}
	if rec := staff.post(fmt.Sprintf("/review/%d", draftID), url.Values{"action": {"publish"}}); rec.Code != http.StatusNotFound {
		t.Errorf("publishing a draft = %d, want 404", rec.Code)
	}
	// Anonymous visitors are sent to sign in.
	anon := anonymous(t, app)
	for _, path := range []string{"/report", "/report/4.1", "/review", "/dashboard"} {
		if rec, _ := anon.get(path); !isSignInRedirect(rec) {
			t.Errorf("anonymous GET %s = %d, want a redirect to sign in", path, rec.Code)
		}
	}
}

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
	for _, want := range []string{"No update yet", "Overdue", "April 2024", "None in the portal yet", "Update due", "None in progress", "Report progress"} {
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

func pendingUpdates(t *testing.T, app *testApp) int {
	t.Helper()
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM updates WHERE state <> 'published'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fire sends the requests at once, each from its own goroutine, and returns the responses.
func fire(reqs []func() *httptest.ResponseRecorder) []*httptest.ResponseRecorder {
	out := make([]*httptest.ResponseRecorder, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = f()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func codes(recs []*httptest.ResponseRecorder) map[int]int {
	out := map[int]int{}
	for _, r := range recs {
		out[r.Code]++
	}
	return out
}

// TestConcurrentReviewersOverHTTP: reviewers publishing one update at once: exactly one succeeds
// and every other is told it has already been published.
func TestConcurrentReviewersOverHTTP(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "at_risk", "narrative", "Cohort 3 delayed.")), "/report")
	id := openUpdate(t, app, partner, "4.1").ID
	const n = 6
	var reviewers []*client
	var forms []url.Values
	for range n {
		c := signIn(t, app, tracker.RoleStaff, "")
		reviewers = append(reviewers, c)
		forms = append(forms, c.reviewForm(id, "publish"))
	}
	var reqs []func() *httptest.ResponseRecorder
	for i := range n {
		reqs = append(reqs, func() *httptest.ResponseRecorder {
			return reviewers[i].post(fmt.Sprintf("/review/%d", id), forms[i])
		})
	}
	recs := fire(reqs)
	if got := codes(recs); got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != n-1 {
		t.Fatalf("%d reviewers publishing at once: %v, want one 303 and %d 409", n, got, n-1)
	}
	for _, rec := range recs {
		if rec.Code == http.StatusConflict {
			if got := text(parse(t, rec).Find(".app-conflict h2")); !strings.HasPrefix(got, "This update has already been published by Test Scottish Government staff") {
				t.Errorf("loser told %q", got)
			}
		}
	}
	var published, versions int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'update.publish'`).Scan(&published); err != nil || published != 1 {
		t.Errorf("%d publications audited (%v), want 1", published, err)
	}
	if err := app.Pool.QueryRow(t.Context(), `SELECT version FROM commitments WHERE ref = '4.1'`).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("4.1 is at version %d (%v), want 2: published once", versions, err)
	}
}

// TestConcurrentPartnersOverHTTP: every lead organisation of 4.2 submits at once from forms
// opened together: exactly one is accepted, the others are shown that another update arrived.
func TestConcurrentPartnersOverHTTP(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	orgs := []string{"SG-DHCD", "LGDO", "NES", "SSSC", "DHI"}
	var reqs []func() *httptest.ResponseRecorder
	for _, code := range orgs {
		c := signIn(t, app, tracker.RolePartner, code)
		form := with(c.openForm("4.2"), "action", "submit", "status", "on_track", "narrative", code+" reports.")
		reqs = append(reqs, func() *httptest.ResponseRecorder { return c.post("/report/4.2", form) })
	}
	recs := fire(reqs)
	if got := codes(recs); got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != len(orgs)-1 {
		t.Fatalf("%d organisations submitting at once: %v", len(orgs), got)
	}
	for _, rec := range recs {
		if rec.Code == http.StatusConflict && !strings.Contains(rec.Body.String(), "submitted for review since you opened this form") {
			t.Errorf("conflict page does not say what happened")
		}
	}
	if n := pendingUpdates(t, app); n != 1 {
		t.Errorf("%d updates waiting, want 1", n)
	}
}

func TestDashboardPage(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "CIVTECH")
	mustRedirect(t, "submit", partner.post("/report/4.5", with(partner.openForm("4.5"), "action", "submit",
		"status", "delayed", "narrative", "Challenge launch moved.")), "/report")
	app.clock.Advance(50 * time.Hour)
	staff := signIn(t, app, tracker.RoleStaff, "")

	rec, doc := staff.get("/dashboard")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /dashboard = %d", rec.Code)
	}
	checkPage(t, "/dashboard", doc, "Dashboard")
	total := doc.Find(`.app-dashboard-counts tfoot tr`)
	cell := func(row *goquery.Selection, status string) string {
		td := row.Find(`td[data-status="` + status + `"]`)
		if a := td.Find("a[data-count]"); a.Length() > 0 {
			return a.AttrOr("data-count", "")
		}
		return text(td)
	}
	for status, want := range map[string]string{"": "2", "on_track": "2", "delivered": "2", "overdue": "4", "total": "6"} {
		if got := cell(total, status); got != want {
			t.Errorf("total %q = %s, want %s", status, got, want)
		}
	}
	four := doc.Find(`.app-dashboard-counts tr[data-row="4. Digital Skills and Leadership"]`)
	if got := cell(four, "total"); got != "5" {
		t.Errorf("priority 4 total = %s, want 5", got)
	}
	var overdue []string
	doc.Find("#overdue ~ .app-table-scroll > .app-dashboard-commitments").First().Find("tr[data-ref]").Each(func(_ int, s *goquery.Selection) {
		overdue = append(overdue, s.AttrOr("data-ref", ""))
	})
	if !slices.Equal(overdue, []string{"4.4", "4.5", "4.3", "4.1"}) {
		t.Errorf("overdue = %q", overdue)
	}
	summaries := texts(doc.Find(".app-dashboard-summary"))
	if len(summaries) != 3 || !strings.HasPrefix(summaries[0], "4 commitments are overdue") ||
		// 4.2 and 5.1 are delivered: they owe no further update.
		!strings.HasPrefix(summaries[1], "4 commitments have had no update published in the last 90 days") ||
		summaries[2] != "1 update is waiting for review." {
		t.Errorf("summaries = %q", summaries)
	}
	if got := text(doc.Find(".app-dashboard-waiting__age")); got != "2 days" {
		t.Errorf("waiting = %q, want 2 days", got)
	}
	if got := text(doc.Find(".app-dashboard-waiting td").Eq(1)); got != "CivTech (Digital Directorate)" {
		t.Errorf("waiting from %q", got)
	}
}

// TestWhoSeesWhat puts an update in every unpublished state, with a review note, and checks that
// no page the public or another organisation's partner can reach shows any of it.
func TestWhoSeesWhat(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	nes := signIn(t, app, tracker.RolePartner, "NES")
	lgdo := signIn(t, app, tracker.RolePartner, "LGDO")
	staff := signIn(t, app, tracker.RoleStaff, "")
	secrets := map[string]string{
		"draft":        "SECRET-DRAFT-4.1",
		"submitted":    "SECRET-SUBMITTED-4.2",
		"returned":     "SECRET-RETURNED-4.3",
		"review note":  "SECRET-NOTE-4.3",
		"staff draft":  "SECRET-STAFF-DRAFT-4.4",
		"later plan":   "SECRET-PLAN",
		"reason":       "SECRET-REASON",
		"evidence":     "https://secret.example/evidence",
		"revised date": "July 2031",
	}
	mustRedirect(t, "draft", nes.post("/report/4.1", with(nes.openForm("4.1"), "action", "draft", "status", "delayed",
		"narrative", secrets["draft"], "due_month", "7", "due_year", "2031", "evidence_url", secrets["evidence"])), "/report")
	mustRedirect(t, "submit", nes.post("/report/4.2", with(nes.openForm("4.2"), "action", "submit", "status", "at_risk",
		"narrative", secrets["submitted"])), "/report")
	mustRedirect(t, "submit", nes.post("/report/4.3", with(nes.openForm("4.3"), "action", "submit", "status", "at_risk",
		"narrative", secrets["returned"])), "/report")
	returned := openUpdate(t, app, nes, "4.3")
	mustRedirect(t, "return", staff.post(fmt.Sprintf("/review/%d", returned.ID), with(staff.reviewForm(returned.ID, "return"),
		"note", secrets["review note"])), "/review")
	mustRedirect(t, "staff draft", staff.post("/report/4.4", with(staff.openForm("4.4"), "action", "draft", "status", "carried_forward",
		"narrative", secrets["staff draft"], "status_reason", secrets["reason"], "carried_forward_to", secrets["later plan"])), "/report")

	leak := func(who, path string, body string) {
		t.Helper()
		for what, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s sees the %s on %s", who, what, path)
			}
		}
	}
	public := []string{"/", "/plans/2023-24", "/priorities/digital-skills-and-leadership", "/plans/2023-24/priorities/digital-skills-and-leadership",
		"/priorities/digital-futures", "/commitments/4.1", "/commitments/4.2", "/commitments/4.3", "/commitments/4.4",
		"/commitments/4.5", "/commitments/5.1", "/plans/2023-24/commitments/4.2", "/organisations/NES", "/organisations/LGDO",
		"/organisations/SG-DHCD", "/organisations/CIVTECH"}
	// Open data, wherever it exists: a route that is not there yet is a 404 and shows nothing.
	public = append(public, "/commitments", "/commitments.csv", "/commitments.json", "/updates.csv", "/updates.json",
		"/feed.atom", "/updates.atom", "/data")
	anon := anonymous(t, app)
	for _, path := range public {
		rec := anon.do(anon.request(http.MethodGet, path, nil))
		if rec.Code >= 500 {
			t.Errorf("GET %s = %d", path, rec.Code)
		}
		leak("the public", path, rec.Body.String())
		// A partner of another organisation sees the public pages and nothing more.
		rec = lgdo.do(lgdo.request(http.MethodGet, path, nil))
		leak("LGDO", path, rec.Body.String())
	}
	// LGDO's own reporting pages: 4.2 and 4.3 are LGDO's too, but NES's updates are NES's.
	for _, path := range []string{"/report", "/report/4.2", "/report/4.3", "/report/4.5", "/report/4.1", "/review",
		fmt.Sprintf("/review/%d", returned.ID), "/dashboard"} {
		rec := lgdo.do(lgdo.request(http.MethodGet, path, nil))
		leak("LGDO", path, rec.Body.String())
	}
	// NES sees its own work, and the note staff wrote to it.
	_, doc := nes.get("/report/4.3")
	if !strings.Contains(text(doc.Find("main")), secrets["review note"]) {
		t.Error("NES does not see the note on its returned update")
	}
	_, doc = nes.get("/report/4.1")
	if formValues(t, doc, "form.app-report-form").Get("narrative") != secrets["draft"] {
		t.Error("NES does not see its own draft")
	}
	// NES does not see the staff member's own draft on 4.4 (it may not report on 4.4 at all).
	rec := nes.do(nes.request(http.MethodGet, "/report/4.4", nil))
	leak("NES", "/report/4.4", rec.Body.String())
	// Staff see what is submitted, not partners' drafts.
	_, doc = staff.get("/review")
	if !strings.Contains(text(doc.Find("main")), secrets["submitted"]) {
		t.Error("staff do not see the submitted update")
	}
	if strings.Contains(text(doc.Find("main")), secrets["draft"]) {
		t.Error("staff see a partner's draft in the review queue")
	}
}

// TestReviewAfterAnotherPublication: an update written before another was published is flagged,
// and publishing from a page opened before that publication is refused with what changed.
func TestReviewAfterAnotherPublication(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	nes := signIn(t, app, tracker.RolePartner, "NES")
	lgdo := signIn(t, app, tracker.RolePartner, "LGDO")
	staff := signIn(t, app, tracker.RoleStaff, "")
	mustRedirect(t, "NES", nes.post("/report/4.2", with(nes.openForm("4.2"), "action", "submit", "status", "on_track", "narrative", "NES view.")), "/report")
	mustRedirect(t, "LGDO", lgdo.post("/report/4.2", with(lgdo.openForm("4.2"), "action", "submit", "status", "delayed", "narrative", "LGDO view.")), "/report")
	a, b := openUpdate(t, app, nes, "4.2"), openUpdate(t, app, lgdo, "4.2")
	formA, formB := staff.reviewForm(a.ID, "publish"), staff.reviewForm(b.ID, "publish")
	mustRedirect(t, "publish NES", staff.post(fmt.Sprintf("/review/%d", a.ID), formA), "/review")
	rec, doc := staff.postDoc(fmt.Sprintf("/review/%d", b.ID), formB)
	if rec.Code != http.StatusConflict || !strings.Contains(text(doc.Find(".app-conflict")), "NES view.") {
		t.Fatalf("publishing from a stale page = %d: %q", rec.Code, text(doc.Find(".app-conflict")))
	}
	// The review page now warns the update predates the publication; publishing it is deliberate.
	_, doc = staff.get(fmt.Sprintf("/review/%d", b.ID))
	if !strings.Contains(text(doc.Find("main")), "published after this one was written") {
		t.Error("the review page does not flag the stale update")
	}
	mustRedirect(t, "publish LGDO", staff.post(fmt.Sprintf("/review/%d", b.ID), staff.reviewForm(b.ID, "publish")), "/review")
	plan, _ := app.Store.CurrentPlan(t.Context())
	c, _ := app.Store.CommitmentByRef(t.Context(), plan.ID, "4.2")
	if c.Status != tracker.Delayed {
		t.Errorf("4.2 is %s, want the later publication's Delayed", c.Status)
	}
	history, _ := app.Store.PublishedUpdates(t.Context(), c.ID)
	if len(history) < 2 || history[0].Narrative != "LGDO view." || history[1].Narrative != "NES view." {
		t.Errorf("history = %v", history[:2])
	}
}

func TestDashboardOfAnotherPlan(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	ctx := context.Background()
	if _, err := app.Pool.Exec(ctx, `INSERT INTO plans (slug, title, period) VALUES ('2024-25', 'Delivery Plan 2024-25', '2024-25');
		INSERT INTO priorities (plan_id, number, slug, name) SELECT id, 1, 'only-area', 'The only area' FROM plans WHERE slug = '2024-25'`); err != nil {
		t.Fatal(err)
	}
	staff := signIn(t, app, tracker.RoleStaff, "")
	for _, tt := range []struct {
		path, total string
		status      int
	}{
		{"/dashboard", "6", http.StatusOK},
		{"/dashboard?plan=2023-24", "6", http.StatusOK},
		{"/dashboard?plan=2024-25", "0", http.StatusOK},
		{"/dashboard?plan=1999-00", "", http.StatusNotFound},
		{"/dashboard?plan=..%2Fx", "", http.StatusNotFound},
	} {
		rec, doc := staff.get(tt.path)
		if rec.Code != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.status)
			continue
		}
		if tt.total == "" {
			continue
		}
		if got := strings.Fields(text(doc.Find(`.app-dashboard-counts tfoot tr td[data-status="total"]`)))[0]; got != tt.total {
			t.Errorf("GET %s: total = %q, want %s", tt.path, got, tt.total)
		}
	}
}
