package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// returnedUpdate has a NES partner submit an update on 4.1 and staff return it with the note,
// and returns the update.
func returnedUpdate(t *testing.T, app *testApp, partner, staff *client, narrative, note string) tracker.Update {
	t.Helper()
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "delayed", "narrative", narrative, "due_month", "9", "due_year", "2027")), "/report")
	u := openUpdate(t, app, partner, "4.1")
	mustRedirect(t, "return", staff.post(fmt.Sprintf("/review/%d", u.ID), with(staff.reviewForm(u.ID, "return"), "note", note)), "/review")
	return u
}

// TestReviewQueueLinksToEachUpdate: the queue has no Publish button; each update is published
// from its own page, which says what to check first.
func TestReviewQueueLinksToEachUpdate(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	staff := signIn(t, app, tracker.RoleStaff, "")
	// On track, a year and a half after the due month (March 2026), which has passed, confirmed
	// on purpose with a reason, as the form asks.
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "on_track", "narrative", "Going well.", "due_month", "9", "due_year", "2027",
		tracker.FieldOnTrackConfirm, tracker.Yes, tracker.FieldOnTrackReason, "A fourth cohort was added.")), "/report")
	u := openUpdate(t, app, partner, "4.1")

	_, doc := staff.get("/review")
	if n := doc.Find(`main form[method="post"]`).Length(); n != 0 {
		t.Errorf("the review queue has %d forms, want none: publish from the update's page", n)
	}
	page := fmt.Sprintf("/review/%d", u.ID)
	if doc.Find(fmt.Sprintf(`main a[href=%q]`, page)).Length() == 0 {
		t.Errorf("the review queue does not link to %s", page)
	}
	rec, doc := staff.get(page)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", page, rec.Code)
	}
	flag := doc.Find(".app-review-flag--status-dates .ds_warning-text").Text()
	if !strings.Contains(flag, "On track") || !strings.Contains(flag, "18 months after the due month, March 2026") {
		t.Errorf("the review page does not flag On track with a later month: %q", flag)
	}
	if doc.Find(`form input[name="action"][value="publish"]`).Length() != 1 {
		t.Errorf("the review page has no Publish form")
	}
}

// TestReplyToReturnNote: a NES partner replies to the note; only NES's partners and staff may,
// and only they read the conversation. The form keeps what was typed when it is wrong, and
// refuses a post from another site.
func TestReplyToReturnNote(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	outsider := signIn(t, app, tracker.RolePartner, "CIVTECH")
	staff := signIn(t, app, tracker.RoleStaff, "")
	const note, reply = "Say which cohort is delayed.", "Cohort three, the Quokkaworth intake."
	u := returnedUpdate(t, app, partner, staff, "A cohort is delayed.", note)

	_, doc := partner.get("/report/4.1")
	if doc.Find(`a[href="/report/4.1/reply"]`).Length() != 1 || !strings.Contains(doc.Find(".app-thread").Text(), note) {
		t.Fatalf("the returned report does not show the conversation with a link to reply")
	}
	if rec, _ := partner.get("/report/4.1/reply"); rec.Code != http.StatusOK {
		t.Fatalf("GET the reply page = %d", rec.Code)
	}
	_, doc = partner.get("/report/4.1/reply")
	form := formValues(t, doc, "main form")

	// Wrong: nothing typed, and too long (kept as typed).
	rec, doc := partner.postDoc("/report/4.1/reply", with(form, "reply", " "))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(".ds_error-summary").Text(), "Enter your reply") ||
		doc.Find("#error-message-reply").Length() == 0 {
		t.Errorf("an empty reply = %d, want 422 with the error summary and the error at the field", rec.Code)
	}
	long := strings.Repeat("word ", tracker.MaxReply/5+1)
	rec, doc = partner.postDoc("/report/4.1/reply", with(form, "reply", long))
	if rec.Code != http.StatusUnprocessableEntity || doc.Find("textarea#reply").Text() != long {
		t.Errorf("a long reply = %d, want 422 keeping what was typed", rec.Code)
	}

	// Another organisation's partner may neither read nor write it; nor may the public.
	for _, path := range []string{"/report/4.1/reply", "/report/4.1"} {
		rec, _ := outsider.get(path)
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusNotFound {
			t.Errorf("another organisation's partner GET %s = %d, want 403 or 404", path, rec.Code)
		}
		if strings.Contains(rec.Body.String(), note) {
			t.Errorf("another organisation's partner reads the note at %s", path)
		}
	}
	if rec := outsider.post("/report/4.1/reply", with(form, "reply", "Ours now.")); rec.Code != http.StatusForbidden && rec.Code != http.StatusNotFound {
		t.Errorf("another organisation's partner's reply = %d, want 403 or 404", rec.Code)
	}
	if rec := anonymous(t, app).post("/report/4.1/reply", with(form, "reply", "Anyone.")); !isSignInRedirect(rec) {
		t.Errorf("a reply without signing in = %d, want the sign-in page", rec.Code)
	}
	req := partner.request(http.MethodPost, "/report/4.1/reply", with(form, "reply", reply))
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := partner.do(req); rec.Code != http.StatusForbidden {
		t.Errorf("a reply from another site = %d, want 403", rec.Code)
	}

	mustRedirect(t, "reply", partner.post("/report/4.1/reply", with(form, "reply", reply)), "/report/4.1")
	_, doc = partner.get("/report/4.1")
	if got := doc.Find(".app-thread").Text(); !strings.Contains(got, reply) || !strings.Contains(got, "Scottish Government staff") {
		t.Errorf("the partner's conversation = %q", got)
	}
	_, doc = staff.get(fmt.Sprintf("/review/%d", u.ID))
	if got := doc.Find(".app-review-thread").Text(); !strings.Contains(got, reply) || !strings.Contains(got, partner.User.Name) {
		t.Errorf("staff's conversation = %q", got)
	}
	// Staff answer on the update's page.
	mustRedirect(t, "answer", staff.post(fmt.Sprintf("/review/%d", u.ID), with(staff.reviewForm(u.ID, "answer"), "reply", "Thank you.")),
		fmt.Sprintf("/review/%d", u.ID))

	// Published, the update shows nothing of the conversation anywhere public.
	mustRedirect(t, "resubmit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"narrative", "Cohort three is delayed to September.")), "/report")
	mustRedirect(t, "publish", staff.post(fmt.Sprintf("/review/%d", u.ID), staff.reviewForm(u.ID, "publish")), "/review")
	checkNeverPublic(t, app, "Cohort three is delayed", note, reply, "Quokkaworth", "Thank you.")
}

// checkNeverPublic checks that the public pages, feeds, downloads and search show the published
// text and none of the private words.
func checkNeverPublic(t *testing.T, app *testApp, published string, private ...string) {
	t.Helper()
	public := anonymous(t, app)
	paths := []string{"/", "/commitments/4.1", "/priorities/" + priority4Slug(t, app), "/organisations/NES",
		"/updates.atom", "/commitments/4.1/updates.atom", "/organisations/NES/updates.atom",
		"/updates.csv", "/updates.json", "/commitments.csv", "/commitments.json", "/commitments?q=Quokkaworth"}
	for _, path := range paths {
		rec := public.do(public.request(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", path, rec.Code)
			continue
		}
		body := rec.Body.String()
		for _, p := range private {
			if strings.Contains(body, p) && !(path == "/commitments?q=Quokkaworth" && p == "Quokkaworth") {
				t.Errorf("GET %s shows %q, which is private", path, p)
			}
		}
	}
	if _, doc := public.get("/commitments?q=Quokkaworth"); doc.Find(`a[href="/commitments/4.1"]`).Length() != 0 {
		t.Errorf("searching for a word of the reply finds the commitment")
	}
	if _, doc := public.get("/commitments/4.1"); !strings.Contains(doc.Find("main").Text(), published) {
		t.Errorf("the public commitment page does not show the published %q", published)
	}
}

// priority4Slug returns the slug of the priority area of commitment 4.1.
func priority4Slug(t *testing.T, app *testApp) string {
	t.Helper()
	var slug string
	if err := app.Pool.QueryRow(t.Context(), `SELECT p.slug FROM priorities p JOIN commitments c ON c.priority_id = p.id
		JOIN plans pl ON pl.id = c.plan_id WHERE c.ref = '4.1' AND pl.is_current`).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	return slug
}

// TestCorrectWordingBeforePublishing: staff correct a word without returning the update; the
// partner sees what changed, before and after publishing; the public sees the corrected text.
func TestCorrectWordingBeforePublishing(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	staff := signIn(t, app, tracker.RoleStaff, "")
	const typo, fixed = "The first cohort started in Setpember.", "The first cohort started in September."
	mustRedirect(t, "submit", partner.post("/report/4.1", with(partner.openForm("4.1"), "action", "submit",
		"status", "delayed", "narrative", typo, "due_month", "9", "due_year", "2027")), "/report")
	u := openUpdate(t, app, partner, "4.1")
	page := fmt.Sprintf("/review/%d", u.ID)

	form := staff.reviewForm(u.ID, "correct")
	if form.Get("narrative") != typo {
		t.Fatalf("the correction form starts with %q, want the update's text", form.Get("narrative"))
	}
	rec, doc := staff.postDoc(page, with(form, "narrative", ""))
	if rec.Code != http.StatusUnprocessableEntity || doc.Find("#error-message-narrative").Length() == 0 {
		t.Errorf("an empty correction = %d, want 422 with the error at the field", rec.Code)
	}
	if rec := partner.post(page, with(form, "narrative", fixed)); rec.Code != http.StatusForbidden && rec.Code != http.StatusNotFound {
		t.Errorf("a partner correcting = %d, want 403 or 404", rec.Code)
	}
	rec = staff.post(page, with(form, "narrative", fixed))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), page) {
		t.Fatalf("correct = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	_, doc = staff.get(page)
	if got := doc.Find(".app-corrections").Text(); !strings.Contains(got, "Changed “Setpember.” to “September.”") || !strings.Contains(got, staff.User.Name) {
		t.Errorf("staff's corrections = %q", got)
	}
	_, doc = partner.get("/report/4.1")
	if got := doc.Find(".app-correction").Text(); !strings.Contains(got, "Changed “Setpember.” to “September.”") || strings.Contains(got, staff.User.Name) {
		t.Errorf("the partner's view of the corrections = %q (without the reviewer's name)", got)
	}

	mustRedirect(t, "publish", staff.post(page, staff.reviewForm(u.ID, "publish")), "/review")
	_, doc = partner.get("/report/4.1")
	if got := doc.Find(".app-corrections").Text(); !strings.Contains(got, "What staff changed before publishing your update") ||
		!strings.Contains(got, "Changed “Setpember.” to “September.”") {
		t.Errorf("after publishing, the partner's report page says %q", got)
	}
	checkNeverPublic(t, app, fixed, "Setpember", "What staff changed")
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'update.correct' AND record_id = $1`,
		fmt.Sprint(u.ID)).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries of the correction, %v", n, err)
	}
}

// TestKeptReply: a reply sent after the session ended is kept, and put back on the reply form
// once the partner signs in again, saved only when sent again.
func TestKeptReply(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	partner := signIn(t, app, tracker.RolePartner, "NES")
	staff := signIn(t, app, tracker.RoleStaff, "")
	u := returnedUpdate(t, app, partner, staff, "A cohort is delayed.", "Say which cohort.")
	_, doc := partner.get("/report/4.1/reply")
	form := with(formValues(t, doc, "main form"), "reply", "Cohort three, which starts in September.")
	app.clock.Advance(server.DefaultIdleTimeout)
	next := sentToSignIn(t, partner.post("/report/4.1/reply", form))
	rec := partner.post("/sign-in", url.Values{"email": {partner.User.Email}, "password": {partner.Password}, "next": {next}})
	mustStatus(t, "sign in again", rec, http.StatusSeeOther)
	rec, doc = partner.get(rec.Header().Get("Location"))
	mustStatus(t, "GET the reply put back", rec, http.StatusOK)
	if got := doc.Find("textarea#reply").Text(); got != form.Get("reply") {
		t.Errorf("reply put back = %q", got)
	}
	if got := notice(doc); !strings.Contains(got, "press Send reply again") {
		t.Errorf("banner = %q", got)
	}
	if thread, err := app.Store.Thread(t.Context(), u.ID); err != nil || len(thread) != 1 {
		t.Errorf("the conversation has %d messages after putting the reply back, want the note alone (%v)", len(thread), err)
	}
	mustRedirect(t, "send again", partner.post("/report/4.1/reply", formValues(t, doc, "main form")), "/report/4.1")
}
