package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Forms sent after a session ended are kept in kept_forms under the hash of a single-use key
// (see migrations/00077_kept_forms.sql). The server makes the key and hashes it; the store never
// sees the key itself.

// KeepForm keeps f under keyHash from now for tracker.KeptFormTTL, and returns it as kept. Of the
// forms kept for the account, the newest tracker.MaxKeptForms stay.
func (s *Store) KeepForm(ctx context.Context, keyHash string, f tracker.KeptForm) (tracker.KeptForm, error) {
	f.CreatedAt = s.now()
	f.ExpiresAt = f.CreatedAt.Add(tracker.KeptFormTTL)
	if f.Values == nil {
		f.Values = map[string][]string{}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO kept_forms (key_hash, user_id, path, form_values, reason, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, keyHash, f.UserID, f.Path, f.Values, string(f.Reason), f.CreatedAt, f.ExpiresAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM kept_forms WHERE user_id = $1 AND id NOT IN (
			SELECT id FROM kept_forms WHERE user_id = $1 ORDER BY id DESC LIMIT $2)`, f.UserID, tracker.MaxKeptForms)
		return err
	})
	if err != nil {
		return tracker.KeptForm{}, storeError(fmt.Sprintf("keep form for user %d", f.UserID), err, nil)
	}
	return f, nil
}

// TakeKeptForm deletes the form kept under keyHash and returns it, so that it is given back once
// at most. It returns tracker.ErrNotFound if no form is kept under keyHash or the one kept there
// has expired (deleting it all the same).
func (s *Store) TakeKeptForm(ctx context.Context, keyHash string) (tracker.KeptForm, error) {
	var f tracker.KeptForm
	var reason string
	err := s.pool.QueryRow(ctx, `DELETE FROM kept_forms WHERE key_hash = $1
		RETURNING user_id, path, form_values, reason, created_at, expires_at`, keyHash).
		Scan(&f.UserID, &f.Path, &f.Values, &reason, &f.CreatedAt, &f.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return tracker.KeptForm{}, tracker.ErrNotFound
	}
	if err != nil {
		return tracker.KeptForm{}, storeError("take kept form", err, nil)
	}
	if !f.ExpiresAt.After(s.now()) {
		return tracker.KeptForm{}, tracker.ErrNotFound
	}
	f.Reason = tracker.SessionEnd(reason)
	return f, nil
}

// DeleteExpiredKeptForms deletes the kept forms that have expired by the store's clock, and
// returns how many.
func (s *Store) DeleteExpiredKeptForms(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM kept_forms WHERE expires_at <= $1`, s.now())
	if err != nil {
		return 0, storeError("delete expired kept forms", err, nil)
	}
	return tag.RowsAffected(), nil
}
