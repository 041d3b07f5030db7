package notify

import (
	"fmt"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Change is a published change that email alerts tell of: an update published on a commitment
// (which may change its status or expected date), or a new commitment.
type Change struct {
	BaseURL    string
	Plan       tracker.Plan
	Commitment tracker.Commitment
	// Update is the published update, for a change that is one; nil for a new commitment.
	Update *tracker.Update
	// StatusBefore and ExpectedBefore are the commitment's status and expected month before the
	// update was published ("" for none).
	StatusBefore, ExpectedBefore string
	ExpectedAfter                string
}

// Headline says what happened to which commitment, as a subject and a digest line say it.
func (ch Change) Headline() string {
	c := ch.Commitment
	if ch.Update == nil {
		return fmt.Sprintf("New commitment %s in priority area %d", c.Ref, c.PriorityNumber)
	}
	switch {
	case ch.StatusBefore != "" && ch.StatusBefore != string(ch.Update.Status):
		return fmt.Sprintf("Commitment %s is now %s", c.Ref, ch.Update.Status.Label())
	case ch.ExpectedAfter != ch.ExpectedBefore && ch.ExpectedAfter != "":
		return fmt.Sprintf("Commitment %s: expected date revised to %s", c.Ref, ch.ExpectedAfter)
	default:
		return fmt.Sprintf("Commitment %s: new progress update", c.Ref)
	}
}

func (ch Change) link() string { return ch.BaseURL + paths.Commitment(ch.Plan, ch.Commitment.Ref) }

func (ch Change) paras() []Para {
	c := ch.Commitment
	ps := []Para{{Text: fmt.Sprintf("Commitment %s: %s", c.Ref, c.Deliver)}}
	if u := ch.Update; u != nil {
		ps = append(ps, Para{Text: "Status: " + u.Status.Label() + "."})
		if ch.ExpectedAfter != ch.ExpectedBefore && ch.ExpectedAfter != "" {
			ps = append(ps, Para{Text: "Now expected by " + ch.ExpectedAfter + "."})
		}
		if n := strings.TrimSpace(u.Narrative); n != "" {
			ps = append(ps, Para{Text: "The update says:"}, Para{Quote: n})
		}
	} else {
		ps = append(ps, Para{Text: fmt.Sprintf("It is a new commitment in priority area %d, %s, due by the end of %s.",
			c.PriorityNumber, c.PriorityName, c.Due.String())})
	}
	return append(ps, Para{Text: "Read more on the commitment’s page:", Link: ch.link(), LinkText: "See commitment " + c.Ref})
}

// Links are the links every alert email carries: one to stop the alerts it was sent for, and one
// to manage every alert of the address.
type Links struct {
	Unsubscribe string
	Manage      string
}

func (l Links) footer(why string) []Para {
	return []Para{
		{Text: why},
		{Text: "Stop these emails:", Link: l.Unsubscribe, LinkText: "Unsubscribe"},
		{Text: "Change or stop all your email alerts:", Link: l.Manage, LinkText: "Manage your email alerts"},
		{Text: "Your email address is used only for these alerts, and deleted when you stop the last of them."},
	}
}

// Alert is the email telling a subscriber of one published change. about names what they
// follow that the change touches, such as "Priority area 4: Digital services".
func Alert(ch Change, about []string, l Links) Content {
	return Content{
		Subject: ch.Headline(),
		Paras:   ch.paras(),
		Footer:  l.footer("You get this email because you asked for emails about " + strings.Join(about, "; ") + " from Delivery Tracker."),
	}
}

// AlertDigest is a subscriber's daily summary of published changes.
func AlertDigest(items []DigestItem, l Links) Content {
	c := Content{
		Subject: "Daily summary from Delivery Tracker: " + count(len(items), "change", "changes") + " published",
		Paras:   []Para{{Text: "Published since your last summary:"}},
		Footer:  l.footer("You get this summary because you asked for a daily summary of changes from Delivery Tracker."),
	}
	for _, it := range items {
		c.Paras = append(c.Paras, Para{Text: it.Subject + ". " + it.Body, Link: it.Link})
	}
	return c
}

// AlertLine is a change as a line of a daily summary.
func AlertLine(ch Change) DigestItem {
	body := fmt.Sprintf("Commitment %s: %s", ch.Commitment.Ref, ch.Commitment.Deliver)
	return DigestItem{Subject: ch.Headline(), Body: body, Link: ch.link()}
}

// Confirm is the first email to an address that asked for alerts: nothing else is sent until its
// link is followed.
func Confirm(title string, f tracker.Frequency, link string) Content {
	how := "as each change is published"
	if f == tracker.FrequencyDaily {
		how = "in a daily summary"
	}
	return Content{
		Subject: "Confirm you want emails about " + title,
		Paras: []Para{
			{Text: fmt.Sprintf("Someone, we hope you, asked Delivery Tracker to email this address about %s, %s.", title, how)},
			{Text: "Confirm that you want these emails:", Link: link, LinkText: "Confirm your email alert"},
			{Text: "The link works for 7 days. If you did not ask for these emails, ignore this one: nothing more will be sent, and your address will be deleted after 7 days."},
		},
	}
}

// Target is what an alert follows, as people read it, and the path of its page.
type Target struct {
	Scope tracker.AlertScope
	ID    int64
	Title string
	Path  string
}

// ConfirmLink, UnsubscribeLink and ManageLink are the absolute addresses of the links in alert
// emails, with their tokens.
func ConfirmLink(base, token string) string { return paths.AlertLink(base, paths.AlertsConfirm, token) }

// UnsubscribeLink is the one-click unsubscribe address (RFC 8058) of an alert email.
func UnsubscribeLink(base, token string) string {
	return paths.AlertLink(base, paths.AlertsUnsubscribe, token)
}

// ManageLink opens the page of every alert of an address.
func ManageLink(base, token string) string { return paths.AlertLink(base, paths.AlertsManage, token) }
