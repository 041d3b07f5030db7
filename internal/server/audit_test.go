package server_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestAuditLogCSV(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)))
	admin := signIn(t, app, tracker.RoleAdmin, "")
	ctx := t.Context()
	nes, err := app.Store.OrganisationByCode(ctx, "NES")
	if err != nil {
		t.Fatal(err)
	}
	// A name typed to look like a formula, which a spreadsheet must show as text.
	renamed := nes
	renamed.Name = "=HYPERLINK(\"http://example.com\")"
	if _, err := app.Store.UpdateOrganisation(ctx, tracker.Actor{User: &admin.User}, renamed); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := app.Store.Audit(ctx, tracker.Actor{Label: "nightly"}, postgresEntry("test.entry")); err != nil {
			t.Fatal(err)
		}
	}

	rec := admin.do(admin.request(http.MethodGet, "/admin/audit.csv?action=organisation.update", nil))
	mustStatus(t, "GET /admin/audit.csv", rec, http.StatusOK)
	if got := rec.Header().Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="audit-log-2026-12-06.csv"` {
		t.Errorf("Content-Disposition = %q", got)
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Errorf("no byte order mark: %q", body[:min(len(body), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"at", "who", "who_email", "from", "action", "record_kind", "record_id", "record", "what_changed"}
	if len(rows) != 2 || !slices.Equal(rows[0], want) {
		t.Fatalf("rows = %q, want the heading and the one change", rows)
	}
	row := rows[1]
	if row[0] != "2026-12-06T10:00:00Z" || row[1] != admin.User.Name || row[2] != admin.User.Email || row[4] != "organisation.update" ||
		row[5] != "organisation" || row[6] != strconv.FormatInt(nes.ID, 10) {
		t.Errorf("row = %q", row)
	}
	// The record by its name now, guarded; what changed, a field a line, guarded too.
	if row[7] != "'"+renamed.Name {
		t.Errorf("record = %q, want the formula guarded", row[7])
	}
	if want := "Name: " + nes.Name + " → " + renamed.Name; row[8] != want {
		t.Errorf("what changed = %q, want %q", row[8], want)
	}

	// Every entry of an unfiltered view, however many pages the page would take.
	rec = admin.do(admin.request(http.MethodGet, "/admin/audit.csv?user=nightly", nil))
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Errorf("nightly's entries: %d rows, %v; want the heading and 3", len(rows), err)
	}

	// Dates that are not dates: nothing to download.
	rec = admin.do(admin.request(http.MethodGet, "/admin/audit.csv?from-day=31&from-month=2&from-year=2026", nil))
	mustStatus(t, "GET /admin/audit.csv with a bad date", rec, http.StatusBadRequest)
}

func TestAuditLogDates(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // 30 November in the UK
	app := newApp(t, withNow(start))
	for i := range 3 {
		app.clock.Set(start.Add(time.Duration(i) * time.Hour)) // 30 November, then 1 December twice
		if err := app.Store.Audit(t.Context(), tracker.Actor{Label: "nightly"}, postgresEntry("test."+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	admin := signIn(t, app, tracker.RoleAdmin, "")
	_, doc := admin.get("/admin/audit?user=nightly&from-day=1&from-month=12&from-year=2026&to-day=1&to-month=Dec&to-year=2026")
	if got := texts(doc.Find(".app-audit__action")); !slices.Equal(got, []string{"test.2", "test.1"}) {
		t.Errorf("1 December: %q", got)
	}
	// The dates go back into the page as typed, in the day, month and year fields of the
	// design system's date input, and the links to other pages and the download keep them.
	for id, want := range map[string]string{"from-day": "1", "from-month": "12", "from-year": "2026", "to-month": "Dec"} {
		if got := doc.Find("input#"+id).AttrOr("value", ""); got != want {
			t.Errorf("%s kept as %q, want %q", id, got, want)
		}
	}
	if got := doc.Find("a[download]").AttrOr("href", ""); !strings.Contains(got, "from-day=1&from-month=12&from-year=2026") {
		t.Errorf("download link %q loses the dates", got)
	}
	_, doc = admin.get("/admin/audit?user=nightly&to-day=30&to-month=11&to-year=2026")
	if got := texts(doc.Find(".app-audit__action")); !slices.Equal(got, []string{"test.0"}) {
		t.Errorf("until 30 November: %q", got)
	}

	rec, doc := admin.get("/admin/audit?from-day=2&from-month=12&from-year=2026&to-day=1&to-month=12&to-year=2026&user=nightly")
	mustStatus(t, "an end before the start", rec, http.StatusUnprocessableEntity)
	checkPage(t, "/admin/audit with an error", doc, "Error: Audit log")
	if got := text(doc.Find(".ds_error-summary a")); !strings.Contains(got, "end date") {
		t.Errorf("error summary = %q", got)
	}
	if doc.Find(".app-audit__entry").Length() != 0 || doc.Find("select#user option[selected]").AttrOr("value", "") != "nightly" {
		t.Error("the page with an error shows entries, or lost who was chosen")
	}
}

func TestRestoreRetiredOrganisationAndPlan(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staff := signIn(t, app, tracker.RoleStaff, "")
	ctx := t.Context()
	o, err := app.Store.OrganisationByCode(ctx, "SSSC")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.RetireOrganisation(ctx, tracker.Actor{Label: "test"}, o.ID, o.Version, "Merged"); err != nil {
		t.Fatal(err)
	}
	_, doc := staff.get("/admin/organisations")
	link := doc.Find(`a[href$="/restore"]`)
	if link.Length() != 1 || !strings.Contains(text(link), o.Name) {
		t.Fatalf("retired organisations list %d restore links: %q", link.Length(), text(link))
	}
	page := link.AttrOr("href", "")
	_, doc = staff.get(page)
	checkPage(t, page, doc, "Restore "+o.Name)
	version := doc.Find(`input[name="version"]`).AttrOr("value", "")

	// A reason is needed, and kept when missing.
	rec, doc := staff.postDoc(page, url.Values{"version": {version}, "reason": {""}})
	mustStatus(t, "restore without a reason", rec, http.StatusUnprocessableEntity)
	if doc.Find(".ds_error-summary").Length() == 0 {
		t.Error("no error summary")
	}
	rec = staff.post(page, url.Values{"version": {version}, "reason": {"The merger was called off"}})
	mustStatus(t, "restore", rec, http.StatusSeeOther)
	if _, err := app.Store.OrganisationByCode(ctx, "SSSC"); err != nil {
		t.Errorf("SSSC after restoring: %v", err)
	}
	page2, err := app.Store.AuditLog(ctx, postgres.AuditFilter{Action: "organisation.restore"})
	if err != nil || len(page2.Entries) != 1 || page2.Entries[0].ActorEmail != staff.User.Email ||
		!strings.Contains(string(page2.Entries[0].Details), "The merger was called off") {
		t.Errorf("audit of the restore: %+v, %v", page2.Entries, err)
	}
	// Restoring again: nothing to restore.
	mustStatus(t, "restore twice", staff.post(page, url.Values{"version": {version}, "reason": {"Again"}}), http.StatusNotFound)

	// A retired plan is listed apart, and restored the same way, not as the current plan.
	plan, err := app.Store.CreatePlan(ctx, tracker.Actor{Label: "test"}, postgres.NewPlan{Plan: tracker.Plan{Slug: "2022-23", Title: "Delivery Plan 2022-23", Period: "2022-23"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.RetirePlan(ctx, tracker.Actor{Label: "test"}, plan.ID, plan.Version, "Superseded"); err != nil {
		t.Fatal(err)
	}
	_, doc = staff.get("/admin/plans")
	if got := text(doc.Find(".app-admin-plans-retired tbody tr")); !strings.Contains(got, "Delivery Plan 2022-23") {
		t.Errorf("retired plans = %q", got)
	}
	if got := text(doc.Find(".app-admin-plans tbody")); strings.Contains(got, "2022-23") {
		t.Errorf("a retired plan is among those in use: %q", got)
	}
	rec = staff.post("/admin/plans/2022-23/restore", url.Values{"version": {strconv.Itoa(plan.Version + 1)}, "reason": {"Still reported on"}})
	mustStatus(t, "restore plan", rec, http.StatusSeeOther)
	if p, err := app.Store.PlanBySlug(ctx, "2022-23"); err != nil || p.IsCurrent {
		t.Errorf("restored plan: %+v, %v", p, err)
	}
	if got := rec.Header().Get("Location"); got != "/admin/plans/2022-23" {
		t.Errorf("after restoring, to %q", got)
	}
	mustStatus(t, "a plan in use has nothing to restore", staff.post("/admin/plans/2023-24/restore", url.Values{"reason": {"x"}}), http.StatusNotFound)
}

func TestLinkPageSuggestsAnEmail(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	admin := signIn(t, app, tracker.RoleAdmin, "")
	u, _ := createUser(t, app, tracker.RoleStaff, "")
	rec, doc := admin.postDoc("/admin/users/"+strconv.FormatInt(u.ID, 10)+"/link", url.Values{})
	mustStatus(t, "create a link", rec, http.StatusOK)
	link := doc.Find("input#link").AttrOr("value", "")
	if !strings.HasPrefix(link, "http://example.com/set-password?token=") || doc.Find("input#link").AttrOr("data-copy", "") == "" {
		t.Fatalf("link = %q, want it absolute from the base URL, with a copy button", link)
	}
	if got := doc.Find("input#email-subject").AttrOr("value", ""); got != "Reset your Delivery Tracker password" {
		t.Errorf("subject = %q", got)
	}
	body := doc.Find("textarea#email-body").Text()
	if !strings.HasPrefix(body, "Dear "+u.Name+",") || !strings.Contains(body, "\n"+link+"\n") {
		t.Errorf("suggested email = %q, want it to greet %s and carry the link on a line of its own", body, u.Name)
	}
}
