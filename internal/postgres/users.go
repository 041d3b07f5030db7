package postgres

import (
	"context"
	"fmt"
	"maps"
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

// ErrEmailTaken is tracker.ErrEmailTaken, which CreateUser and InviteUser return.
var ErrEmailTaken = tracker.ErrEmailTaken

// ErrLastAdmin is tracker.ErrLastAdmin, which SetDisabled and ChangeRole return.
var ErrLastAdmin = tracker.ErrLastAdmin

// ErrUserChanged is tracker.ErrUserChanged, which SetDisabled and ChangeRole return.
var ErrUserChanged = tracker.ErrUserChanged

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

// organisationID returns the ID of the active organisation with the code, or nil for "". It
// returns tracker.ErrNoSuchOrganisation when no such organisation exists.
func organisationID(ctx context.Context, q querier, code string) (*int64, error) {
	if code == "" {
		return nil, nil
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM organisations WHERE code = $1 AND retired_at IS NULL`, code).Scan(&id)
	if err != nil {
		return nil, storeError(fmt.Sprintf("organisation %q", code), err, violations{noRow: tracker.ErrNoSuchOrganisation(code)})
	}
	return &id, nil
}

// createUser creates an account in tx at the time at, and audits it.
func createUser(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, nu NewUser) (tracker.User, error) {
	if err := tracker.RoleOrganisationError(nu.Role, nu.OrganisationCode); err != nil {
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
	err = tx.QueryRow(ctx, `INSERT INTO users (email, name, role, organisation_id, password_hash, password_changed_at,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE $6::timestamptz END, $6, $6) RETURNING id`,
		tracker.NormaliseEmail(nu.Email), strings.TrimSpace(nu.Name), string(nu.Role), orgID, hash, at).Scan(&id)
	if err != nil {
		return tracker.User{}, storeError("create user", err, violations{usersEmailKey: tracker.ErrEmailTaken})
	}
	u, err := userByID(ctx, tx, id)
	if err != nil {
		return tracker.User{}, err
	}
	err = audit(ctx, tx, actor, at, AuditEntry{Action: "user.create", RecordType: "user", RecordID: RecordRef(id),
		Details: map[string]any{"after": userDetails(u), "password_set": hash != nil}})
	return u, err
}

// userDetails is what the audit log records of an account.
func userDetails(u tracker.User) map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "role": string(u.Role),
		"organisation": u.OrganisationCode, "disabled": u.Disabled()}
}

// CreateUser creates an account and audits it. It returns tracker.ErrEmailTaken if the email
// address is in use, tracker.ErrNoSuchOrganisation for an unknown organisation and the error of
// tracker.RoleOrganisationError for a role and organisation that do not fit together.
func (s *Store) CreateUser(ctx context.Context, actor tracker.Actor, nu NewUser) (tracker.User, error) {
	var u tracker.User
	err := s.tx(ctx, "create user", nil, func(tx pgx.Tx, at time.Time) error {
		var err error
		u, err = createUser(ctx, tx, actor, at, nu)
		return err
	})
	return u, err
}

func userByID(ctx context.Context, q querier, id int64) (tracker.User, error) {
	return one(ctx, q, fmt.Sprintf("user %d", id), scanUser,
		`SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id)
}

// UserByID returns the account with the ID, disabled or not. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) UserByID(ctx context.Context, id int64) (tracker.User, error) {
	return userByID(ctx, s.pool, id)
}

// UserByEmail returns the account with the email address, compared without regard to case. It
// returns tracker.ErrNotFound if there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (tracker.User, error) {
	return one(ctx, s.pool, "user by email", scanUser,
		`SELECT `+userColumns+userFrom+` WHERE lower(u.email) = lower($1)`, tracker.NormaliseEmail(email))
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
		return tracker.User{}, "", storeError("credentials", err, nil)
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
	return us, storeError("users", err, nil)
}

// HasAdmin reports whether an active administrator exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL)`).Scan(&ok)
	return ok, storeError("has admin", err, nil)
}

// RecordSignIn records a successful sign-in by actor.User: it sets the time of their last
// sign-in, replaces their password hash with newHash when that is not "" (to upgrade the hashing
// parameters), and audits the sign-in.
func (s *Store) RecordSignIn(ctx context.Context, actor tracker.Actor, newHash string) error {
	if actor.User == nil {
		return fmt.Errorf("postgres: record sign-in: no user")
	}
	id := actor.User.ID
	return s.tx(ctx, fmt.Sprintf("record sign-in of user %d", id), nil, func(tx pgx.Tx, at time.Time) error {
		_, err := tx.Exec(ctx, `UPDATE users SET last_sign_in_at = $3,
			password_hash = CASE WHEN $2 = '' THEN password_hash ELSE $2 END WHERE id = $1`, id, newHash, at)
		if err != nil {
			return err
		}
		details := map[string]any{}
		if newHash != "" {
			details["password_rehashed"] = true
		}
		return audit(ctx, tx, actor, at, AuditEntry{Action: "sign_in", RecordType: "user", RecordID: RecordRef(id), Details: details})
	})
}

// SetPassword sets the user's password hash, ends every session of theirs and audits the change.
// It returns tracker.ErrNotFound if there is no such user.
func (s *Store) SetPassword(ctx context.Context, actor tracker.Actor, userID int64, hash string) error {
	return s.tx(ctx, fmt.Sprintf("set password of user %d", userID), nil, func(tx pgx.Tx, at time.Time) error {
		return setPassword(ctx, tx, actor, at, userID, hash, "")
	})
}

func setPassword(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, userID int64, hash string, via tracker.TokenPurpose) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, password_changed_at = $3,
		session_epoch = session_epoch + 1, version = version + 1, updated_at = $3 WHERE id = $1`, userID, hash, at)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	if tag.RowsAffected() == 0 {
		return tracker.ErrNotFound
	}
	details := map[string]any{"sessions_ended": true}
	if via != "" {
		details["link"] = string(via)
	}
	return audit(ctx, tx, actor, at, AuditEntry{Action: "user.password_set", RecordType: "user", RecordID: RecordRef(userID), Details: details})
}

// lockUser locks the user's row for the rest of the transaction and returns it, checking its
// version when version is not zero. It returns tracker.ErrNotFound if there is no such user and
// tracker.ErrUserChanged if the version differs.
func lockUser(ctx context.Context, tx pgx.Tx, id int64, version int) (tracker.User, error) {
	if err := usersTable.lock(ctx, tx, id, version); err != nil {
		return tracker.User{}, err
	}
	return userByID(ctx, tx, id)
}

// checkAdminRemains returns tracker.ErrLastAdmin when no active administrator would remain. The
// caller has locked the administrators' rows (lockAdminsFirst), so that two administrators
// demoting each other at once cannot both succeed.
func checkAdminRemains(ctx context.Context, tx pgx.Tx) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n); err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if n == 0 {
		return tracker.ErrLastAdmin
	}
	return nil
}

// SetDisabled disables or enables the account and audits it, with the reason given for it when
// there is one. Disabling ends every session of the
// user at once. version, when not zero, must be the account's current version. It returns
// tracker.ErrNotFound, tracker.ErrUserChanged, or tracker.ErrLastAdmin when it would disable the
// last active administrator.
func (s *Store) SetDisabled(ctx context.Context, actor tracker.Actor, id int64, disabled bool, version int, reason string) (tracker.User, error) {
	var u tracker.User
	err := s.tx(ctx, fmt.Sprintf("disable user %d", id), nil, func(tx pgx.Tx, at time.Time) error {
		before, err := lockForChange(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if before.Disabled() == disabled {
			u = before
			return nil
		}
		if disabled {
			_, err = tx.Exec(ctx, `UPDATE users SET disabled_at = $2, session_epoch = session_epoch + 1,
				version = version + 1, updated_at = $2 WHERE id = $1`, id, at)
		} else {
			_, err = tx.Exec(ctx, `UPDATE users SET disabled_at = NULL, version = version + 1, updated_at = $2
				WHERE id = $1`, id, at)
		}
		if err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		u, err = finishUserChange(ctx, tx, actor, at, before, action, reasonDetails(reason))
		return err
	})
	return u, err
}

// finishUserChange ends a change to the account before was: a change to an administrator must
// leave one active administrator, and the change is audited as action with the account before
// and after. It returns the account as it is now.
func finishUserChange(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, before tracker.User, action string, details map[string]any) (tracker.User, error) {
	if before.IsAdmin() {
		if err := checkAdminRemains(ctx, tx); err != nil {
			return tracker.User{}, err
		}
	}
	u, err := userByID(ctx, tx, before.ID)
	if err != nil {
		return tracker.User{}, err
	}
	d := map[string]any{"before": userDetails(before), "after": userDetails(u)}
	maps.Copy(d, details)
	return u, audit(ctx, tx, actor, at, AuditEntry{Action: action, RecordType: "user", RecordID: RecordRef(before.ID), Details: d})
}

// lockForChange locks the account id for a change, after the administrators' rows (see
// lockAdminsFirst), and returns it as it was. version, when not zero, must be its version.
func lockForChange(ctx context.Context, tx pgx.Tx, id int64, version int) (tracker.User, error) {
	if err := lockAdminsFirst(ctx, tx); err != nil {
		return tracker.User{}, err
	}
	return lockUser(ctx, tx, id, version)
}

// lockAdminsFirst takes the locks on administrators' rows before any other user's, so that
// concurrent account changes always lock in the same order.
func lockAdminsFirst(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE`); err != nil {
		return fmt.Errorf("lock admins: %w", err)
	}
	return nil
}

// ChangeRole sets the account's role and, for partners, organisation (by code; "" for other
// roles), and audits it. version, when not zero, must be the account's current version. It
// returns tracker.ErrNotFound, tracker.ErrUserChanged, tracker.ErrLastAdmin,
// tracker.ErrNoSuchOrganisation, or the error of tracker.RoleOrganisationError for a role and
// organisation that do not fit together.
func (s *Store) ChangeRole(ctx context.Context, actor tracker.Actor, id int64, role tracker.Role, orgCode string, version int) (tracker.User, error) {
	if err := tracker.RoleOrganisationError(role, orgCode); err != nil {
		return tracker.User{}, err
	}
	var u tracker.User
	err := s.tx(ctx, fmt.Sprintf("change role of user %d", id), nil, func(tx pgx.Tx, at time.Time) error {
		before, err := lockForChange(ctx, tx, id, version)
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
			updated_at = $4 WHERE id = $1`, id, string(role), orgID, at); err != nil {
			return err
		}
		u, err = finishUserChange(ctx, tx, actor, at, before, "user.change_role", nil)
		return err
	})
	return u, err
}
