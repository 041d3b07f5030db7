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

// DashboardTable is the dashboard's counts table: a row for each priority area, then the plan's
// (All), each count with the address of the list it counts. It depends on the plan's counts
// alone, so it is worked out once for the data it counts rather than for each page.
type DashboardTable struct {
	// Statuses are the status columns: no update yet, then every status; in a summarised table
	// only those some commitment of the plan has.
	Statuses []tracker.Status
	Areas    []DashboardRow
	All      DashboardRow
	// Summarised is true for a plan of more than OverviewAreasInFull priority areas, such as one
	// at national scale, whose table leaves out the statuses no commitment has.
	Summarised bool
}

// DashboardRow is a row of the counts table: what it counts (a priority area, or all of them)
// and a cell for each column.
type DashboardRow struct {
	Name  string
	Cells []DashboardCell
}

// DashboardCell is a cell of the counts table: its column (a status, "" for no update yet, or
// "overdue" or "total"), the column's label, and its count.
type DashboardCell struct {
	Column string
	Label  string
	Count  DashboardCount
}

// NewDashboardTable makes the counts table of the plan's priority areas from their counts by
// priority number (0 holding the plan's).
func NewDashboardTable(plan tracker.Plan, priorities []tracker.Priority, counts map[int]tracker.StatusCounts) DashboardTable {
	t := DashboardTable{Areas: make([]DashboardRow, len(priorities)), Summarised: len(priorities) > OverviewAreasInFull}
	for _, s := range dashboardStatuses() {
		if !t.Summarised || counts[0].ByStatus[s] > 0 {
			t.Statuses = append(t.Statuses, s)
		}
	}
	for i, p := range priorities {
		t.Areas[i] = t.row(plan, counts, p.Number, strconv.Itoa(p.Number)+". "+p.Name)
	}
	t.All = t.row(plan, counts, 0, "All priority areas")
	return t
}

// row is the row of the counts table of the priority area with the number (0 for every area),
// named name.
func (t DashboardTable) row(plan tracker.Plan, counts map[int]tracker.StatusCounts, number int, name string) DashboardRow {
	row := DashboardRow{Name: name, Cells: make([]DashboardCell, 0, len(t.Statuses)+2)}
	for _, s := range t.Statuses {
		row.Cells = append(row.Cells, DashboardCell{Column: string(s), Label: StatusLabel(string(s)),
			Count: countCell(plan, counts, number, name, string(s))})
	}
	row.Cells = append(row.Cells,
		DashboardCell{Column: "overdue", Label: "Overdue", Count: countCell(plan, counts, number, name, "overdue")},
		DashboardCell{Column: "total", Label: "Total", Count: countCell(plan, counts, number, name, "total")})
	return row
}

// countCell is the count of a cell of the dashboard's counts table: the commitments of the
// priority area (number; 0 for every area) with the status, or overdue ("overdue"), or all of
// them ("total").
func countCell(plan tracker.Plan, counts map[int]tracker.StatusCounts, number int, name string, column string) DashboardCount {
	c := counts[number]
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
	return DashboardCount{N: n, URL: finderLink(plan, f), Context: trimCount(what, n) + ", " + name}
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
