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
func ParseStatus(s string) (Status, bool) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, true
		}
	}
	return NoUpdate, false
}

// Label returns the status as people read it.
func (s Status) Label() string {
	switch s {
	case NotStarted:
		return "Not started"
	case OnTrack:
		return "On track"
	case AtRisk:
		return "At risk"
	case Delayed:
		return "Delayed"
	case Delivered:
		return "Delivered"
	case Withdrawn:
		return "Withdrawn"
	case CarriedForward:
		return "Carried forward"
	default:
		return "No update yet"
	}
}

// Open reports whether delivery is still expected: the status is not Delivered, Withdrawn or
// Carried forward.
func (s Status) Open() bool {
	return s != Delivered && s != Withdrawn && s != CarriedForward
}

// StaffOnly reports whether only staff may set the status, with a reason.
func (s Status) StaffOnly() bool {
	return s == Withdrawn || s == CarriedForward
}
