package tracker

import (
	"strings"
	"time"
)

// Spelled returns the segment as the public pages show it: an organisation the plan names by an
// abbreviation, such as "NES", spelled out with the abbreviation after it, "NHS Education for
// Scotland (NES)". Text, and an organisation named in full (or with its name in what the plan
// prints, such as "Chief Scientist Office (CSO)"), are returned as printed.
func (s Segment) Spelled() string {
	o := s.Organisation
	if o == nil || o.Name == "" || strings.Contains(s.Text, o.Name) {
		return s.Text
	}
	return o.Name + " (" + s.Text + ")"
}

// Spelled returns the lead line as the public pages show it: as printed, with each organisation
// it names by an abbreviation spelled out (see Segment.Spelled).
func (l LeadLine) Spelled() string {
	var b strings.Builder
	for _, s := range l.Segments() {
		b.WriteString(s.Spelled())
	}
	return b.String()
}

var statusMeanings = labels[Status]{
	NotStarted:     "Work on the commitment has not begun yet.",
	OnTrack:        "Work is under way and the commitment is expected to be delivered by the month it is due.",
	AtRisk:         "Work is under way, but the commitment could miss the month it is due unless something changes.",
	Delayed:        "The commitment will not be delivered by the month it is due. Where a new month has been given, the commitment shows it.",
	Delivered:      "The commitment has been delivered.",
	Withdrawn:      "The commitment will no longer be delivered. Its page gives the reason.",
	CarriedForward: "The commitment has moved to a later delivery plan, which takes over its delivery. Its page says which plan, and why.",
}

// Meaning says, in a sentence fit for the public, what a commitment with the status is doing.
func (s Status) Meaning() string {
	return statusMeanings.of(s, "No progress has been reported on the commitment yet.")
}

// PlanName is how the public pages name the delivery plan of a period, such as "Delivery Plan
// 2025-26".
func PlanName(period string) string { return "Delivery Plan " + period }

// ReportedIn names the published plan that reported the update, such as "Delivery Plan
// 2025-26", or returns "" for an update reported through the portal.
func (u Update) ReportedIn() string {
	if u.SourcePeriod == "" {
		return ""
	}
	return PlanName(u.SourcePeriod)
}

// OwnWords returns the words a published plan used for the update's status where they say
// more than the portal's label, such as "Completed" for Delivered, or "" where there are none
// or they are the label written another way, such as "On Track" for On track.
func (u Update) OwnWords() string {
	words := strings.TrimSpace(u.StatusLabel)
	if strings.EqualFold(words, u.Status.Label()) {
		return ""
	}
	return words
}

// LastChange is when the public last saw something change, as the public pages say it: on a
// day, for a change made through the portal; otherwise in the published plan that last reported
// progress; otherwise on the day the plan itself was published.
type LastChange struct {
	// At is the latest change made through the portal, or nil if there has been none.
	At *time.Time
	// ReportedIn names the latest published plan that reported progress, such as "Delivery Plan
	// 2025-26", when At is nil.
	ReportedIn string
	// Published is the day the plan was published, when At is nil and no plan reported progress.
	Published *time.Time
}

// LatestChange decides what LastChange says: changed, the latest change made through the portal
// (nil if none); reportedIn, the period of the latest progress taken from a published plan
// ("" if none); and published, the day the plan itself was published (nil if not known).
func LatestChange(changed *time.Time, reportedIn string, published *time.Time) LastChange {
	switch {
	case changed != nil:
		return LastChange{At: changed}
	case reportedIn != "":
		return LastChange{ReportedIn: PlanName(reportedIn)}
	default:
		return LastChange{Published: published}
	}
}

// LatestReportedPeriod returns the latest period of the updates taken from a published plan, or
// "" if none was.
func LatestReportedPeriod(us []Update) string {
	latest := ""
	for _, u := range us {
		if u.SourcePeriod > latest {
			latest = u.SourcePeriod
		}
	}
	return latest
}

// Empty reports whether there is nothing to say: no change, plan or day known.
func (c LastChange) Empty() bool { return c.At == nil && c.ReportedIn == "" && c.Published == nil }

// OverdueMeaning says, for the public, what the Overdue tag means (the rule is IsOverdue).
const OverdueMeaning = "The month the commitment is due by has passed, and it has not been delivered, withdrawn or carried forward. " +
	"A commitment is due by the end of its month, and overdue from the first day of the next."

// UpdateDueMeaning says, for the public, what the Update due tag means (the rule is
// Commitment.UpdateDue).
const UpdateDueMeaning = "No progress on the commitment has been published through this site in the last 90 days, " +
	"and it has not been delivered, withdrawn or carried forward."
