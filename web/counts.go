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

// headlineFigures are the plan's headline figures, each with the list it counts.
func headlineFigures(p tracker.Plan, c tracker.StatusCounts) []Figure {
	return []Figure{
		{c.Total, "commitments", finderLink(p, FinderFilters{})},
		{c.ByStatus[tracker.Delivered], "delivered", finderLink(p, withStatus(FinderFilters{}, StatusDelivered))},
		{c.ByStatus[tracker.OnTrack], "on track", finderLink(p, withStatus(FinderFilters{}, StatusOnTrack))},
		{c.AtRiskOrDelayed(), "at risk or delayed", finderLink(p, FinderFilters{Statuses: []string{StatusAtRisk, StatusDelayed}})},
		{c.Overdue, "overdue", finderLink(p, FinderFilters{Overdue: true})},
		{c.ByStatus[tracker.NoUpdate], "no update yet", finderLink(p, withStatus(FinderFilters{}, StatusNoUpdate))},
	}
}

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
