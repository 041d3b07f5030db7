package tracker

import "time"

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
	// NotBefore is the earliest time the email may be tried (again).
	NotBefore time.Time
	SentAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EmailKindReminder is the kind of a reporting round reminder.
const EmailKindReminder = "round_reminder"
