package postgres

import (
	"context"
	"fmt"

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

// openWhere is tracker.Status.Open in SQL: no update yet, or a status outside @closed (from
// closedStatuses).
const openWhere = `(c.status IS NULL OR c.status <> ALL (@closed))`

// overdueWhere is tracker.IsOverdue in SQL: the month the commitment is expected by is before
// @month (the current month in the UK) and it is still open.
const overdueWhere = `coalesce(c.expected_month, c.due_month) < @month AND ` + openWhere

// updateDueWhere is Commitment.UpdateDue in SQL: still open and nothing published since @cutoff
// (from tracker.UpdateDueCutoff).
const updateDueWhere = openWhere + ` AND (c.last_published_at IS NULL OR c.last_published_at < @cutoff)`

// Dashboard returns, for the plan now by the store's clock, the overdue commitments (longest
// overdue first) and the commitments due an update (longest without one first), at most limit of
// each, with their totals. The commitments come without their lead lines.
func (s *Store) Dashboard(ctx context.Context, planID int64, limit int) (Dashboard, error) {
	var d Dashboard
	now := s.now()
	args := pgx.NamedArgs{"plan": planID, "month": currentMonth(now), "cutoff": tracker.UpdateDueCutoff(now),
		"closed": closedStatuses(), "limit": limit}
	// Each list is counted from the covering index commitments_plan_cover alone, and read in
	// order up to its limit from the index on the month expected (or, for updates, sorted from
	// the few candidates): counting and sorting thousands of full rows together, to keep 50, is
	// what made the dashboard slow at national scale. All four statements go in one round trip.
	batch := &pgx.Batch{}
	list := func(where, order string, out *[]tracker.Commitment, total *int) {
		batch.Queue(`SELECT count(*) FROM commitments c WHERE c.plan_id = @plan AND c.retired_at IS NULL AND `+where, args).
			QueryRow(func(row pgx.Row) error { return row.Scan(total) })
		batch.Queue(`SELECT `+commitmentColumns+commitmentFrom+`
			WHERE c.plan_id = @plan AND c.retired_at IS NULL AND `+where+` ORDER BY `+order+` LIMIT @limit`, args).
			Query(func(rows pgx.Rows) error {
				var err error
				*out, err = pgx.CollectRows(rows, scanCommitment)
				return err
			})
	}
	list(overdueWhere, `coalesce(c.expected_month, c.due_month), p.number, c.ordinal`, &d.Overdue, &d.OverdueTotal)
	list(updateDueWhere, `c.last_published_at NULLS FIRST, p.number, c.ordinal`, &d.UpdateDue, &d.UpdateDueTotal)
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return Dashboard{}, storeError(fmt.Sprintf("dashboard of plan %d", planID), err, nil)
	}
	return d, nil
}
