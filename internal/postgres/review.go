package postgres

// Reviewing an update before publishing it: the conversation about a return note (notes,
// replies, answers), staff's corrections of its wording, and when its organisation last
// published on the commitment.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// addMessage adds a message to the update's conversation in tx, returning its ID.
func addMessage(ctx context.Context, tx pgx.Tx, at time.Time, updateID int64, kind tracker.MessageKind, author *int64, body string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO update_messages (update_id, kind, author_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, updateID, string(kind), author, body, at).Scan(&id)
	return id, err
}

// Thread returns the conversation about the update, oldest first: the notes staff returned it
// with, the partner's replies and staff's answers. Callers decide who may read it: staff and the
// update's organisation only, never the public.
func (s *Store) Thread(ctx context.Context, updateID int64) ([]tracker.Message, error) {
	rows, _ := s.pool.Query(ctx, `SELECT m.id, m.update_id, m.kind, m.author_id, coalesce(a.name, ''),
			coalesce(o.name, ''), m.body, m.created_at
		FROM update_messages m
		LEFT JOIN users a ON a.id = m.author_id
		LEFT JOIN organisations o ON o.id = a.organisation_id AND m.kind = 'reply'
		WHERE m.update_id = $1 ORDER BY m.id`, updateID)
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tracker.Message, error) {
		var m tracker.Message
		var kind string
		err := row.Scan(&m.ID, &m.UpdateID, &kind, &m.AuthorID, &m.AuthorName, &m.OrganisationName, &m.Body, &m.At)
		m.Kind = tracker.MessageKind(kind)
		return m, err
	})
	return ms, storeError(fmt.Sprintf("thread of update %d", updateID), err, nil)
}

// Reply adds the actor's reply to the return note of an update (or, from staff, an answer to a
// reply), audits it and queues the emails telling of it: for a partner's reply, to the reviewer
// who returned the update; for staff's answer, to the partners of the update's organisation. All
// in one transaction at the time by the store's clock.
//
// It returns tracker.ErrNotFound if there is no such update or tracker.MayReply refuses the
// actor: the update is not theirs to read, or has no return note to reply to.
func (s *Store) Reply(ctx context.Context, actor tracker.Actor, updateID int64, body string) (tracker.Message, error) {
	var msgID int64
	err := s.tx(ctx, fmt.Sprintf("reply on update %d", updateID), nil, func(tx pgx.Tx, at time.Time) error {
		u, _, err := lockUpdateForReview(ctx, tx, updateID)
		if err != nil {
			return err
		}
		if !tracker.MayReply(actor.User, u) {
			return tracker.ErrNotFound
		}
		kind := tracker.MessageReply
		if actor.User.IsStaff() {
			kind = tracker.MessageAnswer
		}
		if msgID, err = addMessage(ctx, tx, at, updateID, kind, actor.UserID(), body); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, at, AuditEntry{
			Action: "update." + string(kind), RecordType: "update", RecordID: RecordRef(updateID),
			Details: map[string]any{"commitment": u.CommitmentRef, "message": msgID, "body": body},
		}); err != nil {
			return err
		}
		if kind == tracker.MessageAnswer {
			return s.queueAnswer(ctx, tx, actor, at, updateID, msgID, body)
		}
		from := actor.User.Name
		if u.OrganisationName != "" {
			from += " of " + u.OrganisationName
		}
		return s.QueueReply(ctx, tx, at, updateID, msgID, from, body)
	})
	if err != nil {
		return tracker.Message{}, err
	}
	ms, err := s.Thread(ctx, updateID)
	if err != nil {
		return tracker.Message{}, err
	}
	for _, m := range ms {
		if m.ID == msgID {
			return m, nil
		}
	}
	return tracker.Message{}, fmt.Errorf("postgres: reply %d on update %d not found", msgID, updateID)
}

// CorrectUpdate changes the wording of a submitted update before it is published, without
// returning it: each field to its After. It records each change (who, when, before and after) and
// audits it, in one transaction at the time by the store's clock. updateVersion is the version
// the reviewer saw.
//
// The caller checks the actor may review (tracker.ActionReview) and the wording
// (tracker.ParseCorrection). It returns tracker.ErrNotFound if there is no such update, and a
// *tracker.ConflictError, writing nothing, when the update changed or left review meanwhile.
func (s *Store) CorrectUpdate(ctx context.Context, actor tracker.Actor, id int64, updateVersion int, fields []tracker.CorrectedField) (tracker.Update, error) {
	return s.review(ctx, "correct", id, func(tx pgx.Tx, at time.Time, u tracker.Update, c tracker.Commitment) error {
		if msg := tracker.ReturnConflict(u, updateVersion); msg != "" {
			return conflict(ctx, tx, msg, c, tracker.ReportBase{Version: c.Version, Seen: u.Submission}, &u, []tracker.Update{})
		}
		changes := map[string]any{"commitment": c.Ref}
		for _, f := range fields {
			column := "narrative"
			if f.Field == tracker.FieldStatusReason {
				column = "status_reason"
			}
			if _, err := tx.Exec(ctx, `UPDATE updates SET `+column+` = $2 WHERE id = $1`, id, f.After); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO update_corrections (update_id, field, before_text, after_text, corrected_by, corrected_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, f.Field, f.Before, f.After, actor.UserID(), at); err != nil {
				return err
			}
			changes[f.Field] = map[string]any{"before": f.Before, "after": f.After}
		}
		if _, err := tx.Exec(ctx, `UPDATE updates SET version = version + 1, updated_at = $2 WHERE id = $1`, id, at); err != nil {
			return err
		}
		return audit(ctx, tx, actor, at, AuditEntry{Action: "update.correct", RecordType: "update", RecordID: RecordRef(id), Details: changes})
	})
}

// Corrections returns the changes staff made to the update's wording before publishing it,
// oldest first. Callers decide who may read them: staff and the update's organisation.
func (s *Store) Corrections(ctx context.Context, updateID int64) ([]tracker.Correction, error) {
	rows, _ := s.pool.Query(ctx, `SELECT k.id, k.update_id, k.field, k.before_text, k.after_text, k.corrected_by,
			coalesce(u.name, ''), k.corrected_at
		FROM update_corrections k LEFT JOIN users u ON u.id = k.corrected_by
		WHERE k.update_id = $1 ORDER BY k.id`, updateID)
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tracker.Correction, error) {
		var c tracker.Correction
		return c, row.Scan(&c.ID, &c.UpdateID, &c.Field, &c.Before, &c.After, &c.ByID, &c.ByName, &c.At)
	})
	return cs, storeError(fmt.Sprintf("corrections of update %d", updateID), err, nil)
}

// LastPublishedBy returns when the update's organisation (or, for an update staff wrote, staff)
// last published an update on its commitment through the portal, other than the update itself;
// nil when never.
func (s *Store) LastPublishedBy(ctx context.Context, u tracker.Update) (*time.Time, error) {
	var at *time.Time
	err := s.pool.QueryRow(ctx, `SELECT max(published_at) FROM updates
		WHERE commitment_id = $1 AND state = 'published' AND organisation_id IS NOT DISTINCT FROM $2 AND id <> $3`,
		u.CommitmentID, u.OrganisationID, u.ID).Scan(&at)
	return at, storeError(fmt.Sprintf("last published on commitment %d", u.CommitmentID), err, nil)
}
