package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func idString(n int64) string { return strconv.FormatInt(n, 10) }

// AdminLinks are the sections of plan management, shown at the top of its pages.
var AdminLinks = []Link{
	{Text: "Plans", Href: paths.AdminPlans},
	{Text: "Organisations", Href: paths.AdminOrganisations},
	{Text: "Reporting rounds", Href: paths.AdminRounds},
	{Text: "Outbox", Href: paths.AdminOutbox},
	{Text: "Feedback", Href: paths.AdminFeedback},
}

// ConflictRow is a field someone else changed while a person was editing: what is saved now.
type ConflictRow struct {
	Field string
	Saved string
}

// Conflict tells a person that what they were editing changed under them: nothing they typed
// was saved or lost, and saving again replaces the saved version with theirs.
type Conflict struct {
	Rows []ConflictRow
}

// AdminPlansView is what /admin/plans shows.
type AdminPlansView struct {
	Plans []tracker.Plan
}

// PlanForm is the plan form as typed.
type PlanForm struct {
	Title, Slug, Period, Strategy, PublishedOn, SourceURL, Licence, Attribution string
	PreviousID                                                                  string
	CopyPriorities                                                              bool
	Version                                                                     string
}

// PlanFormView is what the form to create or edit a plan shows.
type PlanFormView struct {
	// Plan is the plan being edited; nil when creating one.
	Plan     *tracker.Plan
	Form     PlanForm
	Plans    []tracker.Plan
	Errors   []FieldError
	Conflict *Conflict
}

// AdminPlanView is what the page managing a plan shows.
type AdminPlanView struct {
	Plan        tracker.Plan
	Previous    *tracker.Plan
	Priorities  []tracker.Priority
	Commitments []tracker.Commitment
	// Counts is how many commitments each priority area has, by its ID.
	Counts map[int64]int
	// CanCarryForward is true when the previous plan has open commitments not yet carried forward.
	CanCarryForward bool
	Errors          []FieldError
}

// PriorityForm is the priority area form as typed.
type PriorityForm struct {
	Number, Name, Slug, Tagline, Heading, Intro, SourceURL, Version string
}

// PriorityFormView is what the form to add or edit a priority area shows.
type PriorityFormView struct {
	Plan     tracker.Plan
	Priority *tracker.Priority
	Form     PriorityForm
	Errors   []FieldError
	Conflict *Conflict
}

// LeadForm is one lead line of the commitment form: the line as printed and the organisations
// it names, by ID, as chosen: "" for a list left at "None".
type LeadForm struct {
	Text string
	Orgs []string
}

// CommitmentForm is the commitment form as typed.
type CommitmentForm struct {
	Ref, Priority, Deliver, Why, DueMonth, DueYear, SourceURL, Version string
	Leads                                                              []LeadForm
}

// CommitmentFormView is what the form to add a commitment shows.
type CommitmentFormView struct {
	Plan          tracker.Plan
	Form          CommitmentForm
	Priorities    []tracker.Priority
	Organisations []tracker.Organisation
	Errors        []FieldError
}

// ConfirmView asks a person to confirm an action with a wide effect, such as retiring a
// commitment or disabling an account, and why they take it: the reason is kept in the audit log.
type ConfirmView struct {
	Title   string
	Label   string
	Message string
	// Warning, when set, says what the action does that cannot be missed, in warning text.
	Warning string
	Action  string
	Version int
	Button  string
	Cancel  string
	// Reason is the reason as typed; ReasonRequired says whether one must be given, and
	// ReasonHint, when set, what it should say, in sentences.
	Reason         string
	ReasonRequired bool
	ReasonHint     string
	Errors         []FieldError
}

// reasonLabel is the label of the reason field.
func (v ConfirmView) reasonLabel() string {
	if v.ReasonRequired {
		return "Reason"
	}
	return "Reason (optional)"
}

// reasonHint is the hint of the reason field.
func (v ConfirmView) reasonHint() string {
	const kept = "The reason is kept in the audit log."
	if v.ReasonHint != "" {
		return v.ReasonHint + " " + kept
	}
	return kept
}

// OrganisationsView is what /admin/organisations shows.
type OrganisationsView struct {
	Active  []tracker.Organisation
	Retired []tracker.Organisation
}

// OrganisationForm is the organisation form as typed.
type OrganisationForm struct {
	Code, Name, AsWritten, ContactEmail, Version string
}

// OrganisationFormView is what the form to add or edit an organisation shows.
type OrganisationFormView struct {
	Organisation *tracker.Organisation
	Form         OrganisationForm
	Errors       []FieldError
	Conflict     *Conflict
}

// CarryForwardOption is a commitment of the previous plan staff may carry forward.
type CarryForwardOption struct {
	Commitment tracker.Commitment
	// Blocked says why it cannot be carried forward, such as its ref being taken already.
	Blocked string
}

// CarryForwardView is what the page to carry commitments forward shows.
type CarryForwardView struct {
	Plan     tracker.Plan
	Previous tracker.Plan
	Options  []CarryForwardOption
	Chosen   map[string]bool
	Errors   []FieldError
}

// ImportView is what the import page shows: the upload form, or the preview of a file.
type ImportView struct {
	Plan tracker.Plan
	// FileName is the uploaded file's name, for the preview.
	FileName string
	// LineErrors are the file's problems, by line; a file with any cannot be imported.
	LineErrors []plancsv.LineError
	// Errors are problems with the upload form itself, such as no file chosen.
	Errors []FieldError
	// Preview is what importing the file would do; nil before a file is uploaded.
	Preview *plancsv.Preview
	// Data is the file, base64-encoded, and Fingerprint the state of the plan it was compared
	// with: the confirm form sends both back.
	Data        string
	Fingerprint string
	// Changed is true when the plan changed between the preview and the confirmation: the
	// preview shown is a new one.
	Changed bool
	Columns []string
}

// RoundsView is what /admin/rounds shows.
type RoundsView struct {
	Rounds []tracker.Round
	Now    time.Time
}

// RoundForm is the reporting round form as typed.
type RoundForm struct {
	PlanID, Name, Opens, Deadline, RemindBefore, RemindAfter, Version string
}

// RoundFormView is what the form to open or change a round shows.
type RoundFormView struct {
	Round    *tracker.Round
	Form     RoundForm
	Plans    []tracker.Plan
	Errors   []FieldError
	Conflict *Conflict
}

// RoundView is what a round's page shows: its schedule and coverage.
type RoundView struct {
	Plan     tracker.Plan
	Coverage tracker.Coverage
	Now      time.Time
	// Queued is how many emails the round has in the outbox.
	Queued int
	// CanInvite says whether the viewer may invite users, and so be offered to invite a partner
	// for an organisation no one would be reminded at.
	CanInvite bool
}

// OutboxView is what /admin/outbox shows.
type OutboxView struct {
	Emails []tracker.Email
	Total  int
	Page   int
	Pages  int
	Status string
	// Configured is true when the portal has a mail server to send with.
	Configured bool
}

// EmailView is what an email's page in the outbox shows.
type EmailView struct {
	Email tracker.Email
}

// ReportRoundView is the part of /report that says which commitments still need an update in the
// open reporting round.
type ReportRoundView struct {
	Round   tracker.Round
	Missing []CommitmentRow
	Due     int
}

// dateTime formats a time for staff: "23 November 2026 at 12:00".
func dateTime(t time.Time) string { return tracker.InUK(t).Format("2 January 2006 at 15:04") }

// orgIDs returns the IDs of organisations as the strings a form sends.
func orgIDs(os []tracker.Organisation) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = idString(o.ID)
	}
	return out
}

// LeadFormsOf returns a commitment's lead lines as the form shows them.
func LeadFormsOf(leads []tracker.LeadLine) []LeadForm {
	out := make([]LeadForm, len(leads))
	for i, l := range leads {
		out[i] = LeadForm{Text: l.Text, Orgs: orgIDs(l.Organisations)}
	}
	return out
}

func priorityOptions(ps []tracker.Priority) []Option {
	out := []Option{{Value: "", Text: "Choose a priority area"}}
	for _, p := range ps {
		out = append(out, Option{Value: idString(p.ID), Text: strconv.Itoa(p.Number) + ". " + p.Name})
	}
	return out
}

func planOptions(ps []tracker.Plan, none string) []Option {
	var out []Option
	if none != "" {
		out = append(out, Option{Value: "", Text: none})
	}
	for _, p := range ps {
		text := p.Title
		if p.IsCurrent {
			text += " (current)"
		}
		out = append(out, Option{Value: idString(p.ID), Text: text})
	}
	return out
}

// LeadInputID is the id of a lead line's text input; the first one is where errors about lead lines
// link.
func LeadInputID(i int, part string) string { return "lead-" + strconv.Itoa(i+1) + "-" + part }

func leadSummary(c tracker.Commitment) string {
	lines := make([]string, len(c.Leads))
	for i, l := range c.Leads {
		lines[i] = l.Text
	}
	return strings.Join(lines, "; ")
}

// emailStatusColours are the tag colours of an email's statuses; pending is blue.
var emailStatusColours = map[tracker.EmailStatus]string{tracker.EmailSent: "green", tracker.EmailFailed: "red",
	tracker.EmailSkipped: "grey"}

func emailStatusClass(s tracker.EmailStatus) string {
	return tagClass(colourOf(emailStatusColours, s, "blue"))
}

func emailStatusOptions() []Option {
	out := []Option{{Value: "", Text: "All"}}
	for _, s := range tracker.EmailStatuses {
		out = append(out, Option{Value: string(s), Text: s.Label()})
	}
	return out
}

func roundState(r tracker.Round, now time.Time) string {
	switch {
	case r.Closed():
		return "Closed"
	case !r.Open(now):
		return "Opens " + tracker.FormatDate(r.Opens)
	case r.Overdue(now):
		return "Past deadline"
	default:
		return "Open"
	}
}

func percent(n, of int) string {
	if of == 0 {
		return "–"
	}
	return strconv.Itoa(n*100/of) + "%"
}
