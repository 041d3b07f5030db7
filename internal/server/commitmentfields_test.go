package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// fieldPath is the address of the form changing a field of a commitment of 2023-24.
func fieldPath(t *testing.T, app *testApp, ref, slug string) string {
	t.Helper()
	return "/admin/commitments/" + strconv.FormatInt(commitmentID(t, app, "2023-24", ref), 10) + "/change/" + slug
}

// TestCommitmentPageForStaff: a commitment's page for staff lists each field with a Change link
// to its own form, and the plan's page links to it.
func TestCommitmentPageForStaff(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	id := strconv.FormatInt(commitmentID(t, app, "2023-24", "4.3"), 10)
	_, doc := staffer.get("/admin/plans/2023-24")
	if doc.Find(`a[href="/admin/commitments/`+id+`"]`).Length() != 1 {
		t.Error("the plan's page does not link to 4.3's page")
	}
	rec, doc := staffer.get("/admin/commitments/" + id)
	mustStatus(t, "4.3's page", rec, http.StatusOK)
	checkPage(t, "4.3's page", doc, "Commitment 4.3")
	var keys, links []string
	doc.Find(".app-commitment-fields .ds_summary-list__item").Each(func(_ int, row *goquery.Selection) {
		keys = append(keys, text(row.Find(".ds_summary-list__key")))
		a := row.Find(".ds_summary-list__actions a")
		links = append(links, text(a)+"="+a.AttrOr("href", ""))
	})
	var want, wantLinks []string
	for _, f := range tracker.CommitmentFields {
		want = append(want, f.Label)
		wantLinks = append(wantLinks, "Change "+strings.ToLower(f.Label[:1])+f.Label[1:]+"=/admin/commitments/"+id+"/change/"+f.Slug)
	}
	if !slices.Equal(keys, want) || !slices.Equal(links, wantLinks) {
		t.Errorf("rows = %q\nlinks = %q\nwant %q\n%q", keys, links, want, wantLinks)
	}
	if got := text(doc.Find(".app-commitment-fields")); !strings.Contains(got, "Digital, Data, and Technology") || !strings.Contains(got, "December 2025") {
		t.Errorf("4.3's fields = %q", got)
	}
	// The old address of the form that changed everything leads here.
	rec, _ = staffer.get("/admin/commitments/" + id + "/edit")
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/admin/commitments/"+id {
		t.Errorf("GET /edit = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
}

// TestCommitmentFieldForms changes each field of 4.3 on its own form: wrong first (422, the error
// summary and the field's inline error, what was typed kept), then right, with a change note
// where the public reads the field. The public page then lists the amendments, newest first.
func TestCommitmentFieldForms(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	anon := anonymous(t, app)
	nes, cso := orgID(t, app, "NES"), orgID(t, app, "CSO")
	const noNote = "Enter a change note saying what you changed"
	tests := []struct {
		slug     string
		title    string
		bad      url.Values
		badField string // the input the error is at
		badMsg   string
		good     url.Values
		note     string // "" for a field the public does not read as text
		check    func(c tracker.Commitment) bool
	}{
		{"number", "Change the commitment’s number", url.Values{"ref": {"4"}}, "ref", "a dot and its position",
			url.Values{"ref": {"4.30"}}, "renumbered", func(c tracker.Commitment) bool { return c.Ref == "4.30" }},
		{"priority-area", "Change the priority area", url.Values{"priority": {""}}, "priority", "Choose the priority area",
			nil, "", nil},
		{"what", "Change what it will deliver", url.Values{"deliver": {""}}, "deliver", "Enter what the commitment will deliver",
			url.Values{"deliver": {"Support the development of our specialist Digital, Data and Technology (DDaT) professional workforce."}},
			"removed a comma", func(c tracker.Commitment) bool { return !strings.Contains(c.Deliver, "Data, and") }},
		{"why", "Change the reasons why", url.Values{"why": {"Fine\n" + strings.Repeat("a", tracker.MaxWhyLength+1)}}, "why", "Reason 2 must be",
			url.Values{"why": {"One\r\nTwo"}}, "split the reason in two", func(c tracker.Commitment) bool { return slices.Equal(c.Why, []string{"One", "Two"}) }},
		{"due", "Change the month it is due", url.Values{"due-month": {"13"}, "due-year": {"2026"}}, "due", "a month from 1 to 12",
			url.Values{"due-month": {"3"}, "due-year": {"2027"}}, "moved to March 2027", func(c tracker.Commitment) bool { return c.Due.String() == "March 2027" }},
		{"leads", "Change who leads it", url.Values{"lead-rows": {"1"}, "lead-1-org": {"", nes}}, "lead-1-text", "Enter lead line 1 as the plan prints it",
			url.Values{"lead-rows": {"2"}, "lead-1-text": {"NES and CSO"}, "lead-1-org": {nes, "", cso}, "lead-2-text": {""}, "lead-2-org": {""}},
			"corrected the lead organisation", func(c tracker.Commitment) bool {
				return len(c.Leads) == 1 && slices.Equal(c.LeadOrganisationCodes(), []string{"NES", "CSO"})
			}},
		{"source", "Change the page of the published plan", url.Values{"source_url": {"nope"}}, "source_url", "Enter a full web address",
			url.Values{"source_url": {"https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/7/"}}, "",
			func(c tracker.Commitment) bool { return strings.HasSuffix(c.SourceURL, "/pages/7/") }},
	}
	var notes []string
	id := commitmentID(t, app, "2023-24", "4.3")
	for _, tt := range tests {
		path := "/admin/commitments/" + strconv.FormatInt(id, 10) + "/change/" + tt.slug
		rec, doc := staffer.get(path)
		mustStatus(t, "GET "+path, rec, http.StatusOK)
		checkPage(t, path, doc, tt.title)
		public := doc.Find("#"+tracker.FieldChangeNote).Length() == 1
		if public != (tt.note != "" || tt.slug == "priority-area") {
			t.Errorf("%s: change note asked for = %v", tt.slug, public)
		}
		f := formOf(t, doc, "main form")
		version := f.Get("version")

		// Wrong.
		bad := url.Values{"version": {version}, tracker.FieldChangeNote: {"typed note"}}
		for k, v := range tt.bad {
			bad[k] = v
		}
		rec, doc = staffer.postDoc(path, bad)
		mustStatus(t, tt.slug+": bad value", rec, http.StatusUnprocessableEntity)
		checkPage(t, path, doc, "Error: "+tt.title)
		if got := text(doc.Find("#error-message-" + tt.badField)); !strings.Contains(got, tt.badMsg) {
			t.Errorf("%s: inline error = %q, want %q", tt.slug, got, tt.badMsg)
		}
		if doc.Find(`.ds_error-summary a[href="#`+tt.badField+`"]`).Length() != 1 {
			t.Errorf("%s: the error summary does not link to #%s", tt.slug, tt.badField)
		}
		if public && doc.Find("#"+tracker.FieldChangeNote).AttrOr("value", "") != "typed note" {
			t.Errorf("%s: the note typed was lost", tt.slug)
		}
		if tt.good == nil {
			continue
		}

		// Right, but without a note where one is needed.
		good := url.Values{"version": {version}}
		for k, v := range tt.good {
			good[k] = v
		}
		if tt.note != "" {
			rec, doc = staffer.postDoc(path, good)
			mustStatus(t, tt.slug+": no note", rec, http.StatusUnprocessableEntity)
			if got := text(doc.Find("#error-message-" + tracker.FieldChangeNote)); !strings.Contains(got, noNote) {
				t.Errorf("%s: note error = %q", tt.slug, got)
			}
			good.Set(tracker.FieldChangeNote, tt.note)
			notes = append([]string{tt.note}, notes...)
		}
		rec = staffer.post(path, good)
		mustStatus(t, tt.slug+": save", rec, http.StatusSeeOther)
		if loc := rec.Header().Get("Location"); !strings.HasPrefix(path, loc+"/change/") {
			t.Errorf("%s: saved, went to %q", tt.slug, loc)
		}
		c, err := app.Store.CommitmentForEdit(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !tt.check(c) {
			t.Errorf("%s: saved as %+v", tt.slug, c)
		}
	}

	// Sending a form unchanged saves nothing, and adds no amendment.
	path := fieldPath(t, app, "4.30", "what")
	_, doc := staffer.get(path)
	f := formOf(t, doc, "main form")
	f.Set(tracker.FieldChangeNote, "nothing really")
	rec := staffer.post(path, f)
	mustStatus(t, "send unchanged", rec, http.StatusSeeOther)
	_, doc = staffer.get(rec.Header().Get("Location"))
	if got := text(doc.Find(".ds_notification")); !strings.Contains(got, "Nothing was changed") {
		t.Errorf("banner after sending unchanged = %q", got)
	}

	// The public page lists the amendments, newest first; the source changed without one.
	rec, doc = anon.get("/commitments/4.30")
	mustStatus(t, "public 4.30", rec, http.StatusOK)
	var got []string
	doc.Find(".app-amendment").Each(func(_ int, li *goquery.Selection) { got = append(got, text(li)) })
	if len(got) != len(notes) {
		t.Fatalf("public amendments = %q, want %q", got, notes)
	}
	day := app.clock.Now().In(time.UTC).Format("2 January 2006")
	for i := range got {
		if want := "Amended on " + day + ": " + notes[i]; got[i] != want {
			t.Errorf("amendment %d = %q, want %q", i, got[i], want)
		}
	}
	// A note is shown as typed, never as markup.
	c, _ := app.Store.CommitmentForEdit(t.Context(), id)
	c.Deliver += " Again."
	if _, err := app.Store.AmendCommitment(t.Context(), tracker.Actor{Label: "test"}, c,
		tracker.Amendment{Fields: []string{"what it will deliver"}, Note: "<script>alert(1)</script>"}); err != nil {
		t.Fatal(err)
	}
	rec, doc = anon.get("/commitments/4.30")
	if strings.Contains(rec.Body.String(), "<script>alert(1)") || !strings.HasSuffix(text(doc.Find(".app-amendment").First()), ": <script>alert(1)</script>") {
		t.Errorf("the newest amendment = %q", text(doc.Find(".app-amendment").First()))
	}
	notes = append([]string{"<script>alert(1)</script>"}, notes...)
	// Staff see them on the commitment's page too, and the audit log keeps the notes.
	_, doc = staffer.get(strings.TrimSuffix(path, "/change/what"))
	if n := doc.Find(".app-amendment").Length(); n != len(notes) {
		t.Errorf("staff page lists %d amendments, want %d", n, len(notes))
	}
	var audited int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'commitment.update' AND details ? 'note'`).Scan(&audited); err != nil || audited != len(notes) {
		t.Errorf("audit entries with a note = %d (%v), want %d", audited, err, len(notes))
	}
}

// TestLeadOrganisationPicker: without JavaScript, each organisation of a lead line is a list of
// every organisation, with one left at None to add another, and "Add another organisation"
// gives one more list, keeping everything typed.
func TestLeadOrganisationPicker(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	path := fieldPath(t, app, "4.3", "leads")
	_, doc := staffer.get(path)
	if n := doc.Find(`main form input[type="checkbox"]`).Length(); n != 0 {
		t.Errorf("the form has %d checkboxes", n)
	}
	// 4.3 has four lead lines, each naming one organisation, and one empty line to add.
	if n := doc.Find(`input[name$="-text"]`).Length(); n != 5 {
		t.Errorf("%d lead lines, want 5", n)
	}
	first := doc.Find(`select[name="lead-1-org"]`)
	if first.Length() != 2 || first.First().AttrOr("id", "") != "lead-1-org" || first.Last().Find("option[selected]").AttrOr("value", "x") != "" {
		t.Errorf("lead line 1 has %d lists: %q", first.Length(), texts(first.Find("option[selected]")))
	}
	if label := text(doc.Find(`label[for="lead-1-org-2"]`)); label != "Organisation 2 of lead line 1" {
		t.Errorf("label = %q", label)
	}
	orgs, err := app.Store.Organisations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := first.First().Find("option").Length(); n != len(orgs)+1 {
		t.Errorf("the list has %d options, want None and %d organisations", n, len(orgs))
	}
	f := formOf(t, doc, "main form")
	f.Set("lead-1-text", "Scottish Government Digital Health and Care Directorate, with CSO")
	f.Set(tracker.FieldChangeNote, "added CSO")
	f.Set("action", "add-org-1")
	rec, doc := staffer.postDoc(path, f)
	mustStatus(t, "add another organisation", rec, http.StatusOK)
	if n := doc.Find(`select[name="lead-1-org"]`).Length(); n != 3 {
		t.Errorf("lead line 1 has %d lists after adding one, want 3", n)
	}
	if doc.Find(".ds_error-summary").Length() != 0 || doc.Find("#lead-1-text").AttrOr("value", "") != f.Get("lead-1-text") ||
		doc.Find("#"+tracker.FieldChangeNote).AttrOr("value", "") != "added CSO" {
		t.Error("adding a list lost what was typed or showed errors")
	}
	f = formOf(t, doc, "main form")
	f["lead-1-org"] = []string{f["lead-1-org"][0], "", orgID(t, app, "CSO")}
	rec = staffer.post(path, f)
	mustStatus(t, "save with CSO", rec, http.StatusSeeOther)
	c, _ := app.Store.CommitmentForEdit(t.Context(), commitmentID(t, app, "2023-24", "4.3"))
	if len(c.Leads) != 4 || len(c.Leads[0].Organisations) != 2 || c.Leads[0].Organisations[1].Code != "CSO" {
		t.Errorf("lead lines = %+v", c.Leads)
	}
	// The same organisation twice is a problem, shown at the line.
	_, doc = staffer.get(path)
	f = formOf(t, doc, "main form")
	f["lead-1-org"] = []string{f["lead-1-org"][0], f["lead-1-org"][0]}
	f.Set(tracker.FieldChangeNote, "twice")
	rec, doc = staffer.postDoc(path, f)
	mustStatus(t, "an organisation twice", rec, http.StatusUnprocessableEntity)
	if got := text(doc.Find(".ds_error-summary")); !strings.Contains(got, "twice") {
		t.Errorf("error summary = %q", got)
	}
}

// TestCommitmentFieldConflict: two people change a commitment at once; the second is shown what
// the first saved, keeps what they typed and their note, and can then save deliberately.
func TestCommitmentFieldConflict(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staffer := signIn(t, app, tracker.RoleStaff, "")
	id := commitmentID(t, app, "2023-24", "4.2")
	path := fieldPath(t, app, "4.2", "what")
	_, doc := staffer.get(path)
	mine := formOf(t, doc, "main form")
	mine.Set("deliver", "My version")
	mine.Set(tracker.FieldChangeNote, "my note")

	other, err := app.Store.CommitmentForEdit(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	other.Deliver = "Changed by someone else"
	if _, err := app.Store.UpdateCommitment(t.Context(), tracker.Actor{Label: "test"}, other); err != nil {
		t.Fatal(err)
	}

	rec, doc := staffer.postDoc(path, mine)
	mustStatus(t, "save over a change", rec, http.StatusConflict)
	notice := text(doc.Find(".app-conflict"))
	if !strings.Contains(notice, "Someone else changed this") || !strings.Contains(notice, "Changed by someone else") {
		t.Errorf("conflict notice = %q", notice)
	}
	if doc.Find("#deliver").Text() != "My version" || doc.Find("#"+tracker.FieldChangeNote).AttrOr("value", "") != "my note" {
		t.Error("what was typed was lost")
	}
	again := formOf(t, doc, "main form")
	if again.Get("version") == mine.Get("version") {
		t.Error("the form still carries the old version")
	}
	if got, _ := app.Store.Amendments(t.Context(), id); len(got) != 0 {
		t.Errorf("a refused change added amendments %v", got)
	}
	mustStatus(t, "save again deliberately", staffer.post(path, again), http.StatusSeeOther)
	c, _ := app.Store.CommitmentByID(t.Context(), id)
	if c.Deliver != "My version" {
		t.Errorf("4.2 = %q after saving again", c.Deliver)
	}
}

// TestCommitmentFieldPermissions: only staff may see or send the forms; a partner is refused and
// someone signed out is asked to sign in, and nothing changes.
func TestCommitmentFieldPermissions(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	path := fieldPath(t, app, "4.1", "what")
	form := url.Values{"version": {"1"}, "deliver": {"Changed"}, tracker.FieldChangeNote: {"n"}}
	partner := signIn(t, app, tracker.RolePartner, "NES")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var rec = partner.do(partner.request(method, path, form))
		if rec.Code != http.StatusForbidden {
			t.Errorf("partner %s = %d, want 403", method, rec.Code)
		}
	}
	anon := anonymous(t, app)
	if rec := anon.post(path, form); !isSignInRedirect(rec) {
		t.Errorf("signed out POST = %d %q, want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
	}
	c, _ := app.Store.CommitmentByID(t.Context(), commitmentID(t, app, "2023-24", "4.1"))
	if c.Deliver == "Changed" {
		t.Error("the commitment changed")
	}
	// A field that does not exist.
	staffer := signIn(t, app, tracker.RoleStaff, "")
	if rec, _ := staffer.get(strings.Replace(path, "/what", "/colour", 1)); rec.Code != http.StatusNotFound {
		t.Errorf("GET an unknown field = %d", rec.Code)
	}
}
