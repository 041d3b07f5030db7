package tracker

// Status is how delivery of a commitment is going. The zero value means no update yet.
type Status string

// The statuses. Overdue is never a status: it is derived (see IsOverdue).
const (
	NoUpdate       Status = ""
	NotStarted     Status = "not_started"
	OnTrack        Status = "on_track"
	AtRisk         Status = "at_risk"
	Delayed        Status = "delayed"
	Delivered      Status = "delivered"
	Withdrawn      Status = "withdrawn"
	CarriedForward Status = "carried_forward"
)

// Statuses lists every status in the order the portal shows them.
var Statuses = []Status{NotStarted, OnTrack, AtRisk, Delayed, Delivered, Withdrawn, CarriedForward}

// ReportableStatuses are the statuses a delivery partner may choose.
var ReportableStatuses = []Status{NotStarted, OnTrack, AtRisk, Delayed, Delivered}

// ParseStatus returns the status named by s, or false if s names none.
func ParseStatus(s string) (Status, bool) { return parse(s, Statuses) }

var statusLabels = labels[Status]{NotStarted: "Not started", OnTrack: "On track", AtRisk: "At risk",
	Delayed: "Delayed", Delivered: "Delivered", Withdrawn: "Withdrawn", CarriedForward: "Carried forward"}

// Label returns the status as people read it.
func (s Status) Label() string { return statusLabels.of(s, "No update yet") }

// Open reports whether delivery is still expected: the status is not Delivered, Withdrawn or
// Carried forward.
func (s Status) Open() bool {
	return s != Delivered && s != Withdrawn && s != CarriedForward
}

// StaffOnly reports whether only staff may set the status, with a reason.
func (s Status) StaffOnly() bool {
	return s == Withdrawn || s == CarriedForward
}
