package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// In sign_in_throttle, failures counts the attempts let through for a key (each is counted before
// its password is checked, and a successful one is taken back) and last_failure is when the last
// of them was let through.

// TakeAttempt lets one attempt at now through the rules, or refuses it. It returns the zero time
// when the attempt may go ahead, having counted it against every rule's key; or, without counting
// anything, when the lock that refuses it ends.
//
// The count and the lock are taken before the password is checked, in one transaction that holds
// a lock on each key, so however many attempts arrive at once, no more are let through than the
// rules allow: a key whose count reaches what its rule allows free is locked at once, for as long
// as its rule says for the failure after it, and a key left locked lets one more attempt through
// when its lock ends. A count starts again once a key has let nothing through for its rule's
// window.
func (s *Store) TakeAttempt(ctx context.Context, rules []tracker.ThrottleRule, now time.Time) (time.Time, error) {
	var until time.Time
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(id) FROM unnest($1::bigint[]) AS id`, throttleLockIDs(rules)); err != nil {
			return fmt.Errorf("lock keys: %w", err)
		}
		type state struct {
			Key         string
			Failures    int
			LastFailure time.Time
			LockedUntil *time.Time
		}
		rows, _ := tx.Query(ctx, `SELECT key, failures, last_failure, locked_until FROM sign_in_throttle
			WHERE key = ANY($1)`, throttleKeys(rules))
		states, err := pgx.CollectRows(rows, pgx.RowToStructByName[state])
		if err != nil {
			return fmt.Errorf("read counts: %w", err)
		}
		byKey := make(map[string]state, len(states))
		for _, st := range states {
			byKey[st.Key] = st
			if st.LockedUntil != nil && st.LockedUntil.After(now) && st.LockedUntil.After(until) {
				until = *st.LockedUntil
			}
		}
		if !until.IsZero() {
			return nil
		}
		var batch pgx.Batch
		for _, r := range rules {
			n := 1
			if st, ok := byKey[r.Key]; ok && st.LastFailure.After(now.Add(-r.Window)) {
				n = st.Failures + 1
			}
			var locked *time.Time
			if d := r.Lock(n + 1); d > 0 {
				end := now.Add(d)
				locked = &end
			}
			batch.Queue(`INSERT INTO sign_in_throttle (key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO UPDATE SET failures = $2, last_failure = $3, locked_until = $4`, r.Key, n, now, locked)
		}
		if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
			return fmt.Errorf("count: %w", err)
		}
		return nil
	})
	if err != nil {
		return time.Time{}, storeError("take attempt", err, nil)
	}
	return until, nil
}

// ReturnAttempt takes back an attempt that TakeAttempt let through, as when it succeeded or
// could not be checked, so that it counts against none of the rules' keys. It lifts the keys'
// locks: a lock is only ever set by the attempt let through last, which this is when a key is
// locked.
func (s *Store) ReturnAttempt(ctx context.Context, rules []tracker.ThrottleRule) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(id) FROM unnest($1::bigint[]) AS id`, throttleLockIDs(rules)); err != nil {
			return err
		}
		keys := throttleKeys(rules)
		if _, err := tx.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key = ANY($1) AND failures <= 1`, keys); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE sign_in_throttle SET failures = failures - 1, locked_until = NULL
			WHERE key = ANY($1)`, keys)
		return err
	})
	if err != nil {
		return storeError("return attempt", err, nil)
	}
	return nil
}

// ClearThrottle forgets the attempts counted against the rules' keys, as after a successful
// sign-in or a new password.
func (s *Store) ClearThrottle(ctx context.Context, rules []tracker.ThrottleRule) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key = ANY($1)`, throttleKeys(rules)); err != nil {
		return storeError("clear throttle", err, nil)
	}
	return nil
}

// DeleteStaleThrottles forgets keys with no attempt since before, and returns how many.
func (s *Store) DeleteStaleThrottles(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE last_failure < $1
		AND (locked_until IS NULL OR locked_until < $1)`, before)
	if err != nil {
		return 0, storeError("delete stale throttles", err, nil)
	}
	return tag.RowsAffected(), nil
}

func throttleKeys(rules []tracker.ThrottleRule) []string {
	keys := make([]string, len(rules))
	for i, r := range rules {
		keys[i] = r.Key
	}
	return keys
}

// throttleLockIDs returns the advisory lock for each of the rules' keys, in ascending order, so
// that two transactions taking locks on keys they share take them in the same order and cannot
// deadlock.
func throttleLockIDs(rules []tracker.ThrottleRule) []int64 {
	ids := make([]int64, 0, len(rules))
	for _, r := range rules {
		h := fnv.New64a()
		h.Write([]byte("sign_in_throttle\x00" + r.Key))
		ids = append(ids, int64(h.Sum64()))
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
