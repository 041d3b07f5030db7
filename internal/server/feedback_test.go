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
	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// feedbackForm opens the feedback form at path (an address the page links to) and returns what
// sending it back as shown would send.
func (c *client) feedbackForm(path string) url.Values {
	c.t.Helper()
	rec, doc := c.get(path)
	if rec.Code != http.StatusOK {
		c.t.Fatalf("GET %s: status %d", path, rec.Code)
	}
	form := url.Values{}
	doc.Find(`main form[action="/feedback"] input`).Each(func(_ int, in *goquery.Selection) {
		name := in.AttrOr("name", "")
		switch in.AttrOr("type", "") {
		case "radio":
			if _, checked := in.Attr("checked"); checked {
				form.Set(name, in.AttrOr("value", ""))
			}
		default:
			form.Set(name, in.AttrOr("value", ""))
		}
	})
	doc.Find(`main form[action="/feedback"] textarea`).Each(func(_ int, ta *goquery.Selection) {
		form.Set(ta.AttrOr("name", ""), ta.Text())
	})
	return form
}

// storedFeedback returns all the feedback kept, newest first.
func storedFeedback(t *testing.T, app *testApp) []tracker.Feedback {
	t.Helper()
	list, _, err := app.Store.ListFeedback(t.Context(), postgres.FeedbackFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestFeedbackJourney follows "Is this page useful?" from a commitment's page to the form and
// the thanks, and checks what is kept: the page, the answer and the words, and nothing about
// who sent them.
func TestFeedbackJourney(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	_, doc := c.get("/commitments/4.2")
	no := doc.Find(".app-page-feedback a").FilterFunction(func(_ int, a *goquery.Selection) bool {
		return strings.HasPrefix(strings.TrimSpace(a.Text()), "No")
	})
	href := no.AttrOr("href", "")
	if href != "/feedback?path=%2Fcommitments%2F4.2&useful=no" {
		t.Fatalf("No leads to %q", href)
	}
	if banner := doc.Find(".ds_phase-banner a").AttrOr("href", ""); banner != "/feedback?path=%2Fcommitments%2F4.2" {
		t.Errorf("the phase banner's feedback link is %q", banner)
	}

	form := c.feedbackForm(href)
	if form.Get("path") != "/commitments/4.2" || form.Get("useful") != "no" || form.Get("website") != "" || form.Get("started") == "" {
		t.Fatalf("the form as shown: %v", form)
	}
	app.clock.Advance(20 * time.Second)
	form.Set("doing", "Looking for when 4.2 is due")
	form.Set("went_wrong", "I could not\r\nfind it")
	rec := c.post("/feedback", form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/feedback/thanks?path=%2Fcommitments%2F4.2" {
		t.Fatalf("sending: status %d, to %q", rec.Code, rec.Header().Get("Location"))
	}
	rec, doc = c.get(rec.Header().Get("Location"))
	if got := crumbs(doc); !slices.Equal(got, []string{"Home=/", "Thank you for your feedback"}) {
		t.Errorf("thanks: breadcrumbs %q", got)
	}
	if rec.Code != http.StatusOK || doc.Find("main h1").Text() != "Thank you for your feedback" ||
		doc.Find(`main a[href="/commitments/4.2"]`).Text() != "Go back to the page you were on" {
		t.Errorf("thanks: status %d, %q", rec.Code, doc.Find("main").Text())
	}
	if doc.Find(".app-page-feedback").Length() != 0 {
		t.Error("the thanks page asks whether it is useful")
	}

	got := storedFeedback(t, app)
	if len(got) != 1 {
		t.Fatalf("%d pieces of feedback kept, want 1", len(got))
	}
	f := got[0]
	if f.Page != "/commitments/4.2" || tracker.FeedbackAnswer(f.Useful) != "No" || f.Doing != "Looking for when 4.2 is due" ||
		f.WentWrong != "I could not\nfind it" || !f.CreatedAt.Equal(fixedNow.Add(20*time.Second)) {
		t.Errorf("kept %+v", f)
	}
	// Nothing about the sender: the table has no column for it, and nothing in the throttle
	// names the address.
	rows, _ := app.Pool.Query(t.Context(), `SELECT column_name FROM information_schema.columns WHERE table_name = 'feedback' ORDER BY column_name`)
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"created_at", "doing", "id", "page", "useful", "went_wrong"}; !slices.Equal(cols, want) {
		t.Errorf("the feedback table has columns %q, want %q", cols, want)
	}
	var keys []string
	rows, _ = app.Pool.Query(t.Context(), `SELECT key FROM sign_in_throttle`)
	if keys, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || strings.Contains(keys[0], "192.0.2") {
		t.Errorf("throttle keys %q: want one, without the address", keys)
	}
	if len(c.jar.Cookies(c.base)) != 0 {
		t.Errorf("giving feedback left cookies: %v", c.jar.Cookies(c.base))
	}
}

// TestFeedbackValidation sends forms that say nothing, too much or something that is not an
// answer: each comes back (422) with the error summary and what was typed, and nothing is kept.
func TestFeedbackValidation(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	shown := c.feedbackForm("/feedback?path=%2Fdata")
	app.clock.Advance(time.Minute)
	long := strings.Repeat("x", tracker.MaxFeedbackText+1)
	tests := []struct {
		name   string
		change map[string]string
		errors []string // the fields the error summary links to
	}{
		{"nothing said", nil, []string{"#useful"}},
		{"too long", map[string]string{"went_wrong": long, "useful": "yes"}, []string{"#went_wrong"}},
		{"not an answer", map[string]string{"useful": "perhaps", "doing": "Reading"}, []string{"#useful"}},
	}
	for _, tt := range tests {
		form := url.Values{}
		for k, v := range shown {
			form[k] = v
		}
		for k, v := range tt.change {
			form.Set(k, v)
		}
		rec, doc := c.postDoc("/feedback", form)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, rec.Code)
			continue
		}
		var links []string
		doc.Find(".ds_error-summary a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
		if !slices.Equal(links, tt.errors) {
			t.Errorf("%s: the error summary links to %q, want %q", tt.name, links, tt.errors)
		}
		if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
			t.Errorf("%s: title %q", tt.name, doc.Find("title").Text())
		}
		if doc.Find("textarea#went_wrong").Text() != form.Get("went_wrong") || doc.Find("textarea#doing").Text() != form.Get("doing") ||
			doc.Find(`input[name=started]`).AttrOr("value", "") != form.Get("started") {
			t.Errorf("%s: what was typed is lost", tt.name)
		}
	}
	if got := storedFeedback(t, app); len(got) != 0 {
		t.Errorf("kept %+v", got)
	}
}

// TestFeedbackSpam sends forms as programs do: with the hidden field filled in, at once, or with
// a time the portal did not sign. Each gets the thanks a person gets, and nothing is kept.
func TestFeedbackSpam(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	shown := c.feedbackForm("/feedback?path=%2F&useful=yes")
	for _, tt := range []struct {
		name    string
		advance time.Duration
		change  map[string]string
	}{
		{"the trap filled in", time.Minute, map[string]string{"website": "https://spam.example"}},
		{"sent at once", 0, nil},
		{"sent within a second", time.Second, nil},
		{"a time made up", time.Minute, map[string]string{"started": "1.abc"}},
		{"no time", time.Minute, map[string]string{"started": ""}},
	} {
		app.clock.Set(fixedNow.Add(tt.advance))
		form := url.Values{}
		for k, v := range shown {
			form[k] = v
		}
		form.Set("went_wrong", "Buy things at spam.example")
		for k, v := range tt.change {
			form.Set(k, v)
		}
		rec := c.post("/feedback", form)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/feedback/thanks?path=%2F" {
			t.Errorf("%s: status %d to %q, want the thanks a person gets", tt.name, rec.Code, rec.Header().Get("Location"))
		}
	}
	if got := storedFeedback(t, app); len(got) != 0 {
		t.Errorf("spam kept: %+v", got)
	}
	// The same form, sent by a person in good time, is kept.
	app.clock.Set(fixedNow.Add(tracker.FeedbackMinFill))
	if rec := c.post("/feedback", shown); rec.Code != http.StatusSeeOther || len(storedFeedback(t, app)) != 1 {
		t.Errorf("a person's feedback: status %d, %d kept", rec.Code, len(storedFeedback(t, app)))
	}
}

// TestFeedbackExpired sends a form opened more than a day ago: it comes back to be sent again,
// with what was typed, and can be sent again at once.
func TestFeedbackExpired(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	form := c.feedbackForm("/feedback")
	form.Set("doing", "Reading the plan")
	app.clock.Advance(tracker.FeedbackMaxAge + time.Minute)
	rec, doc := c.postDoc("/feedback", form)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(".ds_error-summary").Text(), "more than a day ago") ||
		doc.Find("textarea#doing").Text() != "Reading the plan" {
		t.Fatalf("status %d, %q", rec.Code, doc.Find(".ds_error-summary").Text())
	}
	again := doc.Find(`input[name=started]`).AttrOr("value", "")
	if again == form.Get("started") {
		t.Fatal("the form came back with the same time")
	}
	form.Set("started", again)
	if rec := c.post("/feedback", form); rec.Code != http.StatusSeeOther || len(storedFeedback(t, app)) != 1 {
		t.Errorf("sent again: status %d, %d kept", rec.Code, len(storedFeedback(t, app)))
	}
}

// TestFeedbackRateLimit sends more feedback from one client than it may: the 11th in an hour
// comes back (429, with Retry-After and what was typed), while another client's is kept, and the
// first client may send again an hour later.
func TestFeedbackRateLimit(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	form := c.feedbackForm("/feedback?path=%2Fcommitments&useful=no")
	app.clock.Advance(time.Minute)
	for i := range 10 {
		form.Set("doing", "Attempt "+strconv.Itoa(i+1))
		if rec := c.post("/feedback", form); rec.Code != http.StatusSeeOther {
			t.Fatalf("feedback %d: status %d", i+1, rec.Code)
		}
	}
	form.Set("doing", "One too many")
	rec, doc := c.postDoc("/feedback", form)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3600" ||
		!strings.Contains(doc.Find(".ds_error-summary").Text(), "Try again in 60 minutes") || doc.Find("textarea#doing").Text() != "One too many" {
		t.Errorf("the 11th: status %d, Retry-After %q, %q", rec.Code, rec.Header().Get("Retry-After"), doc.Find(".ds_error-summary").Text())
	}
	if n := len(storedFeedback(t, app)); n != 10 {
		t.Errorf("%d kept, want 10", n)
	}

	other := form.Get("started")
	req := c.request(http.MethodPost, "/feedback", url.Values{"started": {other}, "useful": {"yes"}, "path": {"/"}})
	req.RemoteAddr = "198.51.100.7:5000"
	if rec := c.do(req); rec.Code != http.StatusSeeOther {
		t.Errorf("another client: status %d", rec.Code)
	}
	app.clock.Advance(time.Hour)
	if rec := c.post("/feedback", form); rec.Code != http.StatusSeeOther {
		t.Errorf("an hour later: status %d", rec.Code)
	}
	if n := len(storedFeedback(t, app)); n != 12 {
		t.Errorf("%d kept, want 12", n)
	}
}

// TestFeedbackFromAnotherSite refuses the form posted from another site, as every form is.
func TestFeedbackFromAnotherSite(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	c := anonymous(t, app)
	form := c.feedbackForm("/feedback?path=%2F&useful=yes")
	app.clock.Advance(time.Minute)
	req := c.request(http.MethodPost, "/feedback", form)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := c.do(req); rec.Code != http.StatusForbidden {
		t.Errorf("status %d, want 403", rec.Code)
	}
	if n := len(storedFeedback(t, app)); n != 0 {
		t.Errorf("%d kept from another site", n)
	}
}
