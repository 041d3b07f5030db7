package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// firstAdminLock is the transaction-scoped advisory lock key under which instances decide whether
// to make the first administrator's link. A transaction lock, unlike a session lock, holds
// through a transaction pooler.
const firstAdminLock = 0x6669727374 // "first"

// FirstAdminLink makes the single-use link that creates the first administrator, when no active
// administrator exists and no such link is outstanding (unused and unexpired by the store's
// clock): one link per database until it is used or expires, however many instances start. It
// returns the new link's token and expiry; or "" and the expiry of the link already outstanding;
// or "" and the zero time when an administrator exists.
func (s *Store) FirstAdminLink(ctx context.Context, actor tracker.Actor) (string, time.Time, error) {
	var token string
	var expires time.Time
	err := s.tx(ctx, "first administrator link", nil, func(tx pgx.Tx, at time.Time) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(firstAdminLock)); err != nil {
			return err
		}
		var admin bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL)`).Scan(&admin); err != nil || admin {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT max(expires_at) FROM account_tokens
			WHERE purpose = $1 AND used_at IS NULL AND expires_at > $2 HAVING count(*) > 0`,
			string(tracker.TokenFirstAdmin), at).Scan(&expires)
		if err == nil || !noRows(err) {
			return err
		}
		token, err = createToken(ctx, tx, actor, at, tracker.TokenFirstAdmin, nil)
		expires = at.Add(tracker.TokenFirstAdmin.TTL())
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}
