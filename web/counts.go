package web

import (
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Every count of commitments a public page shows links to the list it counts: the plan's
// commitments finder with the filters that select them. A count of none is not a link.

// finderLink returns the address of a plan's commitments finder with the filters.
func finderLink(p tracker.Plan, f FinderFilters) string {
	return paths.Commitments(p) + f.QueryString()
}

// finderStatus is the finder's status parameter for a status value: StatusNone for no update yet.
func finderStatus(status string) string {
	if status == StatusNoUpdate {
		return StatusNone
	}
	return status
}

// withStatus returns the filters narrowed to one status.
func withStatus(f FinderFilters, status string) FinderFilters {
	f.Statuses = []string{finderStatus(status)}
	return f
}

// breakdownFilter selects a priority area's commitments as its count of a status counts them:
// for an open status, those not overdue (the overdue ones are counted as overdue).
func breakdownFilter(p tracker.Priority, s tracker.Status) FinderFilters {
	f := priorityFilter(p)
	f.NotOverdue = s.Open()
	return f
}

// priorityFilter selects a priority area's commitments.
func priorityFilter(p tracker.Priority) FinderFilters {
	return FinderFilters{Priority: strconv.Itoa(p.Number)}
}

// statusPhrase is how a status reads after a count: "on track", "with no update yet".
func statusPhrase(status string) string {
	if status == StatusNoUpdate {
		return "with no update yet"
	}
	return strings.ToLower(StatusLabel(status))
}

// countPhrase says how many commitments have a status: "2 commitments on track".
func countPhrase(n int, status string) string {
	return plural(n, "commitment", "commitments") + " " + statusPhrase(status)
}

// Figure is a count of commitments with what it counts and the address of the list it counts.
type Figure struct {
	N     int
	Label string
	URL   string
}

// headlineFigures are the plan's headline figures, each with the list it counts. Each commitment
// is counted once: an overdue one under overdue, not under the open status it last reported (so
// on track, at risk or delayed and no update yet count those not overdue, and link to them).
func headlineFigures(p tracker.Plan, c tracker.StatusCounts) []Figure {
	notOverdue := FinderFilters{NotOverdue: true}
	return []Figure{
		{c.Total, "commitments", finderLink(p, FinderFilters{})},
		{c.ByStatus[tracker.Delivered], "delivered", finderLink(p, withStatus(FinderFilters{}, StatusDelivered))},
		{c.NotOverdue(tracker.OnTrack), "on track", finderLink(p, withStatus(notOverdue, StatusOnTrack))},
		{c.NotOverdue(tracker.AtRisk) + c.NotOverdue(tracker.Delayed), "at risk or delayed",
			finderLink(p, FinderFilters{Statuses: []string{StatusAtRisk, StatusDelayed}, NotOverdue: true})},
		{c.Overdue, "overdue", finderLink(p, FinderFilters{Overdue: true})},
		{c.NotOverdue(tracker.NoUpdate), "no update yet", finderLink(p, withStatus(notOverdue, StatusNoUpdate))},
	}
}

// countsNote says how the headline figures count: each commitment once.
const countsNote = "Each commitment is counted once. A commitment whose month has passed and that has not been delivered, " +
	"withdrawn or carried forward is counted as overdue, not under the status it last reported. The chart shows the status each commitment last reported."

// cellURL is the address of the commitments a cell of the chart's table counts: those of the bar
// with the status, or with any status for "total". It is "" when the chart links to no list.
func (c Chart) cellURL(b ChartBar, status string) string {
	if c.FinderPath == "" {
		return ""
	}
	f := b.Filters
	if status != "total" {
		f = withStatus(f, status)
	}
	return c.FinderPath + f.QueryString()
}

// cellContext completes, for screen readers, the link text of a count in the chart's table, for
// example "commitments on track, 4. Digital Skills and Leadership".
func (c Chart) cellContext(b ChartBar, n int, status string) string {
	what := plural(n, "commitment", "commitments")
	if status != "total" {
		what = countPhrase(n, status)
	}
	what = strings.TrimPrefix(what, strconv.Itoa(n))
	if c.Caption == "Due" {
		return what + ", due in " + b.Label
	}
	return what + ", " + b.Label
}
