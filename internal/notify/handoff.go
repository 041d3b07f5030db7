package notify

import (
	"fmt"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Handoff is what an email at a hand-off is about: an update on a commitment of a plan, and the
// person it goes to.
type Handoff struct {
	BaseURL    string
	Plan       tracker.Plan
	Commitment tracker.Commitment
	Update     tracker.Update
	// To is the name of the person the email goes to.
	To string
	// Note is the reviewer's note (returned), the partner's reply to it (reply) or staff's answer
	// (answer).
	Note string
	// From names who acted: the organisation that submitted, or the partner who replied.
	From string
}

// commitmentName is the commitment as subjects and sentences name it.
func commitmentName(c tracker.Commitment) string { return "commitment " + c.Ref }

func preferencesFooter(base, why string) []Para {
	return []Para{{Text: why + " Choose whether to get these emails at once or in a daily summary on your account page:",
		Link: base + paths.Account}}
}

// handoffEmail is an email at a hand-off: its subject names the commitment, and its footer says
// why the person gets it (why finishes "You get this email because").
func handoffEmail(h Handoff, subject, why string, paras ...Para) Content {
	return Content{
		Subject:  subject + ": " + commitmentName(h.Commitment),
		Greeting: "Dear " + h.To + ",",
		Paras:    paras,
		Footer:   preferencesFooter(h.BaseURL, "You get this email because "+why),
	}
}

// reportsOnIt is why partners get the emails about their organisation's updates.
const reportsOnIt = "your organisation reports on this commitment."

// Submitted is the email to a reviewer when an update is submitted, or submitted again after it
// was returned.
func Submitted(h Handoff) Content {
	verb := "submitted"
	if h.Update.ReturnedAt != nil {
		verb = "resubmitted"
	}
	from := h.Update.OrganisationName
	if from == "" {
		from = "A member of staff"
	}
	return handoffEmail(h, "Update "+verb+" for review", "you review updates.",
		Para{Text: fmt.Sprintf("%s has %s an update on %s for review: %s", from, verb, commitmentName(h.Commitment), h.Commitment.Deliver)},
		Para{Text: "It gives the status " + h.Update.Status.Label() + "."},
		Para{Text: "Publish it, or return it with a note:", Link: h.BaseURL + paths.Review(h.Update.ID), LinkText: "Review the update"})
}

// Returned is the email to a partner when a reviewer returns their organisation's update.
func Returned(h Handoff) Content {
	return handoffEmail(h, "Update returned with a note", reportsOnIt,
		Para{Text: fmt.Sprintf("A reviewer has returned your organisation’s update on %s (%s) with this note:", commitmentName(h.Commitment), h.Commitment.Deliver)},
		Para{Quote: h.Note},
		Para{Text: "Change the update and submit it again:", Link: h.BaseURL + paths.ReportIn(h.Plan, h.Commitment.Ref), LinkText: "Change the update"})
}

// Published is the email to a partner when their organisation's update is published.
func Published(h Handoff) Content {
	return handoffEmail(h, "Update published", reportsOnIt,
		Para{Text: fmt.Sprintf("Your organisation’s update on %s (%s) has been published. It gives the status %s.",
			commitmentName(h.Commitment), h.Commitment.Deliver, h.Update.Status.Label())},
		Para{Text: "Everyone can now read it on the commitment’s public page:", Link: h.BaseURL + paths.Commitment(h.Plan, h.Commitment.Ref),
			LinkText: "See the commitment’s page"})
}

// Reply is the email to the reviewer who returned an update when a partner replies to the note.
func Reply(h Handoff) Content {
	return handoffEmail(h, "Reply to your return note", "you returned this update.",
		Para{Text: fmt.Sprintf("%s replied to the note you wrote when you returned the update on %s (%s):", h.From, commitmentName(h.Commitment), h.Commitment.Deliver)},
		Para{Quote: h.Note},
		Para{Text: "Read the update and the conversation:", Link: h.BaseURL + paths.Review(h.Update.ID), LinkText: "Open the update"})
}

// Answer is the email to a partner when staff answer in the conversation about their
// organisation's returned update. Partners read staff's messages as from Scottish Government
// staff, without a name, as in the conversation itself.
func Answer(h Handoff) Content {
	next := "Read the conversation, and change the update and submit it again:"
	if h.Update.State != tracker.StateReturned {
		next = "Read the conversation with the update, which is waiting for review again:"
	}
	return handoffEmail(h, "Answer about your returned update", reportsOnIt,
		Para{Text: fmt.Sprintf("Scottish Government staff answered in the conversation about your organisation’s returned update on %s (%s):", commitmentName(h.Commitment), h.Commitment.Deliver)},
		Para{Quote: h.Note},
		Para{Text: next, Link: h.BaseURL + paths.ReportIn(h.Plan, h.Commitment.Ref), LinkText: "Open the update"})
}

// ResetLink is the email carrying a password reset link, or a new invitation to a user who has
// not set a password yet.
func ResetLink(name string, purpose tracker.TokenPurpose, link string) Content {
	if purpose == tracker.TokenReset {
		return Content{
			Subject:  "Reset your Delivery Tracker password",
			Greeting: "Dear " + name + ",",
			Paras: []Para{
				{Text: "Use this link to choose a new password for Delivery Tracker:", Link: link, LinkText: "Choose a new password"},
				{Text: "The link works once, within 1 hour. If you did not ask for it, you can ignore this email: your password has not changed."},
			},
		}
	}
	return Content{
		Subject:  "Your Delivery Tracker account",
		Greeting: "Dear " + name + ",",
		Paras: []Para{
			{Text: "An account has been created for you on Delivery Tracker, where progress on Scotland’s digital health and care delivery plan is reported."},
			{Text: "Use this link to set your password:", Link: link, LinkText: "Set your password"},
			{Text: "The link works once, within 7 days."},
		},
	}
}

// DigestItem is one line of a daily summary.
type DigestItem struct {
	Subject string
	Body    string
	Link    string
}

// Digest is a person's daily summary of the emails they chose to have so.
func Digest(base, name string, items []DigestItem) Content {
	c := Content{
		Subject:  "Your daily summary from Delivery Tracker: " + count(len(items), "thing needs", "things need") + " you",
		Greeting: "Dear " + name + ",",
		Paras:    []Para{{Text: "Since your last summary:"}},
		Footer:   preferencesFooter(base, "You get this summary because you chose a daily summary for some emails."),
	}
	for _, it := range items {
		c.Paras = append(c.Paras, Para{Text: it.Subject + ". " + it.Body, Link: it.Link})
	}
	return c
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
