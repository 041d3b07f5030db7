package server_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestAdminFeedback has staff read the public's feedback a page at a time, filter it by page and
// download what they see as CSV; admins may too, partners and the public may not.
func TestAdminFeedback(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	ctx := t.Context()
	yes, no := true, false
	// 30 about the overview, then 2 about 4.2, one minute apart: the newest is the last.
	for i := range 30 {
		if _, err := app.Store.AddFeedback(ctx, tracker.Feedback{Page: "/", Useful: &yes, Doing: "Overview " + strconv.Itoa(i+1)}); err != nil {
			t.Fatal(err)
		}
		app.clock.Advance(time.Minute)
	}
	for _, f := range []tracker.Feedback{
		{Page: "/commitments/4.2", Useful: &no, Doing: "Checking", WentWrong: "=HYPERLINK(\"https://evil.example\",\"Click\")"},
		{Page: "/commitments/4.2", WentWrong: "Line one\nline two, \"quoted\""},
	} {
		if _, err := app.Store.AddFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
		app.clock.Advance(time.Minute)
	}

	staff := signIn(t, app, tracker.RoleStaff, "")
	rec, doc := staff.get("/admin/plans")
	if rec.Code != http.StatusOK || doc.Find(`.app-admin-nav a[href="/admin/feedback"]`).Text() != "Feedback" {
		t.Error("the management pages do not link to the feedback")
	}
	rec, doc = staff.get("/admin/feedback")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	items := doc.Find(".app-feedback-list__item")
	if items.Length() != 25 || !strings.Contains(items.First().Text(), "line two") || !strings.Contains(doc.Find("main").Text(), "Showing 32 pieces of feedback about every page") {
		t.Errorf("first page: %d items, the first %q", items.Length(), items.First().Text())
	}
	if href := doc.Find(`nav[aria-label="Pages of feedback"] a[href="/admin/feedback?page=2"]`).Length(); href == 0 {
		t.Error("no link to the second page")
	}
	_, doc = staff.get("/admin/feedback?page=2")
	if n := doc.Find(".app-feedback-list__item").Length(); n != 7 || !strings.Contains(doc.Find(".app-feedback-list__item").Last().Text(), "Overview 1") {
		t.Errorf("second page: %d items", n)
	}

	// Filtered by page, as typed or as a full address; each page links to its own feedback.
	for _, typed := range []string{"/commitments/4.2", "http://example.com/commitments/4.2?x=1"} {
		_, doc = staff.get("/admin/feedback?path=" + url.QueryEscape(typed))
		items = doc.Find(".app-feedback-list__item")
		if items.Length() != 2 || doc.Find("input#path").AttrOr("value", "") != typed ||
			doc.Find(`a[href="/admin/feedback.csv?path=%2Fcommitments%2F4.2"]`).Length() != 1 {
			t.Errorf("filtered by %q: %d items", typed, items.Length())
		}
	}
	if doc.Find(`.app-feedback-list__item a[href="/admin/feedback?path=%2Fcommitments%2F4.2"]`).Length() != 2 {
		t.Error("the pages do not link to their feedback")
	}
	rec, doc = staff.get("/admin/feedback?path=not+a+page")
	if rec.Code != http.StatusUnprocessableEntity || doc.Find(".ds_error-summary a[href='#path']").Length() != 1 ||
		doc.Find(".app-feedback-list__item").Length() != 0 {
		t.Errorf("a filter that is not a page: status %d", rec.Code)
	}

	// The download: the filtered feedback, newest first, as spreadsheets open it safely.
	rec = staff.do(staff.request(http.MethodGet, "/admin/feedback.csv?path=%2Fcommitments%2F4.2", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="feedback-2026-11-23.csv"` {
		t.Fatalf("download: status %d, %q, %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
	}
	if !strings.HasPrefix(body, "\ufeffsent_at,page,useful,what_they_were_doing,what_went_wrong\r\n") {
		t.Errorf("download starts %q", body[:min(len(body), 80)])
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"sent_at", "page", "useful", "what_they_were_doing", "what_went_wrong"},
		{"2026-11-23T12:31:00Z", "/commitments/4.2", "", "", "Line one\nline two, \"quoted\""},
		{"2026-11-23T12:30:00Z", "/commitments/4.2", "no", "Checking", "'=HYPERLINK(\"https://evil.example\",\"Click\")"},
	}
	if len(records) != len(want) {
		t.Fatalf("%d records, want %d:\n%s", len(records), len(want), body)
	}
	for i := range want {
		if strings.Join(records[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, records[i], want[i])
		}
	}
	rec = staff.do(staff.request(http.MethodGet, "/admin/feedback.csv", nil))
	if all, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll(); err != nil || len(all) != 33 {
		t.Errorf("the whole download has %d records (%v), want 33", len(all), err)
	}

	admin := signIn(t, app, tracker.RoleAdmin, "")
	if rec, _ := admin.get("/admin/feedback"); rec.Code != http.StatusOK {
		t.Errorf("an admin: status %d", rec.Code)
	}
	partner := signIn(t, app, tracker.RolePartner, "NES")
	for _, path := range []string{"/admin/feedback", "/admin/feedback.csv"} {
		if rec, _ := partner.get(path); rec.Code != http.StatusForbidden {
			t.Errorf("a partner at %s: status %d, want 403", path, rec.Code)
		}
		if rec, _ := anonymous(t, app).get(path); !isSignInRedirect(rec) {
			t.Errorf("the public at %s: status %d, want to be sent to sign in", path, rec.Code)
		}
	}
}
