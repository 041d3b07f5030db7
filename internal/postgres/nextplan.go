package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// CarryForwardReason is the reason the carried-forward update gives, naming the plan that
// continues the commitment.
func CarryForwardReason(to tracker.Plan) string {
	return "Carried forward to " + to.Title + "."
}

// CarryForward copies commitments of a plan's previous plan into the plan, in one transaction.
// Each copy keeps the ref, what it will deliver, why and the lead lines, goes into the priority
// area with the same number, is due when the original is now expected, and links back to the
// original. Each original links to its copy and gets a published update from the actor, status
// Carried forward with a reason naming the plan, which its history shows. Everything is audited.
//
// It returns an EINVALID error, and changes nothing, if a commitment is not an open commitment of
// the previous plan, has been carried forward already, has no matching priority area in the plan
// or its ref is taken there; tracker.ErrNotFound if the plan does not exist.
func (s *Store) CarryForward(ctx context.Context, actor tracker.Actor, planID int64, ids []int64) ([]tracker.Commitment, error) {
	to, err := s.PlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	if to.PreviousID == nil {
		return nil, tracker.Invalid("commitments", "%s does not follow another plan, so it has nothing to carry forward", to.Title)
	}
	if len(ids) == 0 {
		return nil, tracker.Invalid("commitments", "Choose the commitments to carry forward")
	}
	if actor.User == nil {
		return nil, fmt.Errorf("postgres: carry forward: a member of staff must publish the carried forward updates")
	}
	reason := CarryForwardReason(to)
	var out []tracker.Commitment
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
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
			return tracker.Invalid("commitments", "A chosen commitment no longer exists: check the list again")
		}
		priorities := map[int]int64{}
		rows, _ := tx.Query(ctx, `SELECT number, id FROM priorities WHERE plan_id = $1 AND retired_at IS NULL`, planID)
		var number int
		var pid int64
		if _, err := pgx.ForEachRow(rows, []any{&number, &pid}, func() error { priorities[number] = pid; return nil }); err != nil {
			return err
		}
		for _, old := range olds {
			switch {
			case old.PlanID != *to.PreviousID:
				return tracker.Invalid("commitments", "Commitment %s is not in the plan %s follows", old.Ref, to.Title)
			case old.CarriedForwardToID != nil:
				return tracker.Invalid("commitments", "Commitment %s has been carried forward already", old.Ref)
			case !old.Status.Open():
				return tracker.Invalid("commitments", "Commitment %s is %s, so it cannot be carried forward", old.Ref, old.Status.Label())
			case priorities[old.PriorityNumber] == 0:
				return tracker.Invalid("commitments", "%s has no priority area %d for commitment %s: add it first", to.Title, old.PriorityNumber, old.Ref)
			}
			c := old
			c.ID, c.PriorityID, c.Due, c.SourceURL = 0, priorities[old.PriorityNumber], old.ExpectedBy(), ""
			c.Expected, c.Status, c.StatusReason, c.LastPublishedAt, c.CarriedForwardToID = nil, tracker.NoUpdate, "", nil, nil
			oldID := old.ID
			c.CarriedForwardFromID = &oldID
			// Organisations retired since keep no place in the new plan.
			c.Leads = nil
			for _, l := range old.Leads {
				nl := tracker.LeadLine{Text: l.Text}
				for _, o := range l.Organisations {
					if o.RetiredAt == nil {
						nl.Organisations = append(nl.Organisations, o)
					}
				}
				c.Leads = append(c.Leads, nl)
			}
			c, err = insertCommitment(ctx, tx, planID, c)
			if isUniqueViolation(err) {
				return tracker.Invalid("commitments", "%s already has a commitment %s", to.Title, old.Ref)
			}
			if err != nil {
				return fmt.Errorf("copy %s: %w", old.Ref, err)
			}
			// The original gets a published update saying where it went, through the same
			// publication as every update, so that its history and status follow.
			locked, err := lockCommitment(ctx, tx, old.ID)
			if err != nil {
				return fmt.Errorf("lock %s: %w", old.Ref, err)
			}
			if _, err := openUpdate(ctx, tx, old.ID, actor.User, false); err == nil {
				return tracker.Invalid("commitments", "You have an update in progress on commitment %s: submit or delete it first", old.Ref)
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			planID := to.ID
			if _, err := writeReport(ctx, tx, actor, locked, nil, ReportWrite{CommitmentID: old.ID,
				Report: tracker.Report{Status: tracker.CarriedForward, StatusReason: reason,
					Narrative:        fmt.Sprintf("Carried forward to %s as commitment %s.", to.Title, c.Ref),
					CarriedForwardTo: to.Title, CarriedForwardPlanID: &planID},
				Base: tracker.ReportBase{Version: locked.Version}, Action: tracker.ActionPublish, At: s.now()}); err != nil {
				return fmt.Errorf("publish carried forward update on %s: %w", old.Ref, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE commitments SET carried_forward_to = $2, version = version + 1, updated_at = now()
				WHERE id = $1`, old.ID, c.ID); err != nil {
				return fmt.Errorf("link %s to its copy: %w", old.Ref, err)
			}
			if err := audit(ctx, tx, actor, AuditEntry{Action: "commitment.carry_forward", RecordType: "commitment",
				RecordID: fmt.Sprint(old.ID), Details: map[string]any{
					"before": map[string]any{"status": string(old.Status), "carried_forward_to": nil},
					"after":  map[string]any{"status": string(tracker.CarriedForward), "carried_forward_to": c.ID, "plan_id": to.ID},
				}}); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, AuditEntry{Action: "commitment.create", RecordType: "commitment",
				RecordID: fmt.Sprint(c.ID), Details: map[string]any{"plan_id": planID, "carried_forward_from": old.ID,
					"after": commitmentRecord(c)}}); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		var e *tracker.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: carry forward into plan %d: %w", planID, err)
	}
	return out, nil
}
