package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// CarryForward copies commitments of a plan's previous plan into the plan, in one transaction,
// as tracker.CarryForwardCopy says: each copy links back to its original, and each original links
// to its copy and gets a published update from the actor (tracker.CarryForwardReport), which its
// history shows. Everything is audited, at the time by the store's clock.
//
// It returns an EINVALID error about "commitments", and changes nothing, if the plan follows none
// or none are chosen (tracker.CheckCarryForward), a commitment no longer exists
// (tracker.ErrCarryForwardGone), cannot be carried forward (tracker.CarryForwardCopy), has its
// ref taken in the plan (tracker.CarryForwardRefTaken) or has an update of the actor's in progress
// (tracker.CarryForwardUpdateOpen); tracker.ErrNotFound if the plan does not exist.
func (s *Store) CarryForward(ctx context.Context, actor tracker.Actor, planID int64, ids []int64) ([]tracker.Commitment, error) {
	to, err := s.PlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	if err := tracker.CheckCarryForward(to, len(ids)); err != nil {
		return nil, err
	}
	if actor.User == nil {
		return nil, fmt.Errorf("postgres: carry forward: a member of staff must publish the carried forward updates")
	}
	var out []tracker.Commitment
	err = s.tx(ctx, fmt.Sprintf("carry forward into plan %d", planID), nil, func(tx pgx.Tx, at time.Time) error {
		// One carry forward into a plan at a time.
		if _, err := tx.Exec(ctx, `SELECT id FROM plans WHERE id = $1 FOR UPDATE`, planID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT id FROM commitments WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids); err != nil {
			return err
		}
		olds, err := commitments(ctx, tx, CommitmentFilter{IDs: ids, WithRetiredOrganisations: true})
		if err != nil {
			return err
		}
		if len(olds) != len(ids) {
			return tracker.ErrCarryForwardGone
		}
		priorities := map[int]int64{}
		rows, _ := tx.Query(ctx, `SELECT number, id FROM priorities WHERE plan_id = $1 AND retired_at IS NULL`, planID)
		var number int
		var pid int64
		if _, err := pgx.ForEachRow(rows, []any{&number, &pid}, func() error { priorities[number] = pid; return nil }); err != nil {
			return err
		}
		for _, old := range olds {
			c, err := s.carryForward(ctx, tx, actor, at, to, old, priorities)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// carryForward carries one commitment, old, forward into the plan to in tx, and returns its copy.
func (s *Store) carryForward(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, to tracker.Plan, old tracker.Commitment,
	priorities map[int]int64) (tracker.Commitment, error) {
	c, err := tracker.CarryForwardCopy(to, old, priorities)
	if err != nil {
		return c, err
	}
	if c, err = insertCommitment(ctx, tx, at, to.ID, c); err != nil {
		if e := violated(err, violations{commitmentsRefKey: tracker.CarryForwardRefTaken(to, old.Ref)}); e != nil {
			return c, e
		}
		return c, fmt.Errorf("copy %s: %w", old.Ref, err)
	}
	// The original gets a published update saying where it went, through the same publication as
	// every update, so that its history and status follow.
	locked, err := lockCommitment(ctx, tx, old.ID)
	if err != nil {
		return c, fmt.Errorf("lock %s: %w", old.Ref, err)
	}
	if _, err := openUpdate(ctx, tx, old.ID, actor.User, false); err == nil {
		return c, tracker.CarryForwardUpdateOpen(old.Ref)
	} else if !noRows(err) {
		return c, err
	}
	if _, err := s.writeReport(ctx, tx, actor, at, locked, nil, ReportWrite{CommitmentID: old.ID,
		Report: tracker.CarryForwardReport(to, c), Base: tracker.ReportBase{Version: locked.Version},
		Action: tracker.ActionPublish}); err != nil {
		return c, fmt.Errorf("publish carried forward update on %s: %w", old.Ref, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE commitments SET carried_forward_to = $2, version = version + 1, updated_at = $3
		WHERE id = $1`, old.ID, c.ID, at); err != nil {
		return c, fmt.Errorf("link %s to its copy: %w", old.Ref, err)
	}
	if err := audit(ctx, tx, actor, at, AuditEntry{Action: "commitment.carry_forward", RecordType: "commitment",
		RecordID: RecordRef(old.ID), Details: map[string]any{
			"before": map[string]any{"status": string(old.Status), "carried_forward_to": nil},
			"after":  map[string]any{"status": string(tracker.CarriedForward), "carried_forward_to": c.ID, "plan_id": to.ID},
		}}); err != nil {
		return c, err
	}
	return c, audit(ctx, tx, actor, at, AuditEntry{Action: "commitment.create", RecordType: "commitment",
		RecordID: RecordRef(c.ID), Details: map[string]any{"plan_id": to.ID, "carried_forward_from": old.ID,
			"after": commitmentRecord(c)}})
}
