package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// FormKey returns the key the portal signs the fields of forms for purpose with, making it the
// first time it is asked for. Every instance gets the same key.
func (s *Store) FormKey(ctx context.Context, purpose string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, storeError("make form key", err, nil)
	}
	var key []byte
	const keyOf = `WITH made AS (
			INSERT INTO form_keys (purpose, key, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (purpose) DO NOTHING RETURNING key)
		SELECT key FROM made UNION ALL SELECT key FROM form_keys WHERE purpose = $1 LIMIT 1`
	err := s.pool.QueryRow(ctx, keyOf, purpose, fresh, s.now()).Scan(&key)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another caller made the key at the same moment: the conflict waited for its commit,
		// but this statement reads from a snapshot taken before it, so sees no key at all. The
		// next statement sees the one made.
		err = s.pool.QueryRow(ctx, keyOf, purpose, fresh, s.now()).Scan(&key)
	}
	if err != nil {
		return nil, storeError("form key "+purpose, err, nil)
	}
	return key, nil
}

// AddFeedback keeps feedback from the public, at the store's time, and returns its ID. Nothing
// about who sent it is kept.
func (s *Store) AddFeedback(ctx context.Context, f tracker.Feedback) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO feedback (page, useful, doing, went_wrong, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, f.Page, f.Useful, f.Doing, f.WentWrong, s.now()).Scan(&id)
	if err != nil {
		return 0, storeError("add feedback", err, nil)
	}
	return id, nil
}

// FeedbackFilter selects feedback: all of it, or one page's (Page is a path, such as
// /commitments/4.2). Limit (default 50, at most 200) and Offset page through it.
type FeedbackFilter struct {
	Page   string
	Limit  int
	Offset int
}

func (f FeedbackFilter) where() (string, pgx.NamedArgs) {
	if f.Page == "" {
		return "", pgx.NamedArgs{}
	}
	return ` WHERE page = @page`, pgx.NamedArgs{"page": f.Page}
}

// ListFeedback returns the feedback f selects, newest first, and how many it selects in all.
func (s *Store) ListFeedback(ctx context.Context, f FeedbackFilter) ([]tracker.Feedback, int, error) {
	where, args := f.where()
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM feedback`+where, args).Scan(&total); err != nil {
		return nil, 0, storeError("count feedback", err, nil)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args["limit"], args["offset"] = min(f.Limit, 200), max(f.Offset, 0)
	rows, _ := s.pool.Query(ctx, `SELECT `+feedbackColumns+` FROM feedback`+where+`
		ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`, args)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[tracker.Feedback])
	if err != nil {
		return nil, 0, storeError("list feedback", err, nil)
	}
	return list, total, nil
}

const feedbackColumns = `id, page, useful, doing, went_wrong AS wentwrong, created_at AS createdat`

// EachFeedback calls fn with every piece of feedback f selects (ignoring Limit and Offset),
// newest first, reading them as it goes rather than all at once. It stops at the first error fn
// returns, and returns it.
func (s *Store) EachFeedback(ctx context.Context, f FeedbackFilter, fn func(tracker.Feedback) error) error {
	where, args := f.where()
	rows, _ := s.pool.Query(ctx, `SELECT `+feedbackColumns+` FROM feedback`+where+` ORDER BY created_at DESC, id DESC`, args)
	var fb tracker.Feedback
	_, err := pgx.ForEachRow(rows, []any{&fb.ID, &fb.Page, &fb.Useful, &fb.Doing, &fb.WentWrong, &fb.CreatedAt}, func() error {
		return fn(fb)
	})
	if err != nil {
		return storeError("read feedback", err, nil)
	}
	return nil
}

// DeleteOldFeedback deletes feedback sent before before, and returns how many it deleted.
func (s *Store) DeleteOldFeedback(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM feedback WHERE created_at < $1`, before)
	if err != nil {
		return 0, storeError("delete old feedback", err, nil)
	}
	return tag.RowsAffected(), nil
}
