package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// fingerprintSQL sums up, as an md5 hash, every version of what an import is compared with: the
// plan's commitments (retired ones too), its priority areas and every organisation. Every change
// to any of them changes a version, so an equal fingerprint means an import's preview still holds.
const fingerprintSQL = `SELECT md5(
	coalesce((SELECT string_agg(id || ':' || version || ':' || (retired_at IS NULL), ',' ORDER BY id)
	          FROM commitments WHERE plan_id = $1), '') || '|' ||
	coalesce((SELECT string_agg(id || ':' || version || ':' || (retired_at IS NULL), ',' ORDER BY id)
	          FROM priorities WHERE plan_id = $1), '') || '|' ||
	coalesce((SELECT string_agg(id || ':' || version || ':' || (retired_at IS NULL), ',' ORDER BY id)
	          FROM organisations), ''))`

// ImportPlan returns what a CSV file of a plan's commitments is compared with, and the fingerprint
// of that state, which ImportCommitments checks before it writes anything. It returns
// tracker.ErrNotFound if there is no such plan.
func (s *Store) ImportPlan(ctx context.Context, planID int64) (plancsv.Plan, string, error) {
	var p plancsv.Plan
	var fingerprint string
	// One snapshot, so that the fingerprint stands for exactly what was read.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plans WHERE id = $1 AND retired_at IS NULL)`, planID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return tracker.ErrNotFound
		}
		if err := tx.QueryRow(ctx, fingerprintSQL, planID).Scan(&fingerprint); err != nil {
			return err
		}
		var err error
		if p.Commitments, err = commitments(ctx, tx, CommitmentFilter{PlanID: planID}); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT ref FROM commitments WHERE plan_id = $1 AND retired_at IS NOT NULL ORDER BY ref`, planID)
		if p.RetiredRefs, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT `+priorityColumns+` FROM priorities WHERE plan_id = $1 AND retired_at IS NULL ORDER BY number`, planID)
		if p.Priorities, err = pgx.CollectRows(rows, scanPriority); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT `+organisationColumns+` FROM organisations ORDER BY name`)
		p.Organisations, err = pgx.CollectRows(rows, scanOrganisation)
		return err
	})
	if err != nil {
		return p, "", storeError(fmt.Sprintf("import plan %d", planID), err, nil)
	}
	return p, fingerprint, nil
}

// ImportCommitments applies an import's preview to a plan in one transaction: it creates the new
// commitments and changes the changed ones, auditing each with before and after, and records the
// import. fingerprint must be the one ImportPlan gave with the state the preview was made from:
// if anything the preview depends on has changed since, it returns tracker.ErrConflict and writes
// nothing.
func (s *Store) ImportCommitments(ctx context.Context, actor tracker.Actor, planID int64, preview plancsv.Preview, fingerprint string) error {
	// What the preview was made from is locked and unchanged, so a row it names that is missing,
	// such as a priority area, can only mean it changed.
	return s.tx(ctx, fmt.Sprintf("import into plan %d", planID), violations{noRow: tracker.ErrConflict}, func(tx pgx.Tx, at time.Time) error {
		// Hold off other imports, carry forwards and edits of the plan's commitments until this
		// one commits, then check nothing changed since the preview.
		if _, err := tx.Exec(ctx, `SELECT id FROM plans WHERE id = $1 FOR UPDATE`, planID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT id FROM commitments WHERE plan_id = $1 ORDER BY id FOR UPDATE`, planID); err != nil {
			return err
		}
		var now string
		if err := tx.QueryRow(ctx, fingerprintSQL, planID).Scan(&now); err != nil {
			return err
		}
		if now != fingerprint {
			return tracker.ErrConflict
		}
		var created, changed []string
		for _, ch := range preview.Create {
			c, err := insertCommitment(ctx, tx, at, planID, ch.After)
			if err != nil {
				return fmt.Errorf("row %d, %s: %w", ch.Row, ch.After.Ref, err)
			}
			if err := audit(ctx, tx, actor, at, AuditEntry{Action: "commitment.create", RecordType: "commitment",
				RecordID: RecordRef(c.ID), Details: map[string]any{"plan_id": planID, "import_row": ch.Row,
					"after": commitmentRecord(c)}}); err != nil {
				return err
			}
			created = append(created, c.Ref)
		}
		for _, ch := range preview.Change {
			if err := commitmentsTable.lock(ctx, tx, ch.After.ID, ch.After.Version); err != nil {
				return fmt.Errorf("row %d, %s: %w", ch.Row, ch.After.Ref, err)
			}
			c, err := updateCommitment(ctx, tx, at, ch.After)
			if err != nil {
				return fmt.Errorf("row %d, %s: %w", ch.Row, ch.After.Ref, err)
			}
			if err := audit(ctx, tx, actor, at, AuditEntry{Action: "commitment.update", RecordType: "commitment",
				RecordID: RecordRef(c.ID), Details: map[string]any{"import_row": ch.Row,
					"before": commitmentRecord(*ch.Before), "after": commitmentRecord(c)}}); err != nil {
				return err
			}
			changed = append(changed, c.Ref)
		}
		return audit(ctx, tx, actor, at, AuditEntry{Action: "plan.import", RecordType: "plan", RecordID: RecordRef(planID),
			Details: map[string]any{"created": nonNil(created), "changed": nonNil(changed), "unchanged": len(preview.Unchanged)}})
	})
}
