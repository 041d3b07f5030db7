package demo

// Bulk inserts with the table's keys, indexes and triggers made again once the rows are in.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// liveIndexes are partial indexes of the updates that hold only the few hundred updates not
// published. Kept up to date during the insert they cost a test of each row; built again after
// it, each would read all million rows.
var liveIndexes = map[string]bool{
	"updates_open_per_organisation": true, "updates_open_per_staff_author": true, "updates_state": true,
}

// withoutForeignKeys runs a bulk insert into table with its foreign keys dropped, then adds them
// back as they were, which checks every new row at once: far quicker than a check per row. Its
// indexes, and its primary key when no other table refers to it, are dropped too, and built again
// after the insert. The triggers named are off during the insert: the step's after statement does their work for
// all the rows at once. It all happens in the transaction tx, so nobody else ever sees the table
// without them.
//
// Where the load is trusted (a superuser's: see Load), the foreign keys stay and go unchecked
// during the insert, as pg_restore loads data: with session_replication_role = replica no
// trigger fires, the foreign keys' own included. Every key the load writes is of a row it has
// just written or read in the same transaction, and checking them all again took a second at
// national scale. That is only done when the triggers named are all the table's triggers on
// insert, as no other may be skipped.
func withoutForeignKeys(ctx context.Context, tx pgx.Tx, table string, triggers []string, trusted bool, insert func() error,
	progress func(part string, took time.Duration)) error {
	if trusted {
		var others int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = $1::regclass
			AND NOT tgisinternal AND tgtype & 4 <> 0 AND tgname <> ALL ($2)`, table, triggers).Scan(&others); err != nil {
			return err
		}
		trusted = others == 0
	}
	fks, err := definitions(ctx, tx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'f' AND NOT $2 ORDER BY conname`, table, trusted)
	if err != nil {
		return err
	}
	// A table with deferred trigger events waiting cannot be altered: run them first.
	flush := func() error {
		if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`)
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	t := pgx.Identifier{table}.Sanitize()
	for _, k := range fks {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` DROP CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()); err != nil {
			return err
		}
	}
	// The triggers are dropped rather than disabled, and made again after: PostgreSQL keeps the
	// transition table (REFERENCING NEW TABLE) of a trigger that is disabled all the same, a copy
	// in memory of every row inserted, which took a tenth of the updates' insert.
	defs, err := definitions(ctx, tx, `SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
		WHERE tgrelid = $1::regclass AND tgname = ANY ($2) ORDER BY tgname`, table, triggers)
	if err != nil {
		return err
	}
	if len(defs) != len(triggers) {
		return fmt.Errorf("%s has %d of the triggers %q", table, len(defs), triggers)
	}
	for _, k := range defs {
		if _, err := tx.Exec(ctx, `DROP TRIGGER `+pgx.Identifier{k.name}.Sanitize()+` ON `+t); err != nil {
			return err
		}
	}
	// Indexes are built again after the insert, from all the rows at once, rather than kept up
	// to date row by row. So is the primary key, unless another table's foreign key needs it
	// (nothing can refer to the table meanwhile); other constraints' indexes stay.
	indexes, err := definitions(ctx, tx, `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		UNION ALL
		SELECT k.conname, 'ALTER TABLE ' || k.conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(k.conname)
		       || ' ' || pg_get_constraintdef(k.oid)
		FROM pg_constraint k
		WHERE k.conrelid = $1::regclass AND k.contype = 'p'
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)
		ORDER BY 1`, table)
	if err != nil {
		return err
	}
	indexes = slices.DeleteFunc(indexes, func(k definition) bool { return liveIndexes[k.name] })
	for _, k := range indexes {
		drop := `DROP INDEX ` + pgx.Identifier{k.name}.Sanitize()
		if strings.HasPrefix(k.def, "ALTER TABLE") {
			drop = `ALTER TABLE ` + t + ` DROP CONSTRAINT ` + pgx.Identifier{k.name}.Sanitize()
		}
		if _, err := tx.Exec(ctx, drop); err != nil {
			return err
		}
	}
	t0 := time.Now()
	if trusted {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
	}
	if err := insert(); err != nil {
		return err
	}
	if trusted {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = origin`); err != nil {
			return err
		}
	}
	progress("insert", time.Since(t0))
	t0 = time.Now()
	if err := flush(); err != nil {
		return err
	}
	progress("deferred triggers", time.Since(t0))
	t0 = time.Now()
	defer func() { progress("indexes and keys", time.Since(t0)) }()
	for _, k := range indexes {
		if _, err := tx.Exec(ctx, k.def); err != nil {
			return fmt.Errorf("restore %s: %w", k.name, err)
		}
	}
	for _, k := range defs {
		if _, err := tx.Exec(ctx, k.def); err != nil {
			return fmt.Errorf("restore %s: %w", k.name, err)
		}
	}
	for _, k := range fks {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` ADD CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()+` `+k.def); err != nil {
			return fmt.Errorf("restore %s: %w", k.name, err)
		}
	}
	return nil
}

// definition is something of a table's, by name, with the statement that makes it.
type definition struct{ name, def string }

// definitions returns the definitions sql selects, a name and a statement a row.
func definitions(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]definition, error) {
	rows, _ := tx.Query(ctx, sql, args...)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (definition, error) {
		var d definition
		err := row.Scan(&d.name, &d.def)
		return d, err
	})
}
