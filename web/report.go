package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// ReportListView is what /report shows: the commitments an organisation leads, how each is
// going and where the organisation's own update on each stands.
type ReportListView struct {
	Plan tracker.Plan
	// Organisation is whose commitments are listed; nil when staff list every commitment.
	Organisation *tracker.Organisation
	// Staff is true for Scottish Government staff, who may list any organisation's commitments
	// (Organisations) and report on any commitment.
	Staff         bool
	Organisations []tracker.Organisation
	Rows          []ReportRow
	// Round, when a reporting round is open, says which of the listed commitments still need an
	// update in it.
	Round *ReportRoundView
	// Earlier lists, for each plan that is no longer current, the work still to finish on its
	// commitments: updates in progress, and the commitments its round still open asks for.
	Earlier []ReportEarlierView
}

// ReportEarlierView is the work still to finish on the commitments of a plan that is no longer
// current.
type ReportEarlierView struct {
	Plan  tracker.Plan
	Rows  []ReportRow
	Round *ReportRoundView
}

// ReportRow is a commitment on /report.
type ReportRow struct {
	CommitmentRow
	// ReportURL is where its progress report form is.
	ReportURL string
	// Open is the update of the organisation (or, for staff, their own) in progress, if any.
	Open *tracker.Update
	// UpdateDue is true when nothing has been published on it for 90 days.
	UpdateDue bool
}

// ReportForm is the progress report form, every field as typed, with the hidden fields that say
// what the form was based on.
type ReportForm struct {
	tracker.ReportInput
	// Version is the commitment's version the form was based on, Seen the highest submission it
	// knew of, UpdateID and UpdateVersion the update being edited ("" for a new one).
	Version       string
	Seen          string
	UpdateID      string
	UpdateVersion string
}

// ReportFormView is what /report/{ref} shows.
type ReportFormView struct {
	Plan tracker.Plan
	Row  CommitmentRow
	// Staff shows the statuses only staff may set, their reason fields and the Publish button.
	Staff  bool
	Form   ReportForm
	Errors []FieldError
	// Open is the update being edited, with its state and any review note.
	Open *tracker.Update
	// Latest is the newest published update, for reference.
	Latest *tracker.Update
	// Conflict, when set, says what changed since the form was opened.
	Conflict *ConflictView
	// Action is where the form posts.
	Action string
	// EarlierOpen, when set, is the commitment of an earlier plan this one continues, on which
	// the user's update is still in progress, to finish there.
	EarlierOpen *LinkedCommitment
	// Private is what the user's organisation (or staff) may read about the open update and the
	// latest published one, and the public never does: the conversation about a return note and
	// staff's corrections of the wording.
	Private PrivateView
}

// askOnTrackLater reports whether the form asks for confirmation that the commitment is on track
// for a later month: it came back asking for it, or it was given before.
func (v ReportFormView) askOnTrackLater() bool {
	return ErrorFor(v.Errors, tracker.FieldOnTrackConfirm) != "" || ErrorFor(v.Errors, tracker.FieldOnTrackReason) != "" ||
		v.Form.OnTrackConfirm != "" || v.Form.OnTrackReason != ""
}

// ConflictView says what changed since a form was opened.
type ConflictView struct {
	Message    string
	Commitment tracker.Commitment
	// Published are the updates published since, newest first.
	Published []tracker.Update
	// Submitted are the updates submitted for review since, oldest first. Partners see the
	// content of their own organisation's only.
	Submitted []ConflictUpdate
	// Current is the update being edited as it is now, if someone else changed it.
	Current *tracker.Update
	// Overdue is true when the commitment is overdue now.
	Overdue bool
}

// ConflictUpdate is an update submitted for review since a form was opened, with whether the
// person may read it.
type ConflictUpdate struct {
	Update  tracker.Update
	Visible bool
}

// ReviewItem is a submitted update as a reviewer sees it.
type ReviewItem struct {
	Update     tracker.Update
	Commitment tracker.Commitment
	Plan       tracker.Plan
	// Waiting is how long it has waited for review.
	Waiting time.Duration
	// Stale is true when another update was published after its author opened the form.
	Stale bool
	// Overdue is true when the commitment is overdue now.
	Overdue bool
}

// ReviewListView is what /review shows: a page of the updates waiting for review, oldest first.
type ReviewListView struct {
	Items []ReviewItem
	Total int
	// Page is the page shown, from 1, of Pages; First is the place in the queue of its first
	// update, from 1.
	Page, Pages, First int
}

// ReviewView is what /review/{id} shows: one update to publish or return.
type ReviewView struct {
	Item ReviewItem
	// Latest is the commitment's newest published update, to compare with.
	Latest *tracker.Update
	// Note is the return note as typed, with its error.
	Note     string
	Errors   []FieldError
	Conflict *ConflictView
	// ShowNames is true for staff, who may see who wrote an update.
	ShowNames bool
	// Flags are what the reviewer should check before publishing.
	Flags []tracker.ReviewFlag
	// Thread is the conversation about the update's return notes; Corrections, the wording
	// staff corrected.
	Thread      []tracker.Message
	Corrections []tracker.Correction
	// Correction is the corrected wording as typed; Reply, an answer to the partner as typed.
	Correction tracker.CorrectionInput
	Reply      string
	// MayAnswer is true when staff may answer in the conversation.
	MayAnswer bool
}

// DashboardView is what the staff dashboard shows.
type DashboardView struct {
	Plan tracker.Plan
	// Table is the counts by priority area and status (see NewDashboardTable).
	Table          DashboardTable
	Overdue        []CommitmentRow
	OverdueTotal   int
	UpdateDue      []CommitmentRow
	UpdateDueTotal int
	Waiting        []ReviewItem
	WaitingTotal   int
	Now            time.Time
	// Round is the plan's open reporting round, if it has one.
	Round *tracker.Round
}

// Age says how long something has waited, as people say it: "less than an hour", "5 hours",
// "3 days".
func Age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "less than an hour"
	case d < 2*time.Hour:
		return "1 hour"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	case d < 48*time.Hour:
		return "1 day"
	default:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days"
	}
}

// reportStatusOptions are the statuses the form offers: the reportable ones, and for staff those
// only staff may set, each with a hint.
func reportStatusOptions(staff bool) []Option {
	hints := map[tracker.Status]string{
		tracker.NotStarted:     "Work has not begun",
		tracker.OnTrack:        "Expected by the due month",
		tracker.AtRisk:         "Could miss the due month without action",
		tracker.Delayed:        "Will miss the due month",
		tracker.Delivered:      "The commitment has been delivered",
		tracker.Withdrawn:      "No longer being delivered. Give the reason below",
		tracker.CarriedForward: "Moves to a later plan. Name the plan and give the reason below",
	}
	var opts []Option
	for _, s := range tracker.Statuses {
		if s.StaffOnly() && !staff {
			continue
		}
		opts = append(opts, Option{Value: string(s), Text: s.Label(), Hint: hints[s]})
	}
	return opts
}

// formDate formats a time as a date in the UK.
func formDate(t time.Time) string { return tracker.InUK(t).Format("2 January 2006") }

// formDateTime formats a time as a time and date in the UK.
func formDateTime(t time.Time) string { return tracker.InUK(t).Format("3:04pm on 2 January 2006") }

// updateStateTagClass is the class of the tag showing where an update stands.
func updateStateTagClass(s tracker.UpdateState) string {
	return tagClass(colourOf(updateStateColours, s, "green"))
}

// updateStateColours are the tag colours of an update's states; published is green.
var updateStateColours = map[tracker.UpdateState]string{tracker.StateDraft: "grey", tracker.StateSubmitted: "blue",
	tracker.StateReturned: "orange"}

// lastPublished says when a commitment's last update was published through the portal.
func lastPublished(c tracker.Commitment) string {
	if c.LastPublishedAt == nil {
		return "None in the portal yet"
	}
	return formDate(*c.LastPublishedAt)
}

// onDate is " on 2 January 2006" for a time, or nothing.
func onDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return " on " + formDate(*t)
}

// byName is " by Name", or nothing.
func byName(name string) string {
	if name == "" {
		return ""
	}
	return " by " + name
}

// commitmentNow says where a commitment stands, for a page showing what changed.
func commitmentNow(c tracker.Commitment, overdue bool) string {
	due := strings.ToLower(c.ExpectedWording()[:1]) + c.ExpectedWording()[1:]
	s := "The commitment is now " + c.Status.Label() + " and " + due + "."
	if c.Status == tracker.NoUpdate {
		s = "The commitment has no published status yet and is " + due + "."
	}
	if overdue {
		s += " It is overdue."
	}
	return s
}
