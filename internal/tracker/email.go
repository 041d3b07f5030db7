package tracker

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// EmailStatus is where an email in the outbox is in its journey.
type EmailStatus string

// The statuses of an email in the outbox.
const (
	// EmailPending is waiting to be sent, or to be tried again after a failure.
	EmailPending EmailStatus = "pending"
	// EmailSent was handed to the mail server.
	EmailSent EmailStatus = "sent"
	// EmailFailed could not be sent after every attempt.
	EmailFailed EmailStatus = "failed"
	// EmailSkipped was not sent because no mail server is configured: the outbox shows what
	// would have been sent.
	EmailSkipped EmailStatus = "skipped"
)

// EmailStatuses lists every status.
var EmailStatuses = []EmailStatus{EmailPending, EmailSent, EmailFailed, EmailSkipped}

// ParseEmailStatus returns the status named by s, or false if s names none.
func ParseEmailStatus(s string) (EmailStatus, bool) { return parse(s, EmailStatuses) }

// Label returns the status as people read it.
func (s EmailStatus) Label() string { return emailStatusLabels.of(s, string(s)) }

var emailStatusLabels = labels[EmailStatus]{EmailPending: "Waiting to send", EmailSent: "Sent",
	EmailFailed: "Failed", EmailSkipped: "Not sent"}

// Email is a message in the outbox, such as a reporting round reminder.
type Email struct {
	ID        int64
	Kind      string
	Recipient string
	Subject   string
	Body      string
	Status    EmailStatus
	Attempts  int
	// LastError says why the last attempt did not send the email, in words fit for staff.
	LastError string
	// RoundID, Reminder and UserID say which round's reminder this is, and for whom.
	RoundID   *int64
	RoundName string
	Reminder  string
	UserID    *int64
	// HTML is the HTML part, beside Body, the plain text; empty for a plain-text email.
	HTML string
	// ListUnsubscribe is the one-click unsubscribe address of an alert (RFC 8058), or "".
	ListUnsubscribe string
	// SubscriberID and SubscriptionIDs say which alert address and subscriptions an alert email
	// is for.
	SubscriberID    *int64
	SubscriptionIDs []int64
	// NotBefore is the earliest time the email may be tried (again).
	NotBefore time.Time
	SentAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// The kinds of email the portal sends.
const (
	// EmailKindReminder is a reporting round reminder.
	EmailKindReminder = "round_reminder"
	// EmailKindSubmitted tells reviewers that an update was submitted (or resubmitted).
	EmailKindSubmitted = "update_submitted"
	// EmailKindReturned tells an organisation's partners that their update was returned.
	EmailKindReturned = "update_returned"
	// EmailKindPublished tells an organisation's partners that their update was published.
	EmailKindPublished = "update_published"
	// EmailKindReply tells a reviewer that a partner replied to their return note.
	EmailKindReply = "return_reply"
	// EmailKindAnswer tells an organisation's partners that staff answered in the conversation
	// about their returned update.
	EmailKindAnswer = "reply_answer"
	// EmailKindReset carries a password reset link (or a new invitation).
	EmailKindReset = "password_reset"
	// EmailKindDigest is a person's daily summary of the emails they chose to have so.
	EmailKindDigest = "daily_summary"
	// EmailKindAlertConfirm asks the owner of an address to confirm an email alert.
	EmailKindAlertConfirm = "alert_confirm"
	// EmailKindAlert tells an alert's subscriber of a published change.
	EmailKindAlert = "alert"
	// EmailKindAlertDigest is an alert subscriber's daily summary.
	EmailKindAlertDigest = "alert_summary"
)

// About says what the email is, in words, for staff reading the outbox.
func (e Email) About() string {
	switch e.Kind {
	case EmailKindReminder:
		if m, ok := ParseReminderKey(e.Reminder); ok {
			if m.Days == 0 {
				return "Reminder on the deadline"
			}
			return "Reminder " + m.Label()
		}
		return "Reporting round reminder"
	case EmailKindAlertConfirm:
		return "Confirm an email alert"
	case EmailKindAlert:
		return "Email alert"
	case EmailKindAlertDigest:
		return "Daily summary of email alerts"
	}
	if l := EmailKindLabel(e.Kind); l != "" {
		return l
	}
	return e.Kind
}

// EmailKindLabel names a kind of email a person may receive at once or in a daily summary, or
// returns "" for another kind.
func EmailKindLabel(kind string) string {
	switch kind {
	case EmailKindSubmitted:
		return "An update is submitted for review"
	case EmailKindReply:
		return "A partner replies to your return note"
	case EmailKindReturned:
		return "An update is returned to your organisation"
	case EmailKindAnswer:
		return "Staff answer in the conversation about a returned update"
	case EmailKindPublished:
		return "An update from your organisation is published"
	case EmailKindReset:
		return "Password reset link"
	case EmailKindDigest:
		return "Daily summary"
	}
	return ""
}

// PreferenceKinds lists the kinds of email a user with the role receives and may choose to have
// at once or in a daily summary.
func PreferenceKinds(r Role) []string {
	if r == RolePartner {
		return []string{EmailKindReturned, EmailKindAnswer, EmailKindPublished}
	}
	return []string{EmailKindSubmitted, EmailKindReply}
}

// ParseReminderKey reads a reminder's key, such as "before-7" (see Reminder.Key).
func ParseReminderKey(key string) (Reminder, bool) {
	when, days, ok := strings.Cut(key, "-")
	n, err := strconv.Atoi(days)
	if !ok || err != nil || n < 0 || (when != "before" && when != "after") {
		return Reminder{}, false
	}
	return Reminder{Days: n, After: when == "after"}, true
}

// tokenInLink finds the token of a single-use or alert link in an email.
var tokenInLink = regexp.MustCompile(`([?&](?:token|t)=)[A-Za-z0-9_%-]+`)

// RedactLinks hides the tokens of the links in an email's text, so that staff reading the outbox
// cannot use a reset link or unsubscribe someone.
func RedactLinks(s string) string {
	return tokenInLink.ReplaceAllString(s, "${1}(hidden)")
}
