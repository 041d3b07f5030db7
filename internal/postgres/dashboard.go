package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Dashboard is what the staff dashboard lists beyond the status counts: the overdue commitments
// and those due an update, the first of each with how many there are in all.
type Dashboard struct {
	Overdue        []tracker.Commitment
	OverdueTotal   int
	UpdateDue      []tracker.Commitment
	UpdateDueTotal int
}

// overdueWhere is tracker.IsOverdue in SQL: the month the commitment is expected by is before
// @month (the current month in the UK) and its status is open.
const overdueWhere = `coalesce(c.expected_month, c.due_month) < @month
	AND coalesce(c.status, '') NOT IN ('delivered', 'withdrawn', 'carried_forward')`

// updateDueWhere is Commitment.UpdateDue in SQL: still open and nothing published since @cutoff
// (from tracker.UpdateDueCutoff).
const updateDueWhere = `coalesce(c.status, '') NOT IN ('delivered', 'withdrawn', 'carried_forward')
	AND (c.last_published_at IS NULL OR c.last_published_at < @cutoff)`

// Dashboard returns, for the plan at now, the overdue commitments (longest overdue first) and the
// commitments due an update (longest without one first), at most limit of each, with their
// totals. The commitments come without their lead lines.
func (s *Store) Dashboard(ctx context.Context, planID int64, now time.Time, limit int) (Dashboard, error) {
	var d Dashboard
	args := pgx.NamedArgs{"plan": planID, "month": currentMonth(now), "cutoff": tracker.UpdateDueCutoff(now), "limit": limit}
	// Each list first finds and counts its commitments from narrow rows (the covering index
	// commitments_plan_cover holds every column it needs), then reads the few it shows in full:
	// counting thousands of full rows is what made the dashboard slow at national scale.
	list := func(where, order string, total *int) ([]tracker.Commitment, error) {
		rows, _ := s.pool.Query(ctx, `SELECT `+commitmentColumns+`, t.total FROM (
				SELECT c.id, count(*) OVER () AS total FROM commitments c JOIN priorities p ON p.id = c.priority_id
				WHERE c.plan_id = @plan AND c.retired_at IS NULL AND `+where+` ORDER BY `+order+` LIMIT @limit) t
			JOIN commitments c ON c.id = t.id JOIN priorities p ON p.id = c.priority_id
			ORDER BY `+order, args)
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (tracker.Commitment, error) {
			return scanCommitmentWith(row, total)
		})
	}
	var err error
	if d.Overdue, err = list(overdueWhere, `coalesce(c.expected_month, c.due_month), p.number, c.ordinal`, &d.OverdueTotal); err != nil {
		return Dashboard{}, fmt.Errorf("postgres: overdue commitments of plan %d: %w", planID, err)
	}
	if d.UpdateDue, err = list(updateDueWhere, `c.last_published_at NULLS FIRST, p.number, c.ordinal`, &d.UpdateDueTotal); err != nil {
		return Dashboard{}, fmt.Errorf("postgres: commitments due an update in plan %d: %w", planID, err)
	}
	return d, nil
}
