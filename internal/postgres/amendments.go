package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// AmendCommitment saves staff's changes to a commitment as UpdateCommitment does and, when
// a.Note is not empty, records them in the same transaction as an amendment the commitment's
// public page shows, naming a.Fields (its ID, commitment and time are set here). The audit entry
// of the change keeps the note and the fields. It returns the errors of UpdateCommitment.
func (s *Store) AmendCommitment(ctx context.Context, actor tracker.Actor, c tracker.Commitment, a tracker.Amendment) (tracker.Commitment, error) {
	details := map[string]any{}
	if a.Note != "" {
		details["note"], details["fields"] = a.Note, nonNil(a.Fields)
	}
	return change(ctx, s, actor, commitmentsOf, edit{id: c.ID, version: c.Version, action: "update",
		op: fmt.Sprintf("update commitment %d", c.ID), on: commitmentViolations(c), details: details},
		func(tx pgx.Tx, at time.Time, _ tracker.Commitment) (tracker.Commitment, error) {
			updated, err := updateCommitment(ctx, tx, at, c)
			if err != nil || a.Note == "" {
				return updated, err
			}
			_, err = tx.Exec(ctx, `INSERT INTO commitment_amendments (commitment_id, amended_at, fields, note, user_id)
				VALUES ($1, $2, $3, $4, $5)`, c.ID, at, nonNil(a.Fields), a.Note, actor.UserID())
			return updated, err
		})
}

// Amendments returns the amendments of a commitment, newest first; none if it has none or there
// is no such commitment.
func (s *Store) Amendments(ctx context.Context, commitmentID int64) ([]tracker.Amendment, error) {
	rows, _ := s.pool.Query(ctx, amendmentsOf, commitmentID)
	out, err := pgx.CollectRows(rows, scanAmendment)
	return out, storeError(fmt.Sprintf("amendments of commitment %d", commitmentID), err, nil)
}

// amendmentsOf selects the amendments of the commitment $1, newest first.
const amendmentsOf = `SELECT id, commitment_id, amended_at, fields, note FROM commitment_amendments
	WHERE commitment_id = $1 ORDER BY amended_at DESC, id DESC`

func scanAmendment(row pgx.CollectableRow) (tracker.Amendment, error) {
	var a tracker.Amendment
	err := row.Scan(&a.ID, &a.CommitmentID, &a.At, &a.Fields, &a.Note)
	return a, err
}
