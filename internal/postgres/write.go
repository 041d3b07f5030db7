package postgres

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Every write goes through tx: one transaction, at one instant of the store's clock, with its
// errors passed through storeError. A change to one versioned record goes through change, which
// adds reading the record as it was, locking its row at the version the person started from and
// auditing the change with the record before and after it.

// tx runs fn in a transaction, giving it the time by the store's clock, which everything the
// transaction records takes. It returns fn's error, or the transaction's, through storeError. In
// a context from ReadOnly the transaction is read-only: PostgreSQL refuses any write in it.
func (s *Store) tx(ctx context.Context, op string, v violations, fn func(tx pgx.Tx, at time.Time) error) error {
	at := s.now()
	var opts pgx.TxOptions
	if readOnly(ctx) {
		opts.AccessMode = pgx.ReadOnly
	}
	return storeError(op, pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error { return fn(tx, at) }), v)
}

type readOnlyKey struct{}

// ReadOnly returns a context in which every change the store makes to records (everything that
// goes through tx) is refused by PostgreSQL, as an error: for running code that must save
// nothing, such as a form's handler showing a form again without sending it.
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

func readOnly(ctx context.Context) bool {
	ro, _ := ctx.Value(readOnlyKey{}).(bool)
	return ro
}

// table is a table of versioned records: each row has an id and a version that goes up with
// every change to it, and a change is made only to the version the person making it started from.
type table struct {
	name string
	// closed is an SQL condition true of a row that takes no more changes, such as a retired one.
	closed string
	// stale is the error for a row whose version has moved on, or that is closed.
	stale error
	// anyVersion lets version 0 stand for whatever version the row is at, for changes made
	// without a form that read it, such as an account's from the command line.
	anyVersion bool
}

// The tables of versioned records.
var (
	plansTable         = table{name: "plans", closed: "retired_at IS NOT NULL", stale: tracker.ErrConflict}
	prioritiesTable    = table{name: "priorities", closed: "retired_at IS NOT NULL", stale: tracker.ErrConflict}
	organisationsTable = table{name: "organisations", closed: "retired_at IS NOT NULL", stale: tracker.ErrConflict}
	commitmentsTable   = table{name: "commitments", closed: "retired_at IS NOT NULL", stale: tracker.ErrConflict}
	roundsTable        = table{name: "reporting_rounds", closed: "closed_at IS NOT NULL", stale: tracker.ErrConflict}
	usersTable         = table{name: "users", closed: "false", stale: tracker.ErrUserChanged, anyVersion: true}
)

// lock is the one check of a version: it locks the row with the id for the rest of tx and checks
// that it is still at version (any version, when version is 0 and t.anyVersion) and not closed.
// It returns tracker.ErrNotFound if there is no such row, and t.stale if it has changed or is
// closed.
func (t table) lock(ctx context.Context, tx pgx.Tx, id int64, version int) error {
	var current int
	var closed bool
	err := tx.QueryRow(ctx, `SELECT version, `+t.closed+` FROM `+pgx.Identifier{t.name}.Sanitize()+
		` WHERE id = $1 FOR UPDATE`, id).Scan(&current, &closed)
	if noRows(err) {
		return tracker.ErrNotFound
	}
	if err != nil {
		return err
	}
	if (current != version && !(version == 0 && t.anyVersion)) || closed {
		return t.stale
	}
	return nil
}

// reasonDetails are the details of an audit entry that keep the reason given for a change, such
// as retiring a record: none when no reason was given.
func reasonDetails(reason string) map[string]any {
	if reason == "" {
		return map[string]any{}
	}
	return map[string]any{"reason": reason}
}

// record is a kind of versioned record: its table, how it is read and what the audit log keeps
// of it.
type record[T any] struct {
	table
	// kind names the record in the audit log, and begins its actions: "plan" for "plan.update".
	kind string
	// read reads the record as it is. Its errors are the store's already.
	read func(ctx context.Context, q querier, id int64) (T, error)
	// audit is what the audit log keeps of the record.
	audit func(T) map[string]any
	// id is the record's ID.
	id func(T) int64
}

// edit is one change to a versioned record.
type edit struct {
	id int64
	// version is the version the person making the change started from.
	version int
	// action is what the change does, audited after the record's kind: "update", "retire".
	action string
	// op names the change in errors, such as "update plan 3".
	op string
	// on says what violated constraints mean.
	on violations
	// details go into the audit entry beside the record before and after; a change may add to
	// them as it runs.
	details map[string]any
	// blind leaves out reading the record before the change: the audit entry has details alone.
	blind bool
	// removes says the change takes the record out of use: the audit entry keeps it as it was.
	removes bool
}

// change makes one change to a versioned record: it reads the record as it is (unless e.blind),
// then in one transaction locks its row at e.version, calls apply with the time and the record
// as it was to write the change and return the record as it is now, and audits the change. It
// returns the errors of read, table.lock and apply through storeError: tracker.ErrNotFound for a
// record that does not exist, and the table's stale error for one that changed since e.version.
func change[T any](ctx context.Context, s *Store, actor tracker.Actor, r record[T], e edit,
	apply func(tx pgx.Tx, at time.Time, before T) (T, error)) (T, error) {
	var before, after T
	if !e.blind {
		var err error
		if before, err = r.read(ctx, s.pool, e.id); err != nil {
			return after, err
		}
	}
	err := s.tx(ctx, e.op, e.on, func(tx pgx.Tx, at time.Time) error {
		if err := r.lock(ctx, tx, e.id, e.version); err != nil {
			return err
		}
		var err error
		if after, err = apply(tx, at, before); err != nil {
			return err
		}
		details := map[string]any{}
		if !e.blind {
			details["before"] = r.audit(before)
			if !e.removes {
				details["after"] = r.audit(after)
			}
		}
		maps.Copy(details, e.details)
		return audit(ctx, tx, actor, at, AuditEntry{Action: r.kind + "." + e.action, RecordType: r.kind,
			RecordID: RecordRef(e.id), Details: details})
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return after, nil
}

// update saves changes made in a form to the record *v: in change, with the version the form was
// based on, it runs sql, an UPDATE of the row @id at the time @at with args, scanning what it
// returns into dest (fields of *v). It returns the record as saved, with change's errors and those
// on says the violated constraints mean.
func update[T any](ctx context.Context, s *Store, actor tracker.Actor, r record[T], v *T, version int, on violations,
	sql string, args pgx.NamedArgs, dest ...any) (T, error) {
	id := r.id(*v)
	return change(ctx, s, actor, r, edit{id: id, version: version, action: "update",
		op: fmt.Sprintf("update %s %d", r.kind, id), on: on},
		func(tx pgx.Tx, at time.Time, _ T) (T, error) {
			args["id"], args["at"] = id, at
			err := tx.QueryRow(ctx, sql, args).Scan(dest...)
			return *v, err
		})
}

// create adds a record: in one transaction insert writes it and returns it as stored, and the
// audit log records it with details. Errors pass through storeError with op and on.
func create[T any](ctx context.Context, s *Store, actor tracker.Actor, r record[T], op string, on violations,
	details map[string]any, insert func(tx pgx.Tx, at time.Time) (T, error)) (T, error) {
	var created T
	err := s.tx(ctx, op, on, func(tx pgx.Tx, at time.Time) error {
		var err error
		if created, err = insert(tx, at); err != nil {
			return err
		}
		d := map[string]any{"after": r.audit(created)}
		maps.Copy(d, details)
		return audit(ctx, tx, actor, at, AuditEntry{Action: r.kind + ".create", RecordType: r.kind,
			RecordID: RecordRef(r.id(created)), Details: d})
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return created, nil
}
