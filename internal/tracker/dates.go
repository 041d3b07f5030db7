package tracker

import (
	"slices"
	"strconv"
	"time"
)

// The fields of the report form with which a person confirms, on purpose, that a commitment is on
// track for a month later than it was due, and says why.
const (
	FieldOnTrackConfirm = "on_track_confirm"
	FieldOnTrackReason  = "on_track_reason"
)

// MaxOnTrackReason is the most characters the reason a commitment is on track for a later month
// may have.
const MaxOnTrackReason = 1000

// CheckExpected is the rule for the month an update says a commitment is now expected by, at now:
// it may not be before the current month, except for a delivered commitment, where it is the
// month of delivery, which may not be after the current month. It returns the message for what
// is wrong, or "".
func CheckExpected(s Status, expected Month, now time.Time) string {
	current := CurrentMonth(now)
	if s == Delivered {
		if current.Before(expected) {
			return "For a delivered commitment, enter the month it was delivered: " + current.String() + " or earlier"
		}
		return ""
	}
	if expected.Before(current) {
		return "Revised expected delivery date must be " + current.String() + " or later"
	}
	return ""
}

// OnTrackLater reports whether a report says On track while giving a month later than the month
// the commitment was due: something the person must confirm on purpose, with a reason, or change
// to At risk or Delayed.
func OnTrackLater(s Status, expected *Month, due Month) bool {
	return s == OnTrack && expected != nil && due.Before(*expected)
}

// onTrackLaterMessage asks the person to choose At risk or Delayed, or to confirm.
func onTrackLaterMessage(expected, due Month) string {
	return "On track means delivery by the month it was due, " + due.String() + ". Select At risk or Delayed, or confirm that it is on track for " +
		expected.String() + " and say why"
}

// CheckReportDates checks that a report's status and months agree, at now, for a commitment due
// in due, and takes the confirmation that it is on track for a later month from what was typed
// into r.OnTrackReason. It adds nothing for a status or month already found wrong (errs), so that
// a person is told one thing at a time about each. It returns the messages, in the form's order.
func CheckReportDates(r *Report, in ReportInput, due Month, now time.Time, errs []FieldError) []FieldError {
	var out []FieldError
	wrong := func(field string) bool {
		for _, e := range errs {
			if e.Field == field {
				return true
			}
		}
		return false
	}
	r.OnTrackReason = ""
	if wrong(FieldStatus) || wrong(FieldDueMonth) || r.Expected == nil {
		return nil
	}
	if msg := CheckExpected(r.Status, *r.Expected, now); msg != "" {
		return append(out, FieldError{Field: FieldDueMonth, Message: msg})
	}
	if !OnTrackLater(r.Status, r.Expected, due) {
		return nil
	}
	if in.OnTrackConfirm != Yes {
		return append(out, FieldError{Field: FieldOnTrackConfirm, Message: onTrackLaterMessage(*r.Expected, due)})
	}
	r.OnTrackReason = normaliseText(in.OnTrackReason)
	enter := "Enter why the commitment is on track for " + r.Expected.String() + ", " + MonthsApart(due, *r.Expected) + " later than it was due"
	if msg := checkReportText(r.OnTrackReason, "Reason", enter, MaxOnTrackReason); msg != "" {
		out = append(out, FieldError{Field: FieldOnTrackReason, Message: msg})
	}
	return out
}

// Yes is the value of a ticked checkbox that says yes.
const Yes = "yes"

// CheckDates is CheckReportDates on a report already checked, as the store applies it when the
// report is written at now: it returns an EINVALID error about the field, or nil.
func CheckDates(r Report, due Month, now time.Time) error {
	if r.Expected == nil {
		return nil
	}
	if msg := CheckExpected(r.Status, *r.Expected, now); msg != "" {
		return Invalid(FieldDueMonth, "%s", msg)
	}
	if OnTrackLater(r.Status, r.Expected, due) && r.OnTrackReason == "" {
		return Invalid(FieldOnTrackConfirm, "%s", onTrackLaterMessage(*r.Expected, due))
	}
	return nil
}

// monthsAfter returns how many months to lies after from: negative when it is before.
func monthsAfter(from, to Month) int {
	return (to.Year-from.Year)*12 + int(to.Month) - int(from.Month)
}

// MonthsApart says how far apart two months are, in months: "1 month", "18 months".
func MonthsApart(a, b Month) string {
	n := monthsAfter(a, b)
	if n < 0 {
		n = -n
	}
	if n == 1 {
		return "1 month"
	}
	return strconv.Itoa(n) + " months"
}

// ExpectedWording says when a commitment due in due is now expected, in plain words: "Due March
// 2026", or, where a revised month was published, "Expected September 2027 (was March 2026, 18
// months later)".
func ExpectedWording(expected *Month, due Month) string {
	if expected == nil || *expected == due {
		return "Due " + due.String()
	}
	return "Expected " + RevisedWording(*expected, due)
}

// RevisedWording is a revised month beside the month it replaces, for a place already headed
// "Expected": "September 2027 (was March 2026, 18 months later)", or the month alone where they
// are the same.
func RevisedWording(expected, due Month) string {
	if expected == due {
		return expected.String()
	}
	way := "later"
	if expected.Before(due) {
		way = "earlier"
	}
	return expected.String() + " (was " + due.String() + ", " + MonthsApart(due, expected) + " " + way + ")"
}

// ExpectedWording says when the commitment is now expected, in plain words (see the function
// ExpectedWording).
func (c Commitment) ExpectedWording() string { return ExpectedWording(c.Expected, c.Due) }

// LastReported says, for the public, what status was last reported on the commitment, when and
// where: "Last reported On track on 3 June 2025, by NHS Education for Scotland", or "Last
// reported On track in the Delivery Plan 2025-26". An overdue commitment shows it beside the
// Overdue tag, so that the two never seem to contradict each other.
func (c Commitment) LastReported() string {
	if c.Status == NoUpdate || c.Reported == nil {
		return "No progress has been reported yet"
	}
	s := "Last reported " + c.Status.Label()
	r := c.Reported
	switch {
	case r.At != nil:
		s += " on " + InUK(*r.At).Format("2 January 2006")
		if r.By != "" {
			s += ", by " + r.By
		}
	case r.Period != "":
		s += " in the " + PlanName(r.Period)
	}
	return s
}

// OverdueWhy says, for the public, why an overdue commitment is overdue whatever it last
// reported: "December 2025, the month it was expected by, has passed and it has not been
// delivered."
func (c Commitment) OverdueWhy() string {
	return c.ExpectedBy().String() + ", the month it was expected by, has passed and it has not been reported delivered."
}

// reportFieldOrder is the order in which the report form asks its questions.
var reportFieldOrder = []string{FieldStatus, FieldStatusReason, FieldCarriedForwardTo, FieldNarrative, FieldDueMonth,
	FieldOnTrackConfirm, FieldOnTrackReason, FieldEvidenceURL}

// ParseReportFor is ParseReport for a commitment due in due, at now: it also checks that the
// status and the revised month agree (CheckReportDates). The messages are in the form's order.
func ParseReportFor(in ReportInput, staff bool, due Month, now time.Time) (Report, []FieldError) {
	r, errs := ParseReport(in, staff)
	errs = append(errs, CheckReportDates(&r, in, due, now, errs)...)
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		return slices.Index(reportFieldOrder, a.Field) - slices.Index(reportFieldOrder, b.Field)
	})
	return r, errs
}

// CheckPublishDates is the rule for the month of an update about to be published at now: one
// that was in order when submitted may have passed while it waited for review. It returns an
// EINVALID error about the reviewer's note, since returning the update to its partner, saying so,
// is the way on; or nil.
func CheckPublishDates(u Update, now time.Time) error {
	if u.Expected == nil || CheckExpected(u.Status, *u.Expected, now) == "" {
		return nil
	}
	return Invalid(FieldNote, "This update expects delivery in %s, which has passed. Return it to the partner to give %s or later",
		u.Expected, CurrentMonth(now))
}
