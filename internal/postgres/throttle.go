package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// ThrottledUntil returns when the last lock among the rules' keys ends, or the zero time when
// none is locked at now.
func (s *Store) ThrottledUntil(ctx context.Context, rules []tracker.ThrottleRule, now time.Time) (time.Time, error) {
	keys := make([]string, len(rules))
	for i, r := range rules {
		keys[i] = r.Key
	}
	var until *time.Time
	err := s.pool.QueryRow(ctx, `SELECT max(locked_until) FROM sign_in_throttle
		WHERE key = ANY($1) AND locked_until > $2`, keys, now).Scan(&until)
	if err != nil {
		return time.Time{}, fmt.Errorf("postgres: throttled until: %w", err)
	}
	if until == nil {
		return time.Time{}, nil
	}
	return *until, nil
}

// RecordFailure counts a failure at now against each rule's key, starting the count again for a
// key that has seen no failure for the rule's window, and locks each key whose count has passed
// what the rule allows. It returns when the last lock ends, or the zero time.
func (s *Store) RecordFailure(ctx context.Context, rules []tracker.ThrottleRule, now time.Time) (time.Time, error) {
	var until time.Time
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, r := range rules {
			var failures int
			err := tx.QueryRow(ctx, `INSERT INTO sign_in_throttle AS t (key, failures, last_failure)
				VALUES ($1, 1, $2)
				ON CONFLICT (key) DO UPDATE SET
					failures = CASE WHEN t.last_failure <= $2 - $3::interval THEN 1 ELSE t.failures + 1 END,
					last_failure = $2
				RETURNING failures`, r.Key, now, r.Window).Scan(&failures)
			if err != nil {
				return fmt.Errorf("postgres: record failure for %s: %w", r.Key, err)
			}
			lock := r.Lock(failures)
			if lock == 0 {
				continue
			}
			end := now.Add(lock)
			if _, err := tx.Exec(ctx, `UPDATE sign_in_throttle SET locked_until = $2 WHERE key = $1`, r.Key, end); err != nil {
				return fmt.Errorf("postgres: lock %s: %w", r.Key, err)
			}
			if end.After(until) {
				until = end
			}
		}
		return nil
	})
	return until, err
}

// ClearThrottle forgets the failures counted against the rules' keys, as after a successful
// sign-in or a new password.
func (s *Store) ClearThrottle(ctx context.Context, rules []tracker.ThrottleRule) error {
	keys := make([]string, len(rules))
	for i, r := range rules {
		keys[i] = r.Key
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key = ANY($1)`, keys); err != nil {
		return fmt.Errorf("postgres: clear throttle: %w", err)
	}
	return nil
}

// DeleteStaleThrottles forgets keys with no failure since before, and returns how many.
func (s *Store) DeleteStaleThrottles(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE last_failure < $1
		AND (locked_until IS NULL OR locked_until < $1)`, before)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete stale throttles: %w", err)
	}
	return tag.RowsAffected(), nil
}
