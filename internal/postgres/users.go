package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const userColumns = `u.id, u.email, u.name, u.role, u.organisation_id, coalesce(o.code, ''),
	coalesce(o.name, ''), u.disabled_at, u.password_hash IS NOT NULL, u.session_epoch,
	u.last_sign_in_at, u.version, u.created_at`

const userFrom = ` FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id`

func scanUser(row pgx.CollectableRow) (tracker.User, error) {
	var u tracker.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.OrganisationID, &u.OrganisationCode,
		&u.OrganisationName, &u.DisabledAt, &u.HasPassword, &u.SessionEpoch, &u.LastSignInAt,
		&u.Version, &u.CreatedAt)
	u.Role = tracker.Role(role)
	return u, err
}

// ErrEmailTaken is returned when an account with the email address exists already.
var ErrEmailTaken = tracker.Errorf(tracker.ECONFLICT, "An account with that email address already exists")

// ErrLastAdmin is returned for a change that would leave no active administrator.
var ErrLastAdmin = tracker.Errorf(tracker.ECONFLICT, "There must always be at least one active administrator")

// ErrUserChanged is returned when the account was changed by someone else since the form was
// shown.
var ErrUserChanged = tracker.Errorf(tracker.ECONFLICT, "Someone else changed this account while you were working on it. Check the details and try again")

// NewUser is an account to create.
type NewUser struct {
	Email string
	Name  string
	Role  tracker.Role
	// OrganisationCode names a partner's organisation; it must be empty for other roles.
	OrganisationCode string
	// PasswordHash is the PHC string of the password, or "" for an account whose user will set
	// their password through a link.
	PasswordHash string
}

// UserRef returns how the audit log names a user record: its ID.
func UserRef(id int64) string { return strconv.FormatInt(id, 10) }

func userRef(id int64) string { return UserRef(id) }

// organisationID returns the ID of the active organisation with the code, or nil for "". It
// returns an EINVALID error when no such organisation exists.
func organisationID(ctx context.Context, q querier, code string) (*int64, error) {
	if code == "" {
		return nil, nil
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM organisations WHERE code = $1 AND retired_at IS NULL`, code).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, tracker.Errorf(tracker.EINVALID, "There is no organisation with the code %s", code)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: organisation %q: %w", code, err)
	}
	return &id, nil
}

// checkRoleOrganisation enforces that partners, and only partners, belong to an organisation.
func checkRoleOrganisation(role tracker.Role, code string) error {
	if _, ok := tracker.ParseRole(string(role)); !ok {
		return tracker.Errorf(tracker.EINVALID, "Choose a role")
	}
	if role == tracker.RolePartner && code == "" {
		return tracker.Errorf(tracker.EINVALID, "Choose the organisation a delivery partner belongs to")
	}
	if role != tracker.RolePartner && code != "" {
		return tracker.Errorf(tracker.EINVALID, "Only delivery partners belong to an organisation")
	}
	return nil
}

func createUser(ctx context.Context, tx pgx.Tx, actor tracker.Actor, nu NewUser) (tracker.User, error) {
	if err := checkRoleOrganisation(nu.Role, nu.OrganisationCode); err != nil {
		return tracker.User{}, err
	}
	orgID, err := organisationID(ctx, tx, nu.OrganisationCode)
	if err != nil {
		return tracker.User{}, err
	}
	var hash *string
	if nu.PasswordHash != "" {
		hash = &nu.PasswordHash
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO users (email, name, role, organisation_id, password_hash, password_changed_at)
		VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END) RETURNING id`,
		tracker.NormaliseEmail(nu.Email), strings.TrimSpace(nu.Name), string(nu.Role), orgID, hash).Scan(&id)
	if isUniqueViolation(err) {
		return tracker.User{}, ErrEmailTaken
	}
	if err != nil {
		return tracker.User{}, fmt.Errorf("postgres: create user: %w", err)
	}
	u, err := userByID(ctx, tx, id)
	if err != nil {
		return tracker.User{}, err
	}
	err = audit(ctx, tx, actor, AuditEntry{Action: "user.create", RecordType: "user", RecordID: userRef(id),
		Details: map[string]any{"after": userDetails(u), "password_set": hash != nil}})
	return u, err
}

// userDetails is what the audit log records of an account.
func userDetails(u tracker.User) map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "role": string(u.Role),
		"organisation": u.OrganisationCode, "disabled": u.Disabled()}
}

// CreateUser creates an account and audits it. It returns ErrEmailTaken if the email address is
// in use, and an EINVALID error for a partner without an organisation, another role with one,
// or an unknown organisation.
func (s *Store) CreateUser(ctx context.Context, actor tracker.Actor, nu NewUser) (tracker.User, error) {
	var u tracker.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		u, err = createUser(ctx, tx, actor, nu)
		return err
	})
	return u, err
}

func userByID(ctx context.Context, q querier, id int64) (tracker.User, error) {
	rows, _ := q.Query(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id)
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return tracker.User{}, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserByID returns the account with the ID, disabled or not. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) UserByID(ctx context.Context, id int64) (tracker.User, error) {
	return userByID(ctx, s.pool, id)
}

// UserByEmail returns the account with the email address, compared without regard to case. It
// returns tracker.ErrNotFound if there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (tracker.User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+userFrom+` WHERE lower(u.email) = lower($1)`,
		tracker.NormaliseEmail(email))
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return tracker.User{}, notFound(err, "user by email")
	}
	return u, nil
}

// Credentials returns the account with the email address and its password hash, which is ""
// when no password has been set. It returns tracker.ErrNotFound if there is no such account.
func (s *Store) Credentials(ctx context.Context, email string) (tracker.User, string, error) {
	var hash *string
	var u tracker.User
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+`, u.password_hash`+userFrom+`
		WHERE lower(u.email) = lower($1)`, tracker.NormaliseEmail(email))
	u, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (tracker.User, error) {
		var role string
		err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.OrganisationID, &u.OrganisationCode,
			&u.OrganisationName, &u.DisabledAt, &u.HasPassword, &u.SessionEpoch, &u.LastSignInAt,
			&u.Version, &u.CreatedAt, &hash)
		u.Role = tracker.Role(role)
		return u, err
	})
	if err != nil {
		return tracker.User{}, "", notFound(err, "credentials")
	}
	if hash == nil {
		return u, "", nil
	}
	return u, *hash, nil
}

// Users returns every account, active ones first, then by name.
func (s *Store) Users(ctx context.Context) ([]tracker.User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+userFrom+`
		ORDER BY u.disabled_at IS NOT NULL, lower(u.name), u.id`)
	us, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("postgres: users: %w", err)
	}
	return us, nil
}

// HasAdmin reports whether an active administrator exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL)`).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("postgres: has admin: %w", err)
	}
	return ok, nil
}

// RecordSignIn records a successful sign-in by actor.User: it sets the time of their last
// sign-in, replaces their password hash with newHash when that is not "" (to upgrade the hashing
// parameters), and audits the sign-in.
func (s *Store) RecordSignIn(ctx context.Context, actor tracker.Actor, newHash string) error {
	if actor.User == nil {
		return fmt.Errorf("postgres: record sign-in: no user")
	}
	id := actor.User.ID
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE users SET last_sign_in_at = now(),
			password_hash = CASE WHEN $2 = '' THEN password_hash ELSE $2 END WHERE id = $1`, id, newHash)
		if err != nil {
			return fmt.Errorf("postgres: record sign-in of user %d: %w", id, err)
		}
		details := map[string]any{}
		if newHash != "" {
			details["password_rehashed"] = true
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "sign_in", RecordType: "user", RecordID: userRef(id), Details: details})
	})
}

// SetPassword sets the user's password hash, ends every session of theirs and audits the change.
// It returns tracker.ErrNotFound if there is no such user.
func (s *Store) SetPassword(ctx context.Context, actor tracker.Actor, userID int64, hash string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return setPassword(ctx, tx, actor, userID, hash, "")
	})
}

func setPassword(ctx context.Context, tx pgx.Tx, actor tracker.Actor, userID int64, hash string, via tracker.TokenPurpose) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, password_changed_at = now(),
		session_epoch = session_epoch + 1, version = version + 1, updated_at = now() WHERE id = $1`, userID, hash)
	if err != nil {
		return fmt.Errorf("postgres: set password of user %d: %w", userID, err)
	}
	if tag.RowsAffected() == 0 {
		return tracker.ErrNotFound
	}
	details := map[string]any{"sessions_ended": true}
	if via != "" {
		details["link"] = string(via)
	}
	return audit(ctx, tx, actor, AuditEntry{Action: "user.password_set", RecordType: "user", RecordID: userRef(userID), Details: details})
}

// lockUser locks the user's row for the rest of the transaction and returns it, checking its
// version when version is not zero. It returns tracker.ErrNotFound if there is no such user and
// ErrUserChanged if the version differs.
func lockUser(ctx context.Context, tx pgx.Tx, id int64, version int) (tracker.User, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
		return tracker.User{}, fmt.Errorf("postgres: lock user %d: %w", id, err)
	}
	u, err := userByID(ctx, tx, id)
	if err != nil {
		return u, err
	}
	if version != 0 && u.Version != version {
		return u, ErrUserChanged
	}
	return u, nil
}

// checkAdminRemains returns ErrLastAdmin when no active administrator would remain. The caller
// has locked the administrators' rows (lockAdminsFirst), so that two administrators demoting each
// other at once cannot both succeed.
func checkAdminRemains(ctx context.Context, tx pgx.Tx) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n); err != nil {
		return fmt.Errorf("postgres: count admins: %w", err)
	}
	if n == 0 {
		return ErrLastAdmin
	}
	return nil
}

// SetDisabled disables or enables the account and audits it. Disabling ends every session of the
// user at once. version, when not zero, must be the account's current version. It returns
// tracker.ErrNotFound, ErrUserChanged, or ErrLastAdmin when it would disable the last active
// administrator.
func (s *Store) SetDisabled(ctx context.Context, actor tracker.Actor, id int64, disabled bool, version int) (tracker.User, error) {
	var u tracker.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockAdminsFirst(ctx, tx); err != nil {
			return err
		}
		before, err := lockUser(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if before.Disabled() == disabled {
			u = before
			return nil
		}
		if disabled {
			_, err = tx.Exec(ctx, `UPDATE users SET disabled_at = now(), session_epoch = session_epoch + 1,
				version = version + 1, updated_at = now() WHERE id = $1`, id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE users SET disabled_at = NULL, version = version + 1, updated_at = now()
				WHERE id = $1`, id)
		}
		if err != nil {
			return fmt.Errorf("postgres: disable user %d: %w", id, err)
		}
		if before.IsAdmin() {
			if err := checkAdminRemains(ctx, tx); err != nil {
				return err
			}
		}
		if u, err = userByID(ctx, tx, id); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return audit(ctx, tx, actor, AuditEntry{Action: action, RecordType: "user", RecordID: userRef(id),
			Details: map[string]any{"before": userDetails(before), "after": userDetails(u)}})
	})
	return u, err
}

// lockAdminsFirst takes the locks on administrators' rows before any other user's, so that
// concurrent account changes always lock in the same order.
func lockAdminsFirst(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE`); err != nil {
		return fmt.Errorf("postgres: lock admins: %w", err)
	}
	return nil
}

// ChangeRole sets the account's role and, for partners, organisation (by code; "" for other
// roles), and audits it. version, when not zero, must be the account's current version. It
// returns tracker.ErrNotFound, ErrUserChanged, ErrLastAdmin, or an EINVALID error for a role and
// organisation that do not fit together.
func (s *Store) ChangeRole(ctx context.Context, actor tracker.Actor, id int64, role tracker.Role, orgCode string, version int) (tracker.User, error) {
	if err := checkRoleOrganisation(role, orgCode); err != nil {
		return tracker.User{}, err
	}
	var u tracker.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockAdminsFirst(ctx, tx); err != nil {
			return err
		}
		before, err := lockUser(ctx, tx, id, version)
		if err != nil {
			return err
		}
		orgID, err := organisationID(ctx, tx, orgCode)
		if err != nil {
			return err
		}
		if before.Role == role && before.OrganisationCode == orgCode {
			u = before
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $2, organisation_id = $3, version = version + 1,
			updated_at = now() WHERE id = $1`, id, string(role), orgID); err != nil {
			return fmt.Errorf("postgres: change role of user %d: %w", id, err)
		}
		if before.IsAdmin() {
			if err := checkAdminRemains(ctx, tx); err != nil {
				return err
			}
		}
		if u, err = userByID(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "user.change_role", RecordType: "user", RecordID: userRef(id),
			Details: map[string]any{"before": userDetails(before), "after": userDetails(u)}})
	})
	return u, err
}

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
func createToken(ctx context.Context, tx pgx.Tx, actor tracker.Actor, purpose tracker.TokenPurpose, userID *int64, now time.Time) (string, error) {
	token, hash := newToken()
	if userID != nil {
		if _, err := tx.Exec(ctx, `UPDATE account_tokens SET used_at = $3
			WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, *userID, string(purpose), now); err != nil {
			return "", fmt.Errorf("postgres: supersede %s links: %w", purpose, err)
		}
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO account_tokens (token_hash, purpose, user_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		hash, string(purpose), userID, actor.UserID(), now, now.Add(purpose.TTL())).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("postgres: create %s link: %w", purpose, err)
	}
	recordType, recordID := "account_token", strconv.FormatInt(id, 10)
	if userID != nil {
		recordType, recordID = "user", userRef(*userID)
	}
	return token, audit(ctx, tx, actor, AuditEntry{Action: "link.create", RecordType: recordType, RecordID: recordID,
		Details: map[string]any{"purpose": string(purpose), "link_id": id, "expires_at": now.Add(purpose.TTL())}})
}

// CreateToken makes a single-use link of the purpose for the user (nil for the first
// administrator), valid from now for the purpose's TTL, and returns its token. Earlier unused
// links of the same purpose for the user stop working.
func (s *Store) CreateToken(ctx context.Context, actor tracker.Actor, purpose tracker.TokenPurpose, userID *int64, now time.Time) (string, error) {
	if purpose.TTL() == 0 {
		return "", fmt.Errorf("postgres: create link: unknown purpose %q", purpose)
	}
	var token string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		token, err = createToken(ctx, tx, actor, purpose, userID, now)
		return err
	})
	return token, err
}

// InviteUser creates an account without a password and a link, valid for seven days from now, with
// which its user sets one. It returns the account and the link's token, and the errors of
// CreateUser.
func (s *Store) InviteUser(ctx context.Context, actor tracker.Actor, nu NewUser, now time.Time) (tracker.User, string, error) {
	nu.PasswordHash = ""
	var u tracker.User
	var token string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if u, err = createUser(ctx, tx, actor, nu); err != nil {
			return err
		}
		token, err = createToken(ctx, tx, actor, tracker.TokenInvite, &u.ID, now)
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

// lookupToken finds an unused, unexpired link of one of the purposes, locking it when lock is
// true. It returns tracker.ErrLinkInvalid if there is none.
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
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, LinkAccount{}, tracker.ErrLinkInvalid
	}
	if err != nil {
		return 0, LinkAccount{}, fmt.Errorf("postgres: look up link: %w", err)
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

// Token returns what the single-use link is for, if it can still be used at now. It changes
// nothing. It returns tracker.ErrLinkInvalid for a link that does not exist, has expired, has
// been used, or belongs to a disabled account.
func (s *Store) Token(ctx context.Context, token string, now time.Time) (LinkAccount, error) {
	_, la, err := lookupToken(ctx, s.pool, token, now, false, tracker.TokenFirstAdmin, tracker.TokenInvite, tracker.TokenReset)
	return la, err
}

func useToken(ctx context.Context, tx pgx.Tx, id int64, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE account_tokens SET used_at = $2 WHERE id = $1`, id, now); err != nil {
		return fmt.Errorf("postgres: use link %d: %w", id, err)
	}
	return nil
}

// SetPasswordWithToken sets the password of the account an invitation or reset link is for and
// uses the link up, in one transaction, ending the user's other sessions. It returns the account,
// or tracker.ErrLinkInvalid.
func (s *Store) SetPasswordWithToken(ctx context.Context, actor tracker.Actor, token, hash string, now time.Time) (tracker.User, error) {
	var u tracker.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
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
		if err := setPassword(ctx, tx, actor, la.User.ID, hash, la.Purpose); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, la.User.ID)
		return err
	})
	return u, err
}

// CreateFirstAdmin creates an administrator with the first-administrator link and uses the link
// up, in one transaction. It returns tracker.ErrLinkInvalid when the link cannot be used or an
// active administrator exists already, and the errors of CreateUser.
func (s *Store) CreateFirstAdmin(ctx context.Context, actor tracker.Actor, token string, nu NewUser, now time.Time) (tracker.User, error) {
	nu.Role, nu.OrganisationCode = tracker.RoleAdmin, ""
	var u tracker.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Serialise with any other first-administrator link being used at the same time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('delivery-tracker first admin'))`); err != nil {
			return fmt.Errorf("postgres: first admin lock: %w", err)
		}
		id, _, err := lookupToken(ctx, tx, token, now, true, tracker.TokenFirstAdmin)
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL)`).Scan(&exists); err != nil {
			return fmt.Errorf("postgres: has admin: %w", err)
		}
		if exists {
			return tracker.ErrLinkInvalid
		}
		if err := useToken(ctx, tx, id, now); err != nil {
			return err
		}
		u, err = createUser(ctx, tx, actor, nu)
		return err
	})
	return u, err
}

// DeleteExpiredSessions removes sessions that have expired, and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete expired sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}
