package web

import (
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// FeedbackView is the feedback form, as shown or as sent back with errors.
type FeedbackView struct {
	// Page is the path of the page the feedback is about, or "" for the service as a whole.
	Page      string
	Useful    string // "yes", "no" or ""
	Doing     string
	WentWrong string
	// Started is the signed time the form was first shown (see tracker.SignFormTime).
	Started string
	Errors  []FieldError
}

// FeedbackThanksView is the page thanking a visitor for feedback.
type FeedbackThanksView struct {
	// Page is the path of the page the feedback was about, to go back to, or "".
	Page string
}

// AdminFeedbackView is the feedback staff read, one page of it at a time.
type AdminFeedbackView struct {
	// Page is the path the list is filtered to, or "" for every page; Typed is the filter as
	// typed, when it is not a page of this site.
	Page     string
	Typed    string
	Feedback []tracker.Feedback
	Total    int
	Current  int
	Pages    int
	Errors   []FieldError
}

// showsPageFeedback reports whether a page asks "Is this page useful?": every page the server
// gives a feedback link, except the feedback form and its thank-you page.
func (p LayoutProps) showsPageFeedback() bool {
	return p.FeedbackURL != "" && p.CurrentPath != paths.Feedback && !strings.HasPrefix(p.CurrentPath, paths.Feedback+"/")
}

// feedbackAnswerText is the answer to "Is this page useful?" as staff read it.
func feedbackAnswerText(useful *bool) string {
	if a := tracker.FeedbackAnswer(useful); a != "" {
		return a
	}
	return "Not answered"
}

// homeCrumbs are the breadcrumbs of a page about the service: home, then the page.
func homeCrumbs(title string) []Breadcrumb {
	return []Breadcrumb{{Text: "Home", Href: paths.Home}, {Text: title}}
}
