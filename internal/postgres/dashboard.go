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
	// The plan's priority areas (as Priorities), its open round if it has one (as OpenRound),
	// and the first updates waiting for review with how many wait in all (as ReviewQueue).
	Priorities   []tracker.Priority
	Round        *tracker.Round
	Waiting      []tracker.Update
	WaitingTotal int
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

// Dashboard returns, for the plan now by the store's clock, in one round trip, the overdue commitments (longest
// overdue first) and the commitments due an update (longest without one first), at most limit of
// each, with their totals. The commitments come without their lead lines.
func (s *Store) Dashboard(ctx context.Context, planID int64, limit, waiting int) (Dashboard, error) {
	var d Dashboard
	now := s.now()
	args := pgx.NamedArgs{"plan": planID, "month": currentMonth(now), "cutoff": tracker.UpdateDueCutoff(now),
		"closed": closedStatuses(), "limit": limit, "today": tracker.Date(now)}
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
	// The rest of the page goes in the same round trip.
	batch.Queue(`SELECT `+priorityColumns+` FROM priorities
		WHERE plan_id = @plan AND retired_at IS NULL ORDER BY number`, args).
		Query(func(rows pgx.Rows) error {
			var err error
			d.Priorities, err = pgx.CollectRows(rows, scanPriority)
			return err
		})
	batch.Queue(`SELECT `+roundColumns+roundFrom+`
		WHERE r.plan_id = @plan AND r.closed_at IS NULL AND r.opens_on <= @today`, args).
		Query(func(rows pgx.Rows) error {
			rs, err := pgx.CollectRows(rows, scanRound)
			switch {
			case err != nil:
				return err
			case len(rs) > 1:
				return pgx.ErrTooManyRows
			case len(rs) == 1:
				d.Round = &rs[0]
			}
			return nil
		})
	queueReviewQueue(batch, waiting, &d.Waiting, &d.WaitingTotal)
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return Dashboard{}, storeError(fmt.Sprintf("dashboard of plan %d", planID), err, nil)
	}
	return d, nil
}
