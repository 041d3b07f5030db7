package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// DashboardLists is what the staff dashboard shows of a plan beyond the counts by status: its
// priority areas, and the first of its overdue commitments and of those due an update, with how
// many there are in all. It is read from the plan's public data alone, at an instant of the
// store's clock, and stays true until the data changes, the month changes (for what is
// overdue) or Until.
type DashboardLists struct {
	Priorities     []tracker.Priority
	Overdue        []tracker.Commitment
	OverdueTotal   int
	UpdateDue      []tracker.Commitment
	UpdateDueTotal int
	// Until is when a commitment could next become due an update without the data changing (it
	// is due at any instant after): UpdateDueAfter after the oldest publication that is recent
	// enough not to make one due yet. It is zero when there is none.
	Until time.Time
}

// DashboardQueue is what the staff dashboard shows that changes without the public data
// changing: the plan's open reporting round, if it has one, and the first updates waiting for
// review (of every plan, as the review queue lists them) with how many wait in all; and the data
// version, read first.
type DashboardQueue struct {
	Version      int64
	Round        *tracker.Round
	Waiting      []WaitingUpdate
	WaitingTotal int
}

// WaitingUpdate is an update waiting for review as the dashboard lists it: its ID, commitment
// (ID and reference), who it is from (OrganisationName, SourceTitle) and when it was submitted,
// with what its commitment will deliver.
type WaitingUpdate struct {
	Update  tracker.Update
	Deliver string
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

// DashboardLists returns, for the plan now by the store's clock, in one round trip, its priority
// areas, the overdue commitments (longest overdue first) and the commitments due an update
// (longest without one first), at most limit of each, with their totals, and until when they
// hold. The commitments come without their lead lines.
func (s *Store) DashboardLists(ctx context.Context, planID int64, limit int) (DashboardLists, error) {
	var d DashboardLists
	now := s.now()
	args := pgx.NamedArgs{"plan": planID, "month": currentMonth(now), "cutoff": tracker.UpdateDueCutoff(now),
		"closed": closedStatuses(), "limit": limit}
	// Each list is counted from the covering index commitments_plan_cover alone, and read in
	// order up to its limit from the index on the month expected (or, for updates, sorted from
	// the few candidates): counting and sorting thousands of full rows together, to keep 50, is
	// what made the dashboard slow at national scale.
	batch := &pgx.Batch{}
	list := func(where, order string, out *[]tracker.Commitment, total *int) {
		batch.Queue(`SELECT count(*) FROM commitments c WHERE c.plan_id = @plan AND c.retired_at IS NULL AND `+where, args).
			QueryRow(func(row pgx.Row) error { return row.Scan(total) })
		batch.Queue(`SELECT `+commitmentColumns+commitmentFrom+`
			WHERE c.plan_id = @plan AND c.retired_at IS NULL AND `+where+` ORDER BY `+order+` LIMIT @limit`, args).
			Query(func(rows pgx.Rows) error {
				var err error
				*out, err = collectCommitments(rows, limit)
				return err
			})
	}
	list(overdueWhere, `coalesce(c.expected_month, c.due_month), p.number, c.ordinal`, &d.Overdue, &d.OverdueTotal)
	list(updateDueWhere, `c.last_published_at NULLS FIRST, p.number, c.ordinal`, &d.UpdateDue, &d.UpdateDueTotal)
	// The oldest recent publication, from the index on the last publication: any commitment's,
	// open or not, so that Until may come early but never late.
	batch.Queue(`SELECT min(c.last_published_at) FROM commitments c
		WHERE c.plan_id = @plan AND c.retired_at IS NULL AND c.last_published_at >= @cutoff`, args).
		QueryRow(func(row pgx.Row) error {
			var oldest *time.Time
			if err := row.Scan(&oldest); err != nil {
				return err
			}
			if oldest != nil {
				d.Until = oldest.Add(tracker.UpdateDueAfter)
			}
			return nil
		})
	batch.Queue(`SELECT `+priorityColumns+` FROM priorities
		WHERE plan_id = @plan AND retired_at IS NULL ORDER BY number`, args).
		Query(func(rows pgx.Rows) error {
			var err error
			d.Priorities, err = pgx.CollectRows(rows, scanPriority)
			return err
		})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return DashboardLists{}, storeError(fmt.Sprintf("dashboard lists of plan %d", planID), err, nil)
	}
	return d, nil
}

// DashboardQueue returns, in one round trip, the data version, the reporting round open today by
// the store's clock (nil if none is) of the plan with the slug (the current plan when slug is ""),
// and the updates waiting for review, at most waiting of them, longest waiting first, with how
// many wait in all.
func (s *Store) DashboardQueue(ctx context.Context, slug string, waiting int) (DashboardQueue, error) {
	var d DashboardQueue
	batch := &pgx.Batch{}
	batch.Queue(`SELECT version FROM data_version`).QueryRow(func(row pgx.Row) error { return row.Scan(&d.Version) })
	batch.Queue(`SELECT `+roundColumns+roundFrom+`
		WHERE p.retired_at IS NULL AND (CASE WHEN $1 = '' THEN p.is_current ELSE p.slug = $1 END)
		AND r.closed_at IS NULL AND r.opens_on <= $2`, slug, tracker.Date(s.now())).
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
	// Only what the list shows of each update, with what its commitment will deliver, so that
	// the list needs no second read of the commitments.
	batch.Queue(`SELECT count(*) FROM updates u WHERE u.state = 'submitted' AND ` + notRetired).
		QueryRow(func(row pgx.Row) error { return row.Scan(&d.WaitingTotal) })
	batch.Queue(`SELECT u.id, u.commitment_id, c.ref, c.deliver, coalesce(o.name, ''), coalesce(u.source_title, ''),
		u.submitted_at
		FROM updates u JOIN commitments c ON c.id = u.commitment_id
		LEFT JOIN organisations o ON o.id = u.organisation_id`+reviewWhere+`
		ORDER BY u.submitted_at, u.id LIMIT $1`, waiting).
		Query(func(rows pgx.Rows) error {
			var err error
			d.Waiting, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (WaitingUpdate, error) {
				w := WaitingUpdate{Update: tracker.Update{State: tracker.StateSubmitted}}
				err := row.Scan(&w.Update.ID, &w.Update.CommitmentID, &w.Update.CommitmentRef, &w.Deliver,
					&w.Update.OrganisationName, &w.Update.SourceTitle, &w.Update.SubmittedAt)
				return w, err
			})
			// The two statements see the data a moment apart: a list that is not cut short is
			// the whole queue.
			if len(d.Waiting) < waiting {
				d.WaitingTotal = len(d.Waiting)
			}
			d.WaitingTotal = max(d.WaitingTotal, len(d.Waiting))
			return err
		})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return DashboardQueue{}, storeError(fmt.Sprintf("dashboard queue of plan %q", slug), err, nil)
	}
	return d, nil
}
