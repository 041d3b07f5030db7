package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// violations says, by the name of a constraint, which tracker error a violation of it means to
// the person acting. The key noRow stands for a missing row (pgx.ErrNoRows) where that means
// something other than tracker.ErrNotFound.
type violations map[string]error

// noRow is the key of violations for a missing row.
const noRow = "(no row)"

// The constraints whose violations mean something to the person acting.
const (
	plansSlugKey          = "plans_slug_key"
	plansOneCurrent       = "plans_one_current"
	prioritiesSlugKey     = "priorities_plan_id_slug_key"
	prioritiesNumberKey   = "priorities_plan_id_number_key"
	organisationsCodeKey  = "organisations_code_key"
	commitmentsRefKey     = "commitments_plan_id_ref_key"
	roundsNameKey         = "reporting_rounds_plan_id_name_key"
	roundsOneOpen         = "reporting_rounds_one_open"
	usersEmailKey         = "users_email"
	updatesOpenPerOrg     = "updates_open_per_organisation"
	updatesOpenPerStaffer = "updates_open_per_staff_author"
)

// storeError is the one way an error leaves the store, op naming what failed. Domain errors pass
// through as they are; a missing row is tracker.ErrNotFound (or what v says for noRow); a violated
// constraint that v names is the error v gives; a database that cannot be reached, is shutting
// down, is out of resources or did not answer in time is a tracker.EUNAVAILABLE error; anything
// else is wrapped with op. Errors other than domain errors stay in the chain, so errors.Is and
// errors.As still find them.
func storeError(op string, err error, v violations) error {
	if err == nil {
		return nil
	}
	var de *tracker.Error
	if errors.As(err, &de) {
		return err
	}
	if noRows(err) {
		if e, ok := v[noRow]; ok {
			return e
		}
		return tracker.ErrNotFound
	}
	if e := violated(err, v); e != nil {
		return e
	}
	err = fmt.Errorf("postgres: %s: %w", op, err)
	if unavailable(err) {
		return tracker.Unavailable(err)
	}
	return err
}

// noRows reports whether err says a query that should have found a row found none
// (pgx.ErrNoRows): for the queries where none is an answer, not an error.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// violated returns the error v gives for the constraint err violates, or nil if v names none.
func violated(err error, v violations) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName != "" {
		return v[pgErr.ConstraintName]
	}
	return nil
}

// Classify turns an error from the store's connection pool met outside the store, such as by the
// session store, into the store's error contract: a tracker.EUNAVAILABLE error when the database
// cannot be reached or did not answer in time, the error itself otherwise.
func Classify(err error) error {
	if err == nil || !unavailable(err) {
		return err
	}
	var de *tracker.Error
	if errors.As(err, &de) {
		return err
	}
	return tracker.Unavailable(err)
}

// unavailable reports whether err means the database cannot be reached or did not answer in time,
// so that trying again later may work.
func unavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &pgErr):
		// Class 08: connection exception; 53: the server is out of connections, memory or disk;
		// 57014: the statement ran past statement_timeout; 57P01-57P03: the server is shutting
		// down or starting; 55P03: a lock was not granted in time; 40001 and 40P01: a
		// serialization failure or deadlock, which trying again resolves.
		switch pgErr.Code[:2] {
		case "08", "53":
			return true
		}
		switch pgErr.Code {
		case "57014", "57P01", "57P02", "57P03", "55P03", "40001", "40P01":
			return true
		}
		return false
	}
	return pgconn.SafeToRetry(err)
}
