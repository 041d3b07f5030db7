package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestReportDatesAndStatusAgree: the report form refuses a past month and asks to confirm On
// track with a month later than due, with the design system's error summary and inline errors
// (422), keeping everything typed; the confirmed reason reaches staff on the review page and
// never the public.
func TestReportDatesAndStatusAgree(t *testing.T) {
	t.Parallel()
	app := newApp(t) // 23 November 2026
	partner := signIn(t, app, tracker.RolePartner, "NES")
	reviewer := signIn(t, app, tracker.RoleStaff, "")
	public := anonymous(t, app)
	narrative := "Cohort 4 added at the Board's request."

	errorsOf := func(what string, form url.Values, wantField, wantMessage string) url.Values {
		t.Helper()
		rec, doc := partner.postDoc("/report/4.1", form)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("%s = %d, want 422", what, rec.Code)
		}
		checkPage(t, "/report/4.1", doc, "Error: Report progress on commitment 4.1")
		summary := texts(doc.Find(".ds_error-summary li"))
		if len(summary) != 1 || !strings.Contains(summary[0], wantMessage) {
			t.Errorf("%s: error summary = %q, want %q", what, summary, wantMessage)
		}
		if doc.Find(fmt.Sprintf(`.ds_error-summary a[href="#%s"]`, wantField)).Length() != 1 || doc.Find("#"+wantField).Length() != 1 {
			t.Errorf("%s: the error summary does not link to #%s", what, wantField)
		}
		if got := text(doc.Find("#error-message-" + wantField)); !strings.Contains(got, wantMessage) {
			t.Errorf("%s: inline error at %s = %q", what, wantField, got)
		}
		kept := formValues(t, doc, "form.app-report-form")
		if kept.Get("narrative") != narrative || kept.Get("status") != form["status"][0] || kept.Get("due_year") != form["due_year"][0] {
			t.Errorf("%s: the form did not keep what was typed: %v", what, kept)
		}
		return kept
	}

	form := with(partner.openForm("4.1"), "action", "submit", "narrative", narrative)
	// January 2025, typed in November 2026.
	errorsOf("a past month", with(form, "status", "delayed", "due_month", "1", "due_year", "2025"),
		tracker.FieldDueMonth, "Revised expected delivery date must be November 2026 or later")
	errorsOf("delivered next year", with(form, "status", "delivered", "due_month", "1", "due_year", "2027"),
		tracker.FieldDueMonth, "enter the month it was delivered: November 2026 or earlier")

	// On track for September 2027, when 4.1 was due March 2026: the form asks, and shows the
	// confirmation it asks for; without JavaScript it is just more of the form.
	_, doc := partner.get("/report/4.1")
	if doc.Find("#"+tracker.FieldOnTrackConfirm).Length() != 0 {
		t.Error("the form asks for a confirmation before anything was sent")
	}
	kept := errorsOf("on track 18 months late", with(form, "status", "on_track", "due_month", "9", "due_year", "2027"),
		tracker.FieldOnTrackConfirm, "Select At risk or Delayed, or confirm that it is on track for September 2027")
	kept = errorsOf("confirmed without a reason", with(kept, "action", "submit", tracker.FieldOnTrackConfirm, tracker.Yes),
		tracker.FieldOnTrackReason, "Enter why the commitment is on track for September 2027, 18 months later than it was due")
	if kept.Get(tracker.FieldOnTrackConfirm) != tracker.Yes {
		t.Errorf("the tick was lost: %v", kept)
	}
	reason := "The Board extended the programme to a fourth cohort; the first three finish on time."
	mustRedirect(t, "confirmed with a reason", partner.post("/report/4.1", with(kept, "action", "submit", tracker.FieldOnTrackReason, reason)), "/report")

	// Staff see the reason, apart from the update's own words.
	u := openUpdate(t, app, partner, "4.1")
	if u.OnTrackReason != reason {
		t.Errorf("stored reason = %q", u.OnTrackReason)
	}
	_, doc = reviewer.get(fmt.Sprintf("/review/%d", u.ID))
	note := text(doc.Find(".app-on-track-reason"))
	if !strings.Contains(note, reason) || !strings.Contains(note, "Expected September 2027 (was March 2026, 18 months later)") {
		t.Errorf("review page's on track note = %q", note)
	}
	if body := text(doc.Find("main")); strings.Contains(body, "Expected Expected") || strings.Contains(body, "Expected: Expected") {
		t.Errorf("the review page says Expected twice: %q", body)
	}
	// Reopened, the form gives the confirmation back.
	if again := partner.openForm("4.1"); again.Get(tracker.FieldOnTrackConfirm) != tracker.Yes || again.Get(tracker.FieldOnTrackReason) != reason {
		t.Errorf("reopened form = %v", again)
	}

	mustRedirect(t, "publish", reviewer.post(fmt.Sprintf("/review/%d", u.ID), reviewer.reviewForm(u.ID, "publish")), "/review")
	_, doc = public.get("/commitments/4.1")
	if strings.Contains(text(doc.Find("main")), "fourth cohort") {
		t.Error("the public sees the reason meant for staff")
	}
	if got := text(doc.Find(".ds_summary-list")); !strings.Contains(got, "Expected September 2027 (was March 2026, 18 months later)") {
		t.Errorf("4.1's summary = %q", got)
	}
}

// TestPublicTagsAgree: an overdue commitment leads with Overdue and says what it last reported,
// when and where, on its page, in lists and in the finder, never beside a contradicting tag; a
// revised month is said in words on pages and in the open data.
func TestPublicTagsAgree(t *testing.T) {
	t.Parallel()
	app := newApp(t) // 23 November 2026: 4.3 (December 2025) is overdue, last reported On track
	public := anonymous(t, app)
	const last = "Last reported On track in the Delivery Plan 2024-25"

	_, doc := public.get("/commitments/4.3")
	status := doc.Find(".ds_summary-list__item").First()
	if got := texts(status.Find(".ds_tag")); len(got) != 1 || got[0] != "Overdue" {
		t.Errorf("4.3's status tags = %q, want Overdue alone", got)
	}
	if got := text(status); !strings.Contains(got, last) || !strings.Contains(got, "December 2025, the month it was expected by, has passed") {
		t.Errorf("4.3's status = %q", got)
	}
	for _, path := range []string{"/commitments", "/priorities/digital-skills-and-leadership", "/commitments?overdue=yes"} {
		_, doc := public.get(path)
		main := text(doc.Find("main"))
		if !strings.Contains(main, "Overdue "+last) {
			t.Errorf("%s does not say %q beside Overdue", path, last)
		}
		if strings.Contains(main, "On track Overdue") || strings.Contains(main, "Overdue On track") {
			t.Errorf("%s shows On track and Overdue side by side", path)
		}
	}
	_, doc = public.get("/")
	if got := text(doc.Find(".app-counts-note")); !strings.Contains(got, "Each commitment is counted once") {
		t.Errorf("the overview does not say how it counts: %q", got)
	}

	// Staff revise 4.3 to September 2027, Delayed: no longer overdue, and said in words.
	staff := signIn(t, app, tracker.RoleStaff, "")
	mustRedirect(t, "publish", staff.post("/report/4.3", with(staff.openForm("4.3"), "action", "publish", "status", "delayed",
		"narrative", "Moved to the next workforce plan.", "due_month", "9", "due_year", "2027")), "/commitments/4.3")
	_, doc = public.get("/commitments/4.3")
	if got := text(doc.Find(".ds_summary-list")); !strings.Contains(got, "Delayed") || strings.Contains(got, "Overdue") ||
		!strings.Contains(got, "Expected September 2027 (was December 2025, 21 months later)") {
		t.Errorf("4.3 revised = %q", got)
	}
	if got := text(doc.Find(".app-timeline__item").First()); !strings.Contains(got, "Expected September 2027 (was December 2025, 21 months later)") {
		t.Errorf("4.3's newest history item = %q", got)
	}
	_, doc = public.get("/commitments")
	if !strings.Contains(text(doc.Find("main")), "Expected September 2027 (was December 2025, 21 months later)") {
		t.Error("the finder does not say 4.3's revised month in words")
	}
	header, rows := readCSV(t, fetch(t, app, "/commitments.csv").Body.Bytes())
	if i := indexOf(header, "expected_in_words"); i < 0 || header[i-1] != "expected_month" {
		t.Errorf("CSV header = %q, want expected_in_words after expected_month", header)
	}
	for _, r := range rows {
		want := map[string]string{"4.3": "Expected September 2027 (was December 2025, 21 months later)", "4.1": "Due March 2026"}[r["ref"]]
		if want != "" && r["expected_in_words"] != want {
			t.Errorf("%s expected_in_words = %q, want %q", r["ref"], r["expected_in_words"], want)
		}
		if r["ref"] == "4.3" && r["expected_month"] != "2027-09" {
			t.Errorf("4.3 expected_month = %q", r["expected_month"])
		}
	}
	if body := fetch(t, app, "/commitments.json").Body.String(); !strings.Contains(body, `"expected_in_words"`) ||
		!strings.Contains(body, `Expected September 2027 (was December 2025, 21 months later)`) {
		t.Error("the JSON export does not say 4.3's revised month in words")
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
