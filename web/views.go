package web

import (
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Overview is what the plan overview page shows.
type Overview struct {
	Plan       tracker.Plan
	Plans      []tracker.Plan
	Aims       []tracker.Aim
	Priorities []PrioritySummary
	Totals     tracker.StatusCounts
	// Changed is when the plan's data last changed.
	Changed tracker.LastChange
	// StatusChart shows the status of commitments by priority area; Timeline, by when they are due.
	StatusChart Chart
	Timeline    Chart
}

// OverviewAreasInFull is the most priority areas an overview shows each in full: as a bar of the
// status chart and an entry of its own with its tagline and its counts by status. A plan of more
// areas, such as one at national scale, shows them as one table instead (see Overview.Summarised),
// so that the overview stays small however many areas the plan has.
const OverviewAreasInFull = 8

// Summarised reports whether the overview shows its priority areas as one table (see
// OverviewAreasInFull).
func (v Overview) Summarised() bool { return len(v.Priorities) > OverviewAreasInFull }

// PrioritySummary is a priority area with the counts of its commitments.
type PrioritySummary struct {
	Priority tracker.Priority
	Counts   tracker.StatusCounts
}

// CommitmentRow is a commitment as a page lists it, with what is derived at the request's time.
type CommitmentRow struct {
	Commitment tracker.Commitment
	Overdue    bool
	URL        string
}

// PriorityView is what a priority area's page shows.
type PriorityView struct {
	Plan        tracker.Plan
	Priority    tracker.Priority
	Commitments []CommitmentRow
	// List says which page of the area's commitments Commitments is.
	List ListPage
	// Timeline shows the priority area's commitments by when they are due.
	Timeline Chart
}

// ListPage is one page of a public list of commitments that is too long for one page.
type ListPage struct {
	Page, Pages, Total, PerPage int
	// URL gives the address of a page of the list.
	URL func(page int) string
	// FinderURL is the same commitments in the finder, where they can be filtered.
	FinderURL string
}

// anchored is the list's addresses with the fragment of the part of the page the list is in.
func (l ListPage) anchored(fragment string) func(int) string {
	return func(n int) string { return l.URL(n) + "#" + fragment }
}

// first and last are the positions in the whole list of the first and last rows of the page.
func (l ListPage) first() int { return (l.Page-1)*l.PerPage + 1 }
func (l ListPage) last() int  { return min(l.Page*l.PerPage, l.Total) }

// sourceURL is the page of the published plan where the priority area's commitments can be read:
// the priority area's own page of it, or the plan's.
func (v PriorityView) sourceURL() string {
	if v.Priority.SourceURL != "" {
		return v.Priority.SourceURL
	}
	return v.Plan.SourceURL
}

// CommitmentView is what a commitment's page shows.
type CommitmentView struct {
	Plan tracker.Plan
	Row  CommitmentRow
	// History is the page of the commitment's published updates that HistoryPage says, newest
	// first: a long history is shown a page at a time.
	History     []tracker.Update
	HistoryPage ListPage
	// ShowNames is true for signed-in staff, who may see who wrote and reviewed each update.
	ShowNames bool
	// ReportURL, when set, is where the signed-in user may report progress on the commitment.
	ReportURL string
	// CarriedForwardFrom is the commitment of an earlier plan this one continues, and
	// CarriedForwardTo the commitment of a later plan that continues this one, where the portal
	// shows them.
	CarriedForwardFrom *LinkedCommitment
	CarriedForwardTo   *LinkedCommitment
	// Earlier is the history of the commitments of earlier plans this one continues, the
	// latest first: with its own, the whole history across plans.
	Earlier []EarlierHistory
	// SameRef, when set, is the commitment with the same number in the plan before, which this
	// one does not continue.
	SameRef *LinkedCommitment
	// Changed is when the commitment last changed: its "Last updated".
	Changed tracker.LastChange
	// Amendments are the changes staff made to what the public reads of it, newest first.
	Amendments []tracker.Amendment
}

// EarlierHistory is the published history of a commitment of an earlier plan that a
// commitment continues.
type EarlierHistory struct {
	Link       LinkedCommitment
	Commitment tracker.Commitment
	History    []tracker.Update
}

// LinkedCommitment is a commitment of another plan that a commitment's page links to.
type LinkedCommitment struct {
	Plan tracker.Plan
	Ref  string
	URL  string
}

// OrganisationView is what an organisation's page shows.
type OrganisationView struct {
	Plan         tracker.Plan
	Organisation tracker.Organisation
	Commitments  []CommitmentRow
	// List says which page of the organisation's commitments Commitments is.
	List ListPage
}
