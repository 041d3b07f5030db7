package web

import (
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestPageFeedback asks "Is this page useful?" on every page the server gives a feedback link,
// with Yes and No leading to the form about the page, and not on the feedback pages themselves.
func TestPageFeedback(t *testing.T) {
	doc := render(t, page(LayoutProps{CurrentPath: "/commitments/4.2", FeedbackURL: "/feedback?path=%2Fcommitments%2F4.2"}, "<h1>4.2</h1>"))
	box := doc.Find("section.app-page-feedback")
	if box.Length() != 1 || box.Find("h2").Text() != "Is this page useful?" {
		t.Fatalf("no question: %q", box.Text())
	}
	if box.Closest("main").Length() != 0 || box.Closest("footer").Length() != 0 {
		t.Error("the question is inside the main content or the footer")
	}
	yes, no := box.Find(`a[href="/feedback?path=%2Fcommitments%2F4.2&useful=yes"]`), box.Find(`a[href="/feedback?path=%2Fcommitments%2F4.2&useful=no"]`)
	if strings.Join(strings.Fields(yes.Text()), " ") != "Yes this page is useful" || strings.Join(strings.Fields(no.Text()), " ") != "No this page is not useful" {
		t.Errorf("answers %q and %q", yes.Text(), no.Text())
	}
	if yes.Find(".visually-hidden").Text() != " this page is useful" {
		t.Errorf("the hidden words of Yes run into it: %q", yes.Find(".visually-hidden").Text())
	}
	if box.Find(`a[href="/feedback?path=%2Fcommitments%2F4.2"]`).Text() != "Report a problem with this page" {
		t.Error("no way to report a problem with the page")
	}
	if doc.Find(".ds_phase-banner a[href='/feedback?path=%2Fcommitments%2F4.2']").Text() != "feedback" {
		t.Error("the phase banner's feedback link is not about the page")
	}

	for _, path := range []string{"/feedback", "/feedback/thanks"} {
		if render(t, page(LayoutProps{CurrentPath: path, FeedbackURL: "/feedback"}, "")).Find(".app-page-feedback").Length() != 0 {
			t.Errorf("%s asks whether it is useful", path)
		}
	}
	if render(t, page(LayoutProps{CurrentPath: "/"}, "")).Find(".app-page-feedback").Length() != 0 {
		t.Error("a page without a feedback link asks whether it is useful")
	}
}

// TestFeedbackForm shows the form with what was typed, the answer chosen, and the trap for
// programs hidden from people.
func TestFeedbackForm(t *testing.T) {
	doc := render(t, FeedbackPage(LayoutProps{}, FeedbackView{Page: "/commitments/4.2", Useful: "no", Doing: xss, WentWrong: "It\nbroke",
		Started: "123.abc", Errors: []FieldError{{Field: "went_wrong", Message: "Too long"}}}))
	if got := doc.Find("title").Text(); got != "Error: Give feedback – Delivery Tracker" {
		t.Errorf("title %q", got)
	}
	form := doc.Find(`main form[method="post"][action="/feedback"]`)
	if form.Find(`input[type=hidden][name=path]`).AttrOr("value", "") != "/commitments/4.2" ||
		form.Find(`input[type=hidden][name=started]`).AttrOr("value", "") != "123.abc" {
		t.Error("the page or the time shown is not carried")
	}
	if !form.Find(`input[name=useful][value=no]`).Is("[checked]") || form.Find(`input[name=useful][value=yes]`).Is("[checked]") {
		t.Error("No is not the answer chosen")
	}
	if form.Find("textarea#doing").Text() != xss || form.Find("textarea#went_wrong").Text() != "It\nbroke" {
		t.Error("what was typed is not shown back")
	}
	if doc.Find("body script:not([src])").Length() != 0 {
		t.Error("what was typed is not escaped")
	}
	if doc.Find(".ds_error-summary a[href='#went_wrong']").Text() != "Too long" {
		t.Error("no error summary")
	}
	trap := form.Find(`input[name=website]`)
	wrapper := trap.Parent()
	if trap.AttrOr("tabindex", "") != "-1" || trap.AttrOr("autocomplete", "") != "off" || trap.AttrOr("value", "x") != "" ||
		wrapper.AttrOr("aria-hidden", "") != "true" || !wrapper.HasClass("app-trap") {
		t.Errorf("the trap can be reached by people: %s", must(goqueryOuter(wrapper)))
	}

	// About no page in particular: no question about the page.
	if render(t, FeedbackPage(LayoutProps{}, FeedbackView{})).Find(`input[name=useful]`).Length() != 0 {
		t.Error("the form about the service asks whether a page is useful")
	}
}

// TestAdminFeedbackPage lists feedback with its answers in words, escaped, linking each page to
// its own feedback, and the download of the same filter.
func TestAdminFeedbackPage(t *testing.T) {
	yes := true
	at := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	doc := render(t, AdminFeedbackPage(LayoutProps{}, AdminFeedbackView{Page: "/commitments/4.2", Typed: "/commitments/4.2", Total: 2, Current: 1, Pages: 1,
		Feedback: []tracker.Feedback{{Page: "/commitments/4.2", Useful: &yes, CreatedAt: at}, {Page: "/commitments/4.2", WentWrong: xss, CreatedAt: at}}}))
	items := doc.Find(".app-feedback-list__item")
	if items.Length() != 2 || items.First().Find("h2").Text() != "6 December 2026 at 09:30" {
		t.Fatalf("%d items, first %q", items.Length(), items.First().Find("h2").Text())
	}
	if !strings.Contains(items.First().Text(), "Yes") || !strings.Contains(items.Eq(1).Text(), "Not answered") {
		t.Error("answers not in words")
	}
	if items.Eq(1).Find("script").Length() != 0 || !strings.Contains(items.Eq(1).Text(), xss) {
		t.Error("feedback not escaped")
	}
	if items.First().Find(`a[href="/admin/feedback?path=%2Fcommitments%2F4.2"]`).Length() != 1 {
		t.Error("a page does not link to its feedback")
	}
	if doc.Find(`a[href="/admin/feedback.csv?path=%2Fcommitments%2F4.2"]`).Length() != 1 {
		t.Error("no download of the filtered feedback")
	}
}

func goqueryOuter(s interface{ Html() (string, error) }) (string, error) { return s.Html() }

func must(s string, _ error) string { return s }

func TestDurationWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1 second", 5 * time.Minute: "5 minutes", time.Hour: "1 hour", 24 * time.Hour: "24 hours",
		12*time.Hour + 30*time.Minute: "12 hours and 30 minutes", 7 * 24 * time.Hour: "7 days",
		2 * 365 * 24 * time.Hour: "2 years", 90 * 24 * time.Hour: "90 days",
	} {
		if got := DurationWords(d); got != want {
			t.Errorf("DurationWords(%v) = %q, want %q", d, got, want)
		}
	}
}
