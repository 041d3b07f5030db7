package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// EmailPreferences returns how often the user gets each kind of email they receive
// (tracker.PreferenceKinds), at once unless they chose otherwise.
func (s *Store) EmailPreferences(ctx context.Context, u tracker.User) (map[string]tracker.Frequency, error) {
	out := map[string]tracker.Frequency{}
	for _, k := range tracker.PreferenceKinds(u.Role) {
		out[k] = tracker.FrequencyImmediate
	}
	rows, _ := s.pool.Query(ctx, `SELECT kind, frequency FROM email_preferences WHERE user_id = $1`, u.ID)
	var kind, freq string
	if _, err := pgx.ForEachRow(rows, []any{&kind, &freq}, func() error {
		if _, ok := out[kind]; ok {
			out[kind] = tracker.Frequency(freq)
		}
		return nil
	}); err != nil {
		return nil, storeError(fmt.Sprintf("email preferences of user %d", u.ID), err, nil)
	}
	return out, nil
}

// SetEmailPreferences records how often the user wants each kind of email, and audits it.
func (s *Store) SetEmailPreferences(ctx context.Context, actor tracker.Actor, prefs map[string]tracker.Frequency) error {
	id := actor.UserID()
	if id == nil {
		return tracker.Errorf(tracker.EFORBIDDEN, "Sign in to choose your emails")
	}
	return s.tx(ctx, "set email preferences", nil, func(tx pgx.Tx, at time.Time) error {
		details := map[string]any{}
		for kind, f := range prefs {
			if _, err := tx.Exec(ctx, `INSERT INTO email_preferences (user_id, kind, frequency, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (user_id, kind) DO UPDATE SET frequency = EXCLUDED.frequency, updated_at = EXCLUDED.updated_at`,
				*id, kind, string(f), at); err != nil {
				return err
			}
			details[kind] = string(f)
		}
		return audit(ctx, tx, actor, at, AuditEntry{Action: "user.email_preferences", RecordType: "user", RecordID: RecordRef(*id),
			Details: details})
	})
}
