package postgres

import (
	"slices"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// CountFromMonths returns how many commitments the search selects, added up from months, the
// counts by month expected and status of the search's plan, or of its priority area when it
// names one (ExpectedMonthCounts, which the server keeps per data version), and true. It returns
// false when the search has a condition those counts cannot answer: text, a lead organisation,
// or being due an update. A filtered list then needs no count of its own: the counts kept for
// the plan's charts already hold it.
func (q CommitmentSearch) CountFromMonths(months []MonthCount, now time.Time) (int, bool) {
	if q.Text != "" || q.OrganisationID != 0 || q.UpdateDue {
		return 0, false
	}
	current := tracker.CurrentMonth(now)
	n := 0
	for _, mc := range months {
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, mc.Status) {
			continue
		}
		if q.DueFrom != nil && mc.Month.Before(*q.DueFrom) || q.DueTo != nil && q.DueTo.Before(mc.Month) {
			continue
		}
		// Overdue as overdueWhere says it: expected before this month and still open (no
		// update yet counts as open).
		overdue := mc.Month.Before(current) && mc.Status.Open()
		if q.Overdue && !overdue || q.NotOverdue && overdue {
			continue
		}
		n += mc.Count
	}
	return n, true
}
