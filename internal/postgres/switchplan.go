package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// WorkInProgress is an update in progress (a draft, submitted or returned) on a commitment of a
// plan, with the plan and what the commitment will deliver.
type WorkInProgress struct {
	tracker.Update
	PlanID    int64
	PlanSlug  string
	PlanTitle string
	Deliver   string
}

// SwitchPreview is what making a plan current leaves behind in the other plans: their rounds
// that staff have not closed, and the updates in progress on their commitments.
type SwitchPreview struct {
	OpenRounds []tracker.Round
	InProgress []WorkInProgress
}

// SwitchPreview returns what making the plan current would leave in progress in the other plans
// that are not retired: their rounds not closed, and the updates in progress on their
// commitments (not retired), the latest plan first, in the order of the commitments.
func (s *Store) SwitchPreview(ctx context.Context, planID int64) (SwitchPreview, error) {
	var v SwitchPreview
	rows, _ := s.pool.Query(ctx, `SELECT `+roundColumns+roundFrom+`
		WHERE r.closed_at IS NULL AND p.retired_at IS NULL AND r.plan_id <> $1 ORDER BY p.period DESC, r.opens_on, r.id`, planID)
	var err error
	if v.OpenRounds, err = pgx.CollectRows(rows, scanRound); err != nil {
		return v, storeError(fmt.Sprintf("rounds left open by making plan %d current", planID), err, nil)
	}
	rows, _ = s.pool.Query(ctx, `SELECT `+updateColumns+`, p.id, p.slug, p.title, c.deliver`+updateFrom+`
		JOIN plans p ON p.id = c.plan_id
		JOIN priorities pr ON pr.id = c.priority_id
		WHERE u.state <> 'published' AND c.plan_id <> $1 AND c.retired_at IS NULL AND p.retired_at IS NULL
		ORDER BY p.period DESC, pr.number, c.ordinal, u.id`, planID)
	v.InProgress, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (WorkInProgress, error) {
		var w WorkInProgress
		var err error
		w.Update, err = scanUpdateWith(row, &w.PlanID, &w.PlanSlug, &w.PlanTitle, &w.Deliver)
		return w, err
	})
	return v, storeError(fmt.Sprintf("updates in progress left by making plan %d current", planID), err, nil)
}

// MakeCurrent makes the plan the current one, as SwitchPlan does, leaving the rounds of the other
// plans as they are.
func (s *Store) MakeCurrent(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	return s.SwitchPlan(ctx, actor, id, version, reason, false)
}

// SwitchPlan makes the plan the current one, the one the portal shows at its home page, in one
// transaction, audited with the reason. With closeRounds, it also closes every round of the
// other plans not yet closed, each audited as closed with the same reason; without, those rounds
// stay open, and partners still see them and report in them.
//
// It returns an EINVALID error about "plan" (tracker.CheckMakeCurrent) if the plan has no
// publication date, tracker.ErrConflict if it is no longer at version, and tracker.ErrNotFound if
// there is no such plan.
func (s *Store) SwitchPlan(ctx context.Context, actor tracker.Actor, id int64, version int, reason string, closeRounds bool) error {
	details := reasonDetails(reason)
	_, err := change(ctx, s, actor, plans, edit{id: id, version: version, action: "make_current",
		op: fmt.Sprintf("make plan %d current", id), on: planViolations(tracker.Plan{}), details: details, blind: true},
		func(tx pgx.Tx, at time.Time, _ tracker.Plan) (tracker.Plan, error) {
			var p tracker.Plan
			if err := tx.QueryRow(ctx, `SELECT title, published_on FROM plans WHERE id = $1`, id).Scan(&p.Title, &p.PublishedOn); err != nil {
				return p, err
			}
			if err := tracker.CheckMakeCurrent(p); err != nil {
				return p, err
			}
			var previous *int64
			err := tx.QueryRow(ctx, `UPDATE plans SET is_current = false, version = version + 1, updated_at = $2
				WHERE is_current AND id <> $1 RETURNING id`, id, at).Scan(&previous)
			if err != nil && !noRows(err) {
				return p, err
			}
			if _, err := tx.Exec(ctx, `UPDATE plans SET is_current = true, version = version + 1, updated_at = $2
				WHERE id = $1`, id, at); err != nil {
				return p, err
			}
			details["before"] = map[string]any{"current_plan_id": previous}
			details["after"] = map[string]any{"current_plan_id": id}
			closed := []int64{}
			if closeRounds {
				var err error
				if closed, err = closeOtherRounds(ctx, tx, actor, at, id, reason); err != nil {
					return p, err
				}
			}
			details["closed_rounds"] = closed
			return p, nil
		})
	return err
}

// closeOtherRounds closes, in tx, every round not closed of the plans other than planID that are
// not retired, auditing each with the reason, and returns their IDs.
func closeOtherRounds(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, planID int64, reason string) ([]int64, error) {
	rows, _ := tx.Query(ctx, `UPDATE reporting_rounds r SET closed_at = $2, version = r.version + 1, updated_at = $2
		FROM plans p WHERE p.id = r.plan_id AND r.plan_id <> $1 AND r.closed_at IS NULL AND p.retired_at IS NULL
		RETURNING r.id`, planID, at)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	for _, rid := range ids {
		d := reasonDetails(reason)
		d["before"], d["after"] = map[string]any{"closed": false}, map[string]any{"closed": true}
		d["plan_made_current"] = planID
		if err := audit(ctx, tx, actor, at, AuditEntry{Action: "round.close", RecordType: "round",
			RecordID: RecordRef(rid), Details: d}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// carriedStatus follows an update published, in tx, on a commitment carried forward into a later
// plan as copyID (nil when it has not been): it joins the original's history, but the original
// stays Carried forward (see Store.publish), and the copy takes the update's status instead,
// while nothing has been published on the copy itself and the status is not one that closes a
// commitment (those need staff's reason on the copy).
func carriedStatus(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, to *int64, updateID int64) error {
	if to == nil {
		return nil
	}
	copyID := *to
	var before, after string
	err := tx.QueryRow(ctx, `
		UPDATE commitments n SET status = u.status, version = n.version + 1, updated_at = $3
		FROM updates u, (SELECT coalesce(status, '') AS status FROM commitments WHERE id = $1 FOR UPDATE) b
		WHERE n.id = $1 AND u.id = $2 AND n.last_published_at IS NULL AND n.retired_at IS NULL
		  AND u.status NOT IN ('withdrawn', 'carried_forward')
		RETURNING b.status, n.status`, copyID, updateID, at).Scan(&before, &after)
	if noRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("status of carried forward copy %d: %w", copyID, err)
	}
	return audit(ctx, tx, actor, at, AuditEntry{Action: "commitment.carried_status", RecordType: "commitment",
		RecordID: RecordRef(copyID), Details: map[string]any{"update": updateID,
			"before": map[string]any{"status": before}, "after": map[string]any{"status": after}}})
}
