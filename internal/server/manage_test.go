package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// formOf returns the values a browser would send from the form sel on the page: every named
// input (checkboxes and radios only when checked), textarea and select.
func formOf(t *testing.T, doc *goquery.Document, sel string) url.Values {
	t.Helper()
	f := doc.Find(sel)
	if f.Length() != 1 {
		t.Fatalf("page has %d forms matching %q, want 1", f.Length(), sel)
	}
	v := url.Values{}
	f.Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		if _, disabled := s.Attr("disabled"); disabled {
			return
		}
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
		case "select":
			opt := s.Find("option[selected]")
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", ""))
		default:
			switch s.AttrOr("type", "text") {
			case "checkbox", "radio":
				if _, ok := s.Attr("checked"); ok {
					v.Add(name, s.AttrOr("value", "on"))
				}
			case "submit", "file":
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return v
}

// upload posts a file in a multipart form, as a browser sends a file input.
func (c *client) upload(path, field, name string, content []byte) (*httptest.ResponseRecorder, *goquery.Document) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, c.base.String()+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.RemoteAddr = "192.0.2.10:41000"
	rec := c.do(req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		c.t.Fatal(err)
	}
	return rec, doc
}

// mustStatus fails the test unless the response has the status.
func mustStatus(t *testing.T, what string, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("%s = %d, want %d\n%s", what, rec.Code, want, truncateBody(rec.Body.String()))
	}
}

func truncateBody(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000]
	}
	return s
}

// commitmentID returns the ID of a commitment of the plan with the slug.
func commitmentID(t *testing.T, app *testApp, slug, ref string) int64 {
	t.Helper()
	p, err := app.Store.PlanBySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	c, err := app.Store.CommitmentByRef(t.Context(), p.ID, ref)
	if err != nil {
		t.Fatalf("commitment %s of %s: %v", ref, slug, err)
	}
	return c.ID
}

func orgID(t *testing.T, app *testApp, code string) string {
	t.Helper()
	o, err := app.Store.OrganisationByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(o.ID, 10)
}

func auditCount(t *testing.T, app *testApp, action string) int {
	t.Helper()
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// optionValue returns the value of the option of the select whose text starts with prefix.
func optionValue(t *testing.T, doc *goquery.Document, sel, prefix string) string {
	t.Helper()
	var v string
	doc.Find(sel + " option").Each(func(_ int, o *goquery.Selection) {
		if strings.HasPrefix(text(o), prefix) {
			v = o.AttrOr("value", "")
		}
	})
	if v == "" {
		t.Fatalf("no option %q in %s", prefix, sel)
	}
	return v
}

// TestNextPlanJourney creates the next plan, carries commitments forward, changes a timescale,
// adds a commitment and makes the plan current, as staff do each year.
func TestNextPlanJourney(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")

	rec, doc := staffer.get("/admin/plans/new")
	mustStatus(t, "GET /admin/plans/new", rec, http.StatusOK)
	checkPage(t, "/admin/plans/new", doc, "Create a plan")
	f := formOf(t, doc, `form[action="/admin/plans/new"]`)
	if f.Get("copy_priorities") != "yes" || f.Get("previous") == "" {
		t.Errorf("new plan form defaults = %v: want the current plan as previous and its priorities copied", f)
	}
	f.Set("title", "Care in the Digital Age: Delivery Plan 2024-25")
	f.Set("period", "2024-25")
	f.Set("slug", "2024-25")
	setDate(f, "published_on", "3", "6", "2024")
	rec = staffer.post("/admin/plans/new", f)
	mustStatus(t, "POST /admin/plans/new", rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/admin/plans/2024-25" {
		t.Fatalf("created plan redirects to %q", loc)
	}
	rec, doc = staffer.get("/admin/plans/2024-25")
	mustStatus(t, "GET /admin/plans/2024-25", rec, http.StatusOK)
	if !strings.Contains(text(doc.Find(".ds_notification")), "Plan created") {
		t.Error("no banner saying the plan was created")
	}
	if n := doc.Find(".app-admin-priorities tbody tr").Length(); n != 6 {
		t.Errorf("new plan has %d priority areas, want the 6 copied", n)
	}

	// Carry forward: only open commitments of 2023-24 are offered (4.2 and 5.1 are delivered).
	rec, doc = staffer.get("/admin/plans/2024-25/carry-forward")
	mustStatus(t, "GET carry-forward", rec, http.StatusOK)
	var offered []string
	doc.Find(`input[name="commitment"]`).Each(func(_ int, s *goquery.Selection) {
		offered = append(offered, strings.Fields(text(doc.Find(`label[for="` + s.AttrOr("id", "") + `"]`)))[0])
	})
	if !slices.Equal(offered, []string{"4.1", "4.3", "4.4", "4.5"}) {
		t.Errorf("offered %q, want 4.1, 4.3, 4.4, 4.5", offered)
	}
	rec, doc = staffer.postDoc("/admin/plans/2024-25/carry-forward", url.Values{})
	mustStatus(t, "carry forward nothing", rec, http.StatusUnprocessableEntity)
	if !strings.Contains(text(doc.Find(".ds_error-summary")), "Choose the commitments to carry forward") {
		t.Error("no error for carrying forward nothing")
	}
	old41, old45 := commitmentID(t, app, "2023-24", "4.1"), commitmentID(t, app, "2023-24", "4.5")
	rec = staffer.post("/admin/plans/2024-25/carry-forward", url.Values{"commitment": {strconv.FormatInt(old41, 10), strconv.FormatInt(old45, 10)}})
	mustStatus(t, "POST carry-forward", rec, http.StatusSeeOther)

	// Both ways: the old commitment is Carried forward, with the update in its history, and links
	// to the new one; the new one links back.
	anon := anonymous(t, app)
	rec, doc = anon.get("/commitments/4.1")
	mustStatus(t, "GET /commitments/4.1", rec, http.StatusOK)
	if got := text(doc.Find(".app-commitment-status, .ds_summary-list").First()); !strings.Contains(got, "Carried forward") {
		t.Errorf("old 4.1 status = %q", got)
	}
	if href := doc.Find(".app-carried-to a").AttrOr("href", ""); href != "/plans/2024-25/commitments/4.1" {
		t.Errorf("old 4.1 links forward to %q", href)
	}
	if first := text(doc.Find(".app-timeline__item").First()); !strings.Contains(first, "Carried forward") ||
		!strings.Contains(first, "Care in the Digital Age: Delivery Plan 2024-25") {
		t.Errorf("newest 4.1 update = %q", first)
	}
	rec, doc = anon.get("/plans/2024-25/commitments/4.1")
	mustStatus(t, "GET /plans/2024-25/commitments/4.1", rec, http.StatusOK)
	if href := doc.Find(".app-carried-from a").AttrOr("href", ""); href != "/commitments/4.1" {
		t.Errorf("new 4.1 links back to %q", href)
	}

	// Change a timescale.
	new41 := commitmentID(t, app, "2024-25", "4.1")
	_, doc = staffer.get("/admin/commitments/" + strconv.FormatInt(new41, 10) + "/change/due")
	f = formOf(t, doc, "main form")
	if f.Get("due-month") != "3" || f.Get("due-year") != "2026" {
		t.Errorf("due form of new 4.1 = %v", f)
	}
	f.Set("due-month", "6")
	f.Set("due-year", "2027")
	f.Set("change_note", "moved to June 2027")
	rec = staffer.post("/admin/commitments/"+strconv.FormatInt(new41, 10)+"/change/due", f)
	mustStatus(t, "change 4.1's timescale", rec, http.StatusSeeOther)
	_, doc = anon.get("/plans/2024-25/commitments/4.1")
	if got := text(doc.Find(".ds_summary-list")); !strings.Contains(got, "June 2027") {
		t.Errorf("new 4.1 after the change = %q, want due June 2027", got)
	}

	// Add a new commitment with a lead line naming two organisations.
	_, doc = staffer.get("/admin/plans/2024-25/commitments/new")
	f = formOf(t, doc, "main form")
	f.Set("ref", "4.6")
	f.Set("priority", optionValue(t, doc, "#priority", "4."))
	f.Set("deliver", "Publish a digital skills framework for social care.")
	f.Set("why", "So that staff know what good looks like\nSo that employers can plan training")
	f.Set("due-month", "3")
	f.Set("due-year", "2025")
	f.Set("lead-1-text", "NES and Chief Scientist Office (CSO)")
	f["lead-1-org"] = []string{orgID(t, app, "NES"), orgID(t, app, "CSO")}
	f.Set("lead-2-text", "Others")
	rec = staffer.post("/admin/plans/2024-25/commitments/new", f)
	mustStatus(t, "add 4.6", rec, http.StatusSeeOther)
	_, doc = anon.get("/plans/2024-25/commitments/4.6")
	var links []string
	doc.Find(".app-lead a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	if !slices.Equal(links, []string{"/organisations/NES", "/organisations/CSO"}) || len(texts(doc.Find(".app-lead"))) != 2 {
		t.Errorf("4.6 lead links = %q, lines %q", links, texts(doc.Find(".app-lead")))
	}

	// Make 2024-25 current: / shows it, and 2023-24 keeps its pages under /plans/2023-24.
	_, doc = staffer.get("/admin/plans/2024-25")
	rec, doc = staffer.get(doc.Find(`a[href="/admin/plans/2024-25/make-current"]`).AttrOr("href", "(no link to make 2024-25 current)"))
	mustStatus(t, "the page confirming 2024-25 as current", rec, http.StatusOK)
	f = formOf(t, doc, `form[action="/admin/plans/2024-25/make-current"]`)
	f.Set("reason", "The 2024-25 plan has been published")
	rec = staffer.post("/admin/plans/2024-25/make-current", f)
	mustStatus(t, "make 2024-25 current", rec, http.StatusSeeOther)
	rec, doc = anon.get("/")
	mustStatus(t, "GET /", rec, http.StatusOK)
	if got := text(doc.Find("h1")); got != "Care in the Digital Age: Delivery Plan 2024-25" {
		t.Errorf("/ shows %q", got)
	}
	if href := doc.Find(".app-plan-switcher a").AttrOr("href", ""); href != "/plans/2023-24" {
		t.Errorf("plan switcher links to %q", href)
	}
	rec, doc = anon.get("/plans/2023-24")
	mustStatus(t, "GET /plans/2023-24", rec, http.StatusOK)
	if doc.Find(".app-older-plan").Length() != 1 {
		t.Error("the old plan does not say it is not current")
	}
	rec, doc = anon.get("/plans/2023-24/commitments/4.1")
	mustStatus(t, "GET /plans/2023-24/commitments/4.1", rec, http.StatusOK)
	if href := doc.Find(".app-carried-to a").AttrOr("href", ""); href != "/commitments/4.1" {
		t.Errorf("old 4.1 now links forward to %q", href)
	}
	for _, action := range []string{"plan.create", "commitment.carry_forward", "commitment.create", "commitment.update", "plan.make_current"} {
		if auditCount(t, app, action) == 0 {
			t.Errorf("no %s in the audit log", action)
		}
	}
}

func TestCommitmentFormErrors(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	nes := orgID(t, app, "NES")
	const path = "/admin/plans/2023-24/commitments/new"

	rec, doc := staffer.postDoc(path, url.Values{"action": {"save"}, "lead-rows": {"3"}, "lead-2-org": {nes},
		"deliver": {"<script>alert(1)</script>"}, "due-month": {"13"}, "due-year": {"2024"}})
	mustStatus(t, "POST empty commitment", rec, http.StatusUnprocessableEntity)
	checkPage(t, path, doc, "Error: Add a commitment")
	summary := text(doc.Find(".ds_error-summary"))
	for _, want := range []string{"Enter the commitment’s number", "Choose the priority area", "month from 1 to 12", "Enter lead line 2 as the plan prints it"} {
		if !strings.Contains(summary, want) {
			t.Errorf("error summary %q lacks %q", summary, want)
		}
	}
	for _, id := range []string{"ref", "priority", "due", "lead-2-text"} {
		if doc.Find("#error-message-"+id).Length() != 1 {
			t.Errorf("no inline error for %s", id)
		}
		if doc.Find(`.ds_error-summary a[href="#`+id+`"]`).Length() != 1 {
			t.Errorf("the error summary does not link to #%s", id)
		}
	}
	if got := doc.Find("#deliver").Text(); got != "<script>alert(1)</script>" {
		t.Errorf("what was typed is not kept: %q", got)
	}
	if strings.Contains(rec.Body.String(), "<script>alert(1)") {
		t.Error("what was typed is not escaped")
	}
	if _, ok := doc.Find(`select[name="lead-2-org"] option[value="` + nes + `"]`).Attr("selected"); !ok {
		t.Error("the organisation chosen for lead line 2 is not kept")
	}

	// "Add another lead line" adds a row and keeps everything, without errors.
	rec, doc = staffer.postDoc(path, url.Values{"action": {"add-lead"}, "lead-rows": {"3"}, "ref": {"4.9"}, "lead-1-text": {"NES"}, "lead-1-org": {nes}})
	mustStatus(t, "add a lead line", rec, http.StatusOK)
	if n := doc.Find(`input[name$="-text"]`).Length(); n != 4 {
		t.Errorf("%d lead lines after adding one to 3", n)
	}
	if doc.Find(".ds_error-summary").Length() != 0 || doc.Find("#ref").AttrOr("value", "") != "4.9" || doc.Find("#lead-1-text").AttrOr("value", "") != "NES" {
		t.Error("adding a lead line lost what was typed or showed errors")
	}

	// A ref the plan has already.
	_, doc = staffer.get(path)
	f := formOf(t, doc, "main form")
	f.Set("ref", "4.2")
	f.Set("priority", optionValue(t, doc, "#priority", "4."))
	f.Set("deliver", "Again")
	f.Set("due-month", "1")
	f.Set("due-year", "2025")
	rec, doc = staffer.postDoc(path, f)
	mustStatus(t, "POST a taken ref", rec, http.StatusUnprocessableEntity)
	if got := text(doc.Find("#error-message-ref")); !strings.Contains(got, "already has a commitment 4.2") {
		t.Errorf("ref error = %q", got)
	}
}

func TestRetireHidesFromPublicPages(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	anon := anonymous(t, app)
	id := strconv.FormatInt(commitmentID(t, app, "2023-24", "4.5"), 10)

	rec, doc := staffer.get("/admin/commitments/" + id + "/retire")
	mustStatus(t, "GET retire 4.5", rec, http.StatusOK)
	f := formOf(t, doc, "main form")
	stale := url.Values{"version": {"1000"}, "reason": {"Delivered under 4.4"}}
	rec = staffer.post("/admin/commitments/"+id+"/retire", stale)
	mustStatus(t, "retire at a stale version", rec, http.StatusConflict)
	rec = staffer.post("/admin/commitments/"+id+"/retire", f)
	mustStatus(t, "retire 4.5 without a reason", rec, http.StatusUnprocessableEntity)
	f.Set("reason", "Delivered under 4.4")
	rec = staffer.post("/admin/commitments/"+id+"/retire", f)
	mustStatus(t, "retire 4.5", rec, http.StatusSeeOther)
	if rec, _ := anon.get("/commitments/4.5"); rec.Code != http.StatusNotFound {
		t.Errorf("retired 4.5 = %d, want 404", rec.Code)
	}
	_, doc = staffer.get("/admin/plans/2023-24")
	if slices.Contains(texts(doc.Find(".app-admin-commitment__ref")), "4.5") {
		t.Error("the plan's page still lists 4.5")
	}

	// A priority area with commitments cannot be retired.
	plan, _ := app.Store.PlanBySlug(t.Context(), "2023-24")
	p4, _ := app.Store.PriorityBySlug(t.Context(), plan.ID, "digital-skills-and-leadership")
	rec, doc = staffer.postDoc("/admin/priorities/"+strconv.FormatInt(p4.ID, 10)+"/retire", url.Values{"version": {strconv.Itoa(p4.Version)}, "reason": {"Merged"}})
	mustStatus(t, "retire priority 4", rec, http.StatusUnprocessableEntity)
	if !strings.Contains(text(doc.Find(".ds_error-summary")), "still has 4 commitments") {
		t.Errorf("error = %q", text(doc.Find(".ds_error-summary")))
	}
	// An empty one can, and leaves the overview.
	p1, _ := app.Store.PriorityBySlug(t.Context(), plan.ID, "digital-access")
	rec = staffer.post("/admin/priorities/"+strconv.FormatInt(p1.ID, 10)+"/retire", url.Values{"version": {strconv.Itoa(p1.Version)}, "reason": {"Merged"}})
	mustStatus(t, "retire priority 1", rec, http.StatusSeeOther)
	if _, doc := anon.get("/"); doc.Find(".app-priority").Length() != 5 {
		t.Errorf("overview shows %d priority areas after retiring one of 6", doc.Find(".app-priority").Length())
	}

	// The current plan cannot be retired.
	rec, doc = staffer.postDoc("/admin/plans/2023-24/retire", url.Values{"version": {strconv.Itoa(plan.Version)}, "reason": {"Replaced"}})
	mustStatus(t, "retire the current plan", rec, http.StatusUnprocessableEntity)
	if !strings.Contains(text(doc.Find(".ds_error-summary")), "current plan cannot be retired") {
		t.Errorf("error = %q", text(doc.Find(".ds_error-summary")))
	}

	// An organisation: its page goes, lead lines keep their words but no longer link it.
	cso := orgID(t, app, "CSO")
	_, doc = staffer.get("/admin/organisations/" + cso + "/retire")
	f = formOf(t, doc, "main form")
	f.Set("reason", "Merged into another organisation")
	rec = staffer.post("/admin/organisations/"+cso+"/retire", f)
	mustStatus(t, "retire CSO", rec, http.StatusSeeOther)
	if rec, _ := anon.get("/organisations/CSO"); rec.Code != http.StatusNotFound {
		t.Errorf("retired CSO's page = %d", rec.Code)
	}
	_, doc = staffer.get("/admin/organisations")
	if got := text(doc.Find("h2:contains('Retired') + p + .app-table-scroll > table")); !strings.Contains(got, "CSO") {
		t.Errorf("retired organisations = %q", got)
	}
	for _, action := range []string{"commitment.retire", "priority.retire", "organisation.retire"} {
		if auditCount(t, app, action) != 1 {
			t.Errorf("%s audited %d times, want 1", action, auditCount(t, app, action))
		}
	}
}

func TestOrganisationAndPriorityForms(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")

	tests := []struct {
		name   string
		form   url.Values
		status int
		field  string
	}{
		{"no code or name", url.Values{}, http.StatusUnprocessableEntity, "code"},
		{"bad code", url.Values{"code": {"nhs 24!"}, "name": {"NHS 24"}}, http.StatusUnprocessableEntity, "code"},
		{"taken code", url.Values{"code": {"nes"}, "name": {"Another"}}, http.StatusUnprocessableEntity, "code"},
		{"ok", url.Values{"code": {"nhs-24"}, "name": {"NHS 24"}, "as_written": {"NHS 24\r\nNHS24"}}, http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, doc := staffer.postDoc("/admin/organisations/new", tt.form)
			mustStatus(t, "POST /admin/organisations/new", rec, tt.status)
			if tt.field != "" && doc.Find("#error-message-"+tt.field).Length() != 1 {
				t.Errorf("no error on %s", tt.field)
			}
		})
	}
	o, err := app.Store.OrganisationByCode(t.Context(), "NHS-24")
	if err != nil || !slices.Equal(o.AsWritten, []string{"NHS 24", "NHS24"}) {
		t.Fatalf("NHS-24 = %+v, %v", o, err)
	}
	path := "/admin/organisations/" + strconv.FormatInt(o.ID, 10) + "/edit"
	_, doc := staffer.get(path)
	f := formOf(t, doc, "main form")
	f.Set("name", "NHS 24 (Scotland)")
	if rec := staffer.post(path, f); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit NHS-24 = %d", rec.Code)
	}
	// The same form again is based on the old version now.
	rec, doc := staffer.postDoc(path, f)
	mustStatus(t, "edit NHS-24 from the old version", rec, http.StatusConflict)
	if doc.Find(".app-conflict").Length() != 1 {
		t.Error("no conflict notice")
	}

	// Priority areas: the web address follows the name, numbers are unique in a plan.
	_, doc = staffer.get("/admin/plans/2023-24/priorities/new")
	f = formOf(t, doc, "main form")
	if f.Get("number") != "7" {
		t.Errorf("suggested number = %q, want 7", f.Get("number"))
	}
	f.Set("name", "Digital Inclusion & Equity")
	if rec := staffer.post("/admin/plans/2023-24/priorities/new", f); rec.Code != http.StatusSeeOther {
		t.Fatalf("add priority 7 = %d", rec.Code)
	}
	if rec, _ := anonymous(t, app).get("/priorities/digital-inclusion-equity"); rec.Code != http.StatusOK {
		t.Errorf("new priority area's page = %d", rec.Code)
	}
	rec, doc = staffer.postDoc("/admin/plans/2023-24/priorities/new", f)
	mustStatus(t, "add priority 7 again", rec, http.StatusUnprocessableEntity)
	if doc.Find("#error-message-number, #error-message-slug").Length() == 0 {
		t.Error("no error for a duplicate priority area")
	}
}
