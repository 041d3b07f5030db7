// Package tracker is the domain of Delivery Tracker: plans, their priority areas and commitments,
// the organisations that lead them, progress updates and the rules that govern them. It knows
// nothing of SQL or HTTP.
package tracker

import (
	"cmp"
	"iter"
	"slices"
	"strings"
	"time"
)

// Plan is an annual delivery plan.
type Plan struct {
	ID          int64
	Slug        string
	Title       string
	Period      string
	Strategy    string
	PublishedOn *time.Time
	SourceURL   string
	Licence     string
	Attribution string
	IsCurrent   bool
	// PreviousID is the plan this one follows, whose commitments it may carry forward.
	PreviousID *int64
	Version    int
}

// Aim is one of the strategy's aims as a plan prints it.
type Aim struct {
	Number int
	Text   string
}

// Priority is a priority area of a plan.
type Priority struct {
	ID        int64
	PlanID    int64
	Number    int
	Slug      string
	Name      string
	Tagline   string
	Heading   string
	Intro     string
	SourceURL string
	Version   int
}

// Title returns the heading the plan gives the priority area, or its name where it gives none.
func (p Priority) Title() string { return cmp.Or(p.Heading, p.Name) }

// Organisation is a body that leads commitments.
type Organisation struct {
	ID        int64
	Code      string
	Name      string
	AsWritten []string
	// ContactEmail is the address reminded of a reporting round when the organisation has no
	// active partner accounts; "" for none.
	ContactEmail string
	// RetiredAt is when staff retired the organisation; nil while it is in use.
	RetiredAt *time.Time
	Version   int
}

// LeadLine is one line of a commitment's leads, exactly as the plan prints it, with the
// organisations it names.
type LeadLine struct {
	Text          string
	Organisations []Organisation
}

// Commitment is something a plan commits to deliver.
type Commitment struct {
	ID              int64
	PlanID          int64
	PriorityID      int64
	PriorityNumber  int
	PrioritySlug    string
	PriorityName    string
	Ref             string
	Ordinal         int
	Deliver         string
	Why             []string
	Due             Month
	Expected        *Month
	Status          Status
	StatusReason    string
	SourceURL       string
	Leads           []LeadLine
	LastPublishedAt *time.Time
	Version         int

	// CarriedForwardTo names the later plan a carried forward commitment moved to, and
	// CarriedForwardPlanID is that plan where the portal has it.
	CarriedForwardTo     string
	CarriedForwardPlanID *int64
	// CarriedForwardFromID is the commitment of an earlier plan this one continues;
	// CarriedForwardToID, the commitment of a later plan that continues this one.
	CarriedForwardFromID *int64
	CarriedForwardToID   *int64

	// Reported is where the current status came from: the latest published update, or nil when
	// none has been published.
	Reported *LastReport
}

// LastReport is where a commitment's current status came from: its latest published update.
type LastReport struct {
	// At is when the update was published through the portal; nil for progress that a published
	// plan reported.
	At *time.Time `json:"at"`
	// Period is the period of the published plan that reported it, such as "2025-26".
	Period string `json:"period"`
	// By is the organisation that reported it through the portal, if any.
	By string `json:"by"`
}

// ExpectedBy returns the month the commitment is now expected by: the revised month where one
// has been published, otherwise the plan's deadline.
func (c Commitment) ExpectedBy() Month {
	if c.Expected != nil {
		return *c.Expected
	}
	return c.Due
}

// Revised reports whether a published update moved the expected month away from the deadline.
func (c Commitment) Revised() bool {
	return c.Expected != nil && *c.Expected != c.Due
}

// Overdue reports whether, at now, the month the commitment is expected by has passed and it is
// not delivered, withdrawn or carried forward.
func (c Commitment) Overdue(now time.Time) bool {
	return IsOverdue(c.Status, c.ExpectedBy(), now)
}

// IsOverdue is the single rule for overdue: a commitment is due by the end of its month and
// overdue from the first day of the next while its status is still open.
func IsOverdue(s Status, by Month, now time.Time) bool {
	return s.Open() && by.Passed(now)
}

// LeadOrganisationCodes returns the codes of the organisations the lead lines name, in order,
// each once.
func (c Commitment) LeadOrganisationCodes() []string {
	var codes []string
	seen := map[string]bool{}
	for _, l := range c.Leads {
		for _, o := range l.Organisations {
			if !seen[o.Code] {
				seen[o.Code] = true
				codes = append(codes, o.Code)
			}
		}
	}
	return codes
}

// UpdateState is where an update is in its journey from draft to publication.
type UpdateState string

// The states of an update.
const (
	StateDraft     UpdateState = "draft"
	StateSubmitted UpdateState = "submitted"
	StateReturned  UpdateState = "returned"
	StatePublished UpdateState = "published"
)

// Update is progress reported on a commitment. Updates taken from a published plan carry the
// plan's own words in StatusLabel and Timescale, and the plan's title, period and page in Source*;
// they have no author and no publication time.
type Update struct {
	ID            int64
	CommitmentID  int64
	CommitmentRef string
	State         UpdateState
	Status        Status
	StatusLabel   string
	Narrative     string
	Expected      *Month
	Timescale     string
	EvidenceURL   string
	StatusReason  string
	// OnTrackReason is why the update says On track with a month later than the commitment was
	// due, as its author confirmed it; staff see it, the public does not.
	OnTrackReason    string
	BaseVersion      int
	AuthorID         *int64
	AuthorName       string
	OrganisationID   *int64
	OrganisationCode string
	OrganisationName string
	SourceTitle      string
	SourcePeriod     string
	SourceURL        string
	ReviewNote       string
	ReviewerName     string
	SubmittedAt      *time.Time
	ReturnedAt       *time.Time
	PublishedAt      *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int

	// CarriedForwardTo names the later plan a Carried forward update moves the commitment to,
	// and CarriedForwardPlanID is that plan where the portal has it.
	CarriedForwardTo     string
	CarriedForwardPlanID *int64
	// BaseSubmission is the highest submission for the commitment the author knew of when they
	// opened the form (BaseVersion is the commitment's version then).
	BaseSubmission int64
	// Submission orders submissions for review: it is taken afresh from a sequence each time
	// the update is submitted.
	Submission int64
	// PublishedVersion is the commitment's version that publishing the update made.
	PublishedVersion int
	// ReviewerID is who last returned or published the update.
	ReviewerID *int64
}

// Reporter returns who reported the update, fit for the public: the organisation for portal
// updates, the plan that published it for reports taken from a plan.
func (u Update) Reporter() string {
	switch {
	case u.OrganisationName != "":
		return u.OrganisationName
	case u.SourceTitle != "":
		return u.SourceTitle
	default:
		return "Scottish Government"
	}
}

// Label returns the status in the reporter's own words where a plan gave them, otherwise the
// portal's label.
func (u Update) Label() string { return cmp.Or(u.StatusLabel, u.Status.Label()) }

// StatusCounts counts commitments by current status, with how many are overdue.
type StatusCounts struct {
	Total    int
	ByStatus map[Status]int
	Overdue  int
	// OverdueByStatus counts the overdue commitments by the status they last reported.
	OverdueByStatus map[Status]int
}

// AtRiskOrDelayed returns how many commitments are at risk or delayed.
func (c StatusCounts) AtRiskOrDelayed() int {
	return c.ByStatus[AtRisk] + c.ByStatus[Delayed]
}

// NotOverdue returns how many commitments have the status and are not overdue. Counted this way,
// with Overdue, each commitment is counted once: one whose month has passed is counted as
// overdue, whatever it last reported.
func (c StatusCounts) NotOverdue(s Status) int {
	return c.ByStatus[s] - c.OverdueByStatus[s]
}

// Segment is a piece of a lead line: plain text, or the text naming an organisation.
type Segment struct {
	Text         string
	Organisation *Organisation
}

// Segments splits the line, exactly as printed, into the names of the organisations it names
// (as the plan writes them) and the text between. Joined, the segments' texts are the line.
// An organisation whose name is not found in the line gets no segment.
func (l LeadLine) Segments() []Segment {
	type match struct {
		start, end int
		org        *Organisation
	}
	var ms []match
	overlaps := func(start, end int) bool {
		for _, m := range ms {
			if start < m.end && m.start < end {
				return true
			}
		}
		return false
	}
	for i := range l.Organisations {
		o := &l.Organisations[i]
	search:
		for n := range namesOf(o) {
			for from := 0; n != "" && from <= len(l.Text)-len(n); {
				at := strings.Index(l.Text[from:], n)
				if at < 0 {
					break
				}
				at += from
				if !overlaps(at, at+len(n)) {
					ms = append(ms, match{at, at + len(n), o})
					break search
				}
				from = at + 1
			}
		}
	}
	slices.SortFunc(ms, func(a, b match) int { return a.start - b.start })
	var out []Segment
	pos := 0
	for _, m := range ms {
		if m.start > pos {
			out = append(out, Segment{Text: l.Text[pos:m.start]})
		}
		out = append(out, Segment{Text: l.Text[m.start:m.end], Organisation: m.org})
		pos = m.end
	}
	if pos < len(l.Text) {
		out = append(out, Segment{Text: l.Text[pos:]})
	}
	return out
}

// namesOf yields the ways a lead line may name o: as the plan wrote it, then by name, then by
// code.
func namesOf(o *Organisation) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, n := range o.AsWritten {
			if !yield(n) {
				return
			}
		}
		_ = yield(o.Name) && yield(o.Code)
	}
}
