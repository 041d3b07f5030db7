package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Single-use links: the first administrator's, invitations and password resets. Only a hash of
// each token is kept.

// newToken returns a random single-use token, fit for a URL, and the hash the database keeps.
func newToken() (string, []byte) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// createToken records a single-use link of the purpose for the user (nil for the first
// administrator), valid from now for the purpose's TTL. Earlier unused links of the same purpose
// for the same user stop working.
func createToken(ctx context.Context, tx pgx.Tx, actor tracker.Actor, now time.Time, purpose tracker.TokenPurpose, userID *int64) (string, error) {
	token, hash := newToken()
	if userID != nil {
		if _, err := tx.Exec(ctx, `UPDATE account_tokens SET used_at = $3
			WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, *userID, string(purpose), now); err != nil {
			return "", fmt.Errorf("supersede %s links: %w", purpose, err)
		}
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO account_tokens (token_hash, purpose, user_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		hash, string(purpose), userID, actor.UserID(), now, now.Add(purpose.TTL())).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("create %s link: %w", purpose, err)
	}
	recordType, recordID := "account_token", RecordRef(id)
	if userID != nil {
		recordType, recordID = "user", RecordRef(*userID)
	}
	return token, audit(ctx, tx, actor, now, AuditEntry{Action: "link.create", RecordType: recordType, RecordID: recordID,
		Details: map[string]any{"purpose": string(purpose), "link_id": id, "expires_at": now.Add(purpose.TTL())}})
}

// CreateToken makes a single-use link of the purpose for the user (nil for the first
// administrator), valid for the purpose's TTL from now by the store's clock, and returns its
// token. Earlier unused links of the same purpose for the user stop working. It returns an error
// for a purpose without a TTL.
func (s *Store) CreateToken(ctx context.Context, actor tracker.Actor, purpose tracker.TokenPurpose, userID *int64) (string, error) {
	if purpose.TTL() == 0 {
		return "", fmt.Errorf("postgres: create link: unknown purpose %q", purpose)
	}
	var token string
	err := s.tx(ctx, fmt.Sprintf("create %s link", purpose), nil, func(tx pgx.Tx, at time.Time) error {
		var err error
		token, err = createToken(ctx, tx, actor, at, purpose, userID)
		return err
	})
	return token, err
}

// InviteUser creates an account without a password and a link, valid for seven days from now by
// the store's clock, with which its user sets one. It returns the account and the link's token,
// and the errors of CreateUser.
func (s *Store) InviteUser(ctx context.Context, actor tracker.Actor, nu NewUser) (tracker.User, string, error) {
	nu.PasswordHash = ""
	var u tracker.User
	var token string
	err := s.tx(ctx, "invite user", nil, func(tx pgx.Tx, at time.Time) error {
		var err error
		if u, err = createUser(ctx, tx, actor, at, nu); err != nil {
			return err
		}
		token, err = createToken(ctx, tx, actor, at, tracker.TokenInvite, &u.ID)
		return err
	})
	return u, token, err
}

// LinkAccount is what a valid single-use link is for.
type LinkAccount struct {
	Purpose tracker.TokenPurpose
	// User is the account the link sets a password for; nil for the first-administrator link.
	User *tracker.User
}

// lookupToken finds a link of one of the purposes, unused and unexpired at now, locking it when
// lock is true. It returns tracker.ErrLinkInvalid if there is none.
func lookupToken(ctx context.Context, q querier, token string, now time.Time, lock bool, purposes ...tracker.TokenPurpose) (int64, LinkAccount, error) {
	ps := make([]string, len(purposes))
	for i, p := range purposes {
		ps[i] = string(p)
	}
	sql := `SELECT id, purpose, user_id FROM account_tokens
		WHERE token_hash = $1 AND purpose = ANY($2) AND used_at IS NULL AND expires_at > $3`
	if lock {
		sql += ` FOR UPDATE`
	}
	var id int64
	var purpose string
	var userID *int64
	err := q.QueryRow(ctx, sql, hashToken(token), ps, now).Scan(&id, &purpose, &userID)
	if err != nil {
		return 0, LinkAccount{}, storeError("look up link", err, violations{noRow: tracker.ErrLinkInvalid})
	}
	la := LinkAccount{Purpose: tracker.TokenPurpose(purpose)}
	if userID != nil {
		u, err := userByID(ctx, q, *userID)
		if err != nil {
			return 0, LinkAccount{}, err
		}
		if u.Disabled() {
			return 0, LinkAccount{}, tracker.ErrLinkInvalid
		}
		la.User = &u
	}
	return id, la, nil
}

// Token returns what the single-use link is for, if it can still be used now by the store's
// clock. It changes nothing. It returns tracker.ErrLinkInvalid for a link that does not exist, has
// expired, has been used, or belongs to a disabled account.
func (s *Store) Token(ctx context.Context, token string) (LinkAccount, error) {
	_, la, err := lookupToken(ctx, s.pool, token, s.now(), false, tracker.TokenFirstAdmin, tracker.TokenInvite, tracker.TokenReset)
	return la, err
}

func useToken(ctx context.Context, tx pgx.Tx, id int64, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE account_tokens SET used_at = $2 WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("use link %d: %w", id, err)
	}
	return nil
}

// SetPasswordWithToken sets the password of the account an invitation or reset link is for and
// uses the link up, in one transaction, ending the user's other sessions. It returns the account,
// or tracker.ErrLinkInvalid for a link that cannot be used now by the store's clock.
func (s *Store) SetPasswordWithToken(ctx context.Context, actor tracker.Actor, token, hash string) (tracker.User, error) {
	var u tracker.User
	err := s.tx(ctx, "set password with link", nil, func(tx pgx.Tx, now time.Time) error {
		id, la, err := lookupToken(ctx, tx, token, now, true, tracker.TokenInvite, tracker.TokenReset)
		if err != nil {
			return err
		}
		if err := useToken(ctx, tx, id, now); err != nil {
			return err
		}
		if actor.User == nil {
			actor.User = la.User
		}
		if err := setPassword(ctx, tx, actor, now, la.User.ID, hash, la.Purpose); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, la.User.ID)
		return err
	})
	return u, err
}

// CreateFirstAdmin creates an administrator with the first-administrator link and uses the link
// up, in one transaction. It returns tracker.ErrLinkInvalid when the link cannot be used now by
// the store's clock or an active administrator exists already, and the errors of CreateUser.
func (s *Store) CreateFirstAdmin(ctx context.Context, actor tracker.Actor, token string, nu NewUser) (tracker.User, error) {
	nu.Role, nu.OrganisationCode = tracker.RoleAdmin, ""
	var u tracker.User
	err := s.tx(ctx, "create first admin", nil, func(tx pgx.Tx, now time.Time) error {
		// Serialise with any other first-administrator link being used at the same time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('delivery-tracker first admin'))`); err != nil {
			return fmt.Errorf("first admin lock: %w", err)
		}
		id, _, err := lookupToken(ctx, tx, token, now, true, tracker.TokenFirstAdmin)
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL)`).Scan(&exists); err != nil {
			return fmt.Errorf("has admin: %w", err)
		}
		if exists {
			return tracker.ErrLinkInvalid
		}
		if err := useToken(ctx, tx, id, now); err != nil {
			return err
		}
		u, err = createUser(ctx, tx, actor, now, nu)
		return err
	})
	return u, err
}

// DeleteExpiredSessions removes sessions that have expired by the store's clock, and returns how
// many.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1`, s.now())
	if err != nil {
		return 0, storeError("delete expired sessions", err, nil)
	}
	return tag.RowsAffected(), nil
}
