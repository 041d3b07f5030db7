package tracker

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a progress update may hold.
const (
	// MaxNarrative is the most characters a progress narrative may have.
	MaxNarrative = 5000
	// MaxReason is the most characters the reason for Withdrawn or Carried forward may have.
	MaxReason = 1000
	// MaxPlanName is the most characters the name of the plan a commitment is carried forward to
	// may have.
	MaxPlanName = 200
	// MaxEvidenceURL is the longest evidence link accepted.
	MaxEvidenceURL = 2000
	// MaxReviewNote is the most characters a note returning an update to its partner may have.
	MaxReviewNote = 2000
)

// UpdateDueAfter is how long a commitment may go without a published update before one is due.
const UpdateDueAfter = 90 * 24 * time.Hour

// UpdateDueCutoff returns the instant before which the last published update must fall for an
// update to be due at now: UpdateDueAfter before now.
func UpdateDueCutoff(now time.Time) time.Time {
	return now.Add(-UpdateDueAfter)
}

// UpdateDue is the time part of the rule for "update due": no update has been published through
// the portal in the last 90 days. lastPublished is the publication time of the latest published
// update, nil when there is none; reports taken from a published plan have no publication time, so
// a commitment whose only updates are plan reports is due an update.
func UpdateDue(lastPublished *time.Time, now time.Time) bool {
	return lastPublished == nil || lastPublished.Before(UpdateDueCutoff(now))
}

// UpdateDue is the single rule for "update due" on a commitment: it is still open (not Delivered,
// Withdrawn or Carried forward, which owe no further updates) and nothing has been published on it
// through the portal in the last 90 days (see the function UpdateDue).
func (c Commitment) UpdateDue(now time.Time) bool {
	return c.Status.Open() && UpdateDue(c.LastPublishedAt, now)
}

// TextLength counts the characters of text from a form as a person sees them: a line break is
// one character, however the browser sent it.
func TextLength(s string) int {
	return utf8.RuneCountInString(strings.ReplaceAll(s, "\r\n", "\n"))
}

// normaliseText trims text from a form and gives it Unix line breaks.
func normaliseText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// FieldError is a problem with one field of a form. Field names the form field.
type FieldError struct {
	Field   string
	Message string
}

// The names of the fields of the progress report form.
const (
	FieldStatus           = "status"
	FieldNarrative        = "narrative"
	FieldDueMonth         = "due_month"
	FieldDueYear          = "due_year"
	FieldEvidenceURL      = "evidence_url"
	FieldStatusReason     = "status_reason"
	FieldCarriedForwardTo = "carried_forward_to"
	FieldNote             = "note"
	FieldReply            = "reply"
)

// ReportInput is the progress report form as submitted, every field as typed.
type ReportInput struct {
	Status           string
	Narrative        string
	DueMonth         string
	DueYear          string
	EvidenceURL      string
	StatusReason     string
	CarriedForwardTo string
	// OnTrackConfirm is Yes when the person confirms, on purpose, that the commitment is on
	// track for a month later than it was due, and OnTrackReason says why.
	OnTrackConfirm string
	OnTrackReason  string
}

// Report is a checked progress report: what an update says.
type Report struct {
	Status      Status
	Narrative   string
	Expected    *Month
	EvidenceURL string
	// StatusReason is why a commitment is withdrawn or carried forward; empty otherwise.
	StatusReason string
	// CarriedForwardTo names the later plan a carried forward commitment moves to.
	CarriedForwardTo string
	// CarriedForwardPlanID is that plan, where the portal has it.
	CarriedForwardPlanID *int64
	// OnTrackReason is why a commitment reported On track is on track for a month later than it
	// was due (see OnTrackLater); empty otherwise. Staff see it when they review the update.
	OnTrackReason string
}

// checkReportText checks a text field of a progress report: valid text, not empty and at most max
// characters. name starts the messages about it, and enter is the message when it is empty. It
// returns the message for what is wrong, or "".
func checkReportText(value, name, enter string, max int) string {
	switch n := TextLength(value); {
	case !ValidText(value):
		return name + " " + invalidText
	case n == 0:
		return enter
	case n > max:
		return name + " must be " + strconv.Itoa(max) + " characters or fewer"
	}
	return ""
}

// ParseReport checks a progress report form. staff says whether the author is Scottish
// Government staff, who alone may set Withdrawn or Carried forward. It returns the report and a
// message for each field that is wrong, in the order the form asks; the report is only
// meaningful when there are none.
func ParseReport(in ReportInput, staff bool) (Report, []FieldError) {
	var r Report
	var errs []FieldError
	add := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }

	st, ok := ParseStatus(strings.TrimSpace(in.Status))
	switch {
	case strings.TrimSpace(in.Status) == "":
		add(FieldStatus, "Select a status")
	case !ok:
		add(FieldStatus, "Select a status from the list")
	case st.StaffOnly() && !staff:
		add(FieldStatus, "Only Scottish Government staff can set "+st.Label())
	default:
		r.Status = st
	}

	r.Narrative = normaliseText(in.Narrative)
	if msg := checkReportText(r.Narrative, "Progress narrative", "Enter a progress narrative", MaxNarrative); msg != "" {
		add(FieldNarrative, msg)
	}

	if m, msg := parseRevisedMonth(in.DueMonth, in.DueYear); msg != "" {
		add(FieldDueMonth, msg)
	} else {
		r.Expected = m
	}

	if u, msg := parseEvidenceURL(in.EvidenceURL); msg != "" {
		add(FieldEvidenceURL, msg)
	} else {
		r.EvidenceURL = u
	}

	if r.Status.StaffOnly() {
		r.StatusReason = normaliseText(in.StatusReason)
		if msg := checkReportText(r.StatusReason, "Reason", "Enter the reason the commitment is "+strings.ToLower(r.Status.Label()), MaxReason); msg != "" {
			add(FieldStatusReason, msg)
		}
	}
	if r.Status == CarriedForward {
		r.CarriedForwardTo = strings.Join(strings.Fields(in.CarriedForwardTo), " ")
		if msg := checkReportText(r.CarriedForwardTo, "Plan name", "Enter the name of the later plan the commitment is carried forward to", MaxPlanName); msg != "" {
			add(FieldCarriedForwardTo, msg)
		}
	}
	return r, errs
}

// parseRevisedMonth reads the optional revised month: both parts empty is no revision.
func parseRevisedMonth(month, year string) (*Month, string) {
	month, year = strings.TrimSpace(month), strings.TrimSpace(year)
	if month == "" && year == "" {
		return nil, ""
	}
	if month == "" {
		return nil, "Revised expected delivery date must include a month"
	}
	if year == "" {
		return nil, "Revised expected delivery date must include a year"
	}
	mn, errM := strconv.Atoi(month)
	if errM != nil || mn < 1 || mn > 12 {
		return nil, "Revised expected delivery month must be a number from 1 to 12"
	}
	yr, errY := strconv.Atoi(year)
	if errY != nil || len(year) != 4 {
		return nil, "Revised expected delivery year must be 4 numbers, like 2026"
	}
	m, err := NewMonth(yr, mn)
	if err != nil || yr < 2000 || yr > 2100 {
		return nil, "Revised expected delivery year must be between 2000 and 2100"
	}
	return &m, ""
}

// parseEvidenceURL checks the optional evidence link: an absolute http or https address.
func parseEvidenceURL(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	const msg = "Enter the evidence link as a full web address starting with https:// or http://"
	if len(s) > MaxEvidenceURL {
		return "", "Evidence link must be " + strconv.Itoa(MaxEvidenceURL) + " characters or fewer"
	}
	if !ValidText(s) || strings.ContainsAny(s, " \t\r\n") {
		return "", msg
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", msg
	}
	return u.String(), ""
}

// ParseReviewNote checks the note a reviewer writes when returning an update to its partner.
func ParseReviewNote(s string) (string, []FieldError) {
	note := normaliseText(s)
	switch n := TextLength(note); {
	case !ValidText(note):
		return "", []FieldError{{Field: FieldNote, Message: "Note " + invalidText}}
	case n == 0:
		return "", []FieldError{{Field: FieldNote, Message: "Enter a note saying what the partner needs to change"}}
	case n > MaxReviewNote:
		return "", []FieldError{{Field: FieldNote, Message: "Note must be " + strconv.Itoa(MaxReviewNote) + " characters or fewer"}}
	}
	return note, nil
}

// LaterPlan finds the plan a carried forward commitment names, by its slug or title, ignoring
// case. It returns nil when the portal has no such plan yet, which is allowed: a later plan may
// not have been published. It returns a message when the name is the commitment's own plan or an
// earlier one.
func LaterPlan(name string, from Plan, plans []Plan) (*Plan, string) {
	for i := range plans {
		p := &plans[i]
		if !strings.EqualFold(name, p.Slug) && !strings.EqualFold(name, p.Title) {
			continue
		}
		if p.ID == from.ID || p.Period <= from.Period {
			return nil, "Name a plan later than " + from.Title
		}
		return p, ""
	}
	return nil, ""
}

// ReportAction is what a person asks for when they send the progress report form.
type ReportAction string

// The buttons of the progress report form.
const (
	ActionDraft   ReportAction = "draft"
	ActionSubmit  ReportAction = "submit"
	ActionPublish ReportAction = "publish"
)

// ParseReportAction returns the action named by s, or false if s names none.
func ParseReportAction(s string) (ReportAction, bool) {
	return parse(s, []ReportAction{ActionDraft, ActionSubmit, ActionPublish})
}

// Editable reports whether the author may still change the update: it is not published.
func (u Update) Editable() bool { return u.State != StatePublished }

// Waiting returns how long a submitted update has been waiting for review at now.
func (u Update) Waiting(now time.Time) time.Duration {
	if u.SubmittedAt == nil || u.State != StateSubmitted {
		return 0
	}
	return now.Sub(*u.SubmittedAt)
}

// Label returns the update's state as its author reads it.
func (s UpdateState) Label() string { return updateStateLabels.of(s, "None") }

var updateStateLabels = labels[UpdateState]{StateDraft: "Draft saved", StateSubmitted: "Submitted for review",
	StateReturned: "Returned for changes", StatePublished: "Published"}

// ConflictError says that the report a person is sending was based on an out-of-date view: since
// they opened the form another update for the commitment was submitted or published, or the
// update they were editing changed. Nothing was written. It carries what changed so that the form
// can show it while keeping what they typed.
type ConflictError struct {
	// Message says what happened, fit to show the person.
	Message string
	// Commitment is the commitment as it is now, with its current version.
	Commitment Commitment
	// Published are the updates published since the form's version, newest first.
	Published []Update
	// Submitted are other updates submitted for review since the form was opened, oldest first.
	Submitted []Update
	// Current is the update the person was editing as it is now, if it changed under them.
	Current *Update
	// Seen is the highest submission the form now knows about.
	Seen int64
}

// Error implements the error interface.
func (e *ConflictError) Error() string { return "tracker: " + ECONFLICT + ": " + e.Message }

// As lets errors.As find a conflict as an *Error with code ECONFLICT, so that ErrorCode and
// ErrorMessage work on it.
func (e *ConflictError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		*t = &Error{Code: ECONFLICT, Message: e.Message}
		return true
	}
	return false
}

// ReportBase is what a report form was based on when it was opened, carried in hidden fields.
type ReportBase struct {
	// Version is the commitment's version.
	Version int
	// Seen is the highest submission for the commitment at the time.
	Seen int64
	// UpdateID is the update being edited, or 0 for a new one.
	UpdateID int64
	// UpdateVersion is that update's version.
	UpdateVersion int
}

// ReportConflict is the rule for "no lost work" when a report is saved, submitted or published.
// open is the update the author's organisation (or, for staff, the author) has open on the
// commitment now, if any; submittedSince are other updates submitted for review since the form
// was opened. It returns a message saying what changed, or "" when the report may be written.
//
// A draft may always be saved over the author's own open update if nobody changed that update
// meanwhile. Submitting or publishing also needs the commitment unchanged since the form was
// opened (no update published, no edit by staff) and no other update submitted since: otherwise
// the person is shown what changed and sends again, deliberately, with the new version.
func ReportConflict(base ReportBase, action ReportAction, c Commitment, open *Update, submittedSince []Update) string {
	switch {
	case open == nil && base.UpdateID != 0:
		return "The update you were editing has been published since you opened this form."
	case open != nil && open.ID != base.UpdateID:
		return "Someone else started an update for this commitment since you opened this form."
	case open != nil && open.Version != base.UpdateVersion:
		if open.State == StateReturned && open.ReturnedAt != nil {
			return "The update you were editing was returned for changes since you opened this form."
		}
		return "The update you were editing was changed since you opened this form."
	}
	if action == ActionDraft {
		return ""
	}
	switch {
	case c.Version != base.Version:
		return "This commitment has changed since you opened this form: another update may have been published."
	case len(submittedSince) > 0:
		return "Another update for this commitment was submitted for review since you opened this form."
	}
	return ""
}

// PublishConflict is the rule for publishing a submitted update from the review queue: the update
// must still be submitted, unchanged since the reviewer saw it (updateVersion), and the commitment
// unchanged since then (commitmentVersion). Of two reviewers publishing at once, the second is
// told the update has already been published. It returns a message, or "" when the update may be
// published.
func PublishConflict(u Update, updateVersion int, c Commitment, commitmentVersion int) string {
	if msg := reviewConflict(u, updateVersion); msg != "" {
		return msg
	}
	if c.Version != commitmentVersion {
		return "Another update for this commitment was published since you opened this page. Check what changed before you publish."
	}
	return ""
}

// ReturnConflict is the rule for returning a submitted update to its partner: it must still be
// submitted and unchanged since the reviewer saw it.
func ReturnConflict(u Update, updateVersion int) string {
	return reviewConflict(u, updateVersion)
}

func reviewConflict(u Update, updateVersion int) string {
	by := func(prefix string) string {
		if u.ReviewerName != "" {
			return prefix + " by " + u.ReviewerName + "."
		}
		return prefix + "."
	}
	switch {
	case u.State == StatePublished:
		return by("This update has already been published")
	case u.State == StateReturned:
		return by("This update has already been returned to the partner")
	case u.State == StateDraft:
		return "This update was taken back by its author to change it. It is no longer waiting for review."
	case u.Version != updateVersion:
		return "This update was changed by its author since you opened this page. Check the new version before you act on it."
	}
	return ""
}
