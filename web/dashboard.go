package web

import (
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Every count on the dashboard links to the list it counts: the plan's commitments finder with
// the filters that select them, or the review queue. A count of none is not a link.

// DashboardCount is a count on the dashboard with the address of the list it counts and the words
// that, after the number, say what it counts, for screen readers.
type DashboardCount struct {
	N       int
	URL     string
	Context string
}

// countCell is the count of a cell of the dashboard's counts table: the commitments of the
// priority area (number; 0 for every area) with the status, or overdue ("overdue"), or all of
// them ("total").
func (v DashboardView) countCell(number int, name string, column string) DashboardCount {
	c := v.Counts[number]
	var f FinderFilters
	if number > 0 {
		f.Priority = strconv.Itoa(number)
	}
	var n int
	var what string
	switch column {
	case "overdue":
		n, f.Overdue = c.Overdue, true
		what = plural(n, "commitment", "commitments") + " overdue"
	case "total":
		n = c.Total
		what = plural(n, "commitment", "commitments")
	default:
		n = c.ByStatus[tracker.Status(column)]
		f = withStatus(f, column)
		what = countPhrase(n, column)
	}
	return DashboardCount{N: n, URL: finderLink(v.Plan, f), Context: trimCount(what, n) + ", " + name}
}

// trimCount takes the number off the front of a phrase such as "2 commitments on track".
func trimCount(phrase string, n int) string {
	return phrase[len(strconv.Itoa(n)):]
}

// overdueCount is the count of overdue commitments, linked to the finder's overdue filter.
func (v DashboardView) overdueCount() DashboardCount {
	return DashboardCount{N: v.OverdueTotal, URL: finderLink(v.Plan, FinderFilters{Overdue: true})}
}

// updateDueCount is the count of commitments due an update, linked to the finder's filter.
func (v DashboardView) updateDueCount() DashboardCount {
	return DashboardCount{N: v.UpdateDueTotal, URL: finderLink(v.Plan, FinderFilters{UpdateDue: true})}
}

// waitingLink is the count of updates waiting for review, linked to the review queue.
func (v DashboardView) waitingLink() DashboardCount {
	return DashboardCount{N: v.WaitingTotal, URL: paths.ReviewList}
}
