package web

import (
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// GetUpdatesView is a "Get updates" page: how to follow a plan, priority area, commitment or
// organisation by email, with a feed or through the open data.
type GetUpdatesView struct {
	// Title names what is followed, such as "Commitment 4.2: ...".
	Title string
	// Path is the page of what is followed; Action the address the email form is sent to.
	Path, Action string
	// FeedURL is the absolute address of its Atom feed.
	FeedURL string
	// Data are the open data that hold it.
	Data []Link
	// Email and Frequency are what was typed, when the form comes back with Errors.
	Email     string
	Frequency string
	Errors    []FieldError
}

// AlertLinkView is a page opened by a link in an alert email: to confirm, to unsubscribe, or to
// manage every alert of the address.
type AlertLinkView struct {
	Token         string
	Email         string
	Subscriptions []tracker.Subscription
	// Done says the action has been taken.
	Done   bool
	Errors []FieldError
}

// frequencyOptions are the choices of how often to get emails.
func frequencyOptions() []Option {
	return []Option{
		{Value: string(tracker.FrequencyImmediate), Text: "At once", Hint: "An email each time something is published"},
		{Value: string(tracker.FrequencyDaily), Text: "Daily summary", Hint: "At most one email a day, listing what was published"},
	}
}

// preferenceOptions are the choices for a kind of email at /account.
func preferenceOptions() []Option {
	return []Option{
		{Value: string(tracker.FrequencyImmediate), Text: "At once"},
		{Value: string(tracker.FrequencyDaily), Text: "In a daily summary"},
	}
}

func frequencyText(f tracker.Frequency) string {
	if f == tracker.FrequencyDaily {
		return "daily summary"
	}
	return "at once"
}
