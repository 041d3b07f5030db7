package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

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
	bad := with(form, "action", "submit", "status", "at_risk", "narrative", "  ", "due_month", "6", "due_year", "2027",
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
	if kept.Get("status") != "at_risk" || kept.Get("due_month") != "6" || kept.Get("due_year") != "2027" ||
		kept.Get("evidence_url") != "javascript:alert(1)" || kept.Get("version") != form.Get("version") {
		t.Errorf("the form did not keep what was typed: %v", kept)
	}

	// Submitted for review.
	good := with(kept, "action", "submit", "narrative", "Cohort 3 starts in June 2027.", "evidence_url", "https://example.com/nes")
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
	if again.Get("narrative") != "Cohort 3 starts in June 2027." || again.Get("status") != "at_risk" || again.Get("due_month") != "6" {
		t.Errorf("the returned update is not in the form: %v", again)
	}
	mustRedirect(t, "resubmit", partner.post("/report/4.1", with(again, "action", "submit",
		"narrative", "Cohort 3 starts in June 2027; applications open in March.")), "/report")

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
	for _, want := range []string{"23 November 2026", "At risk", "Expected June 2027 (was March 2026, 15 months later)",
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
