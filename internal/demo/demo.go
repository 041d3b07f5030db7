// Package demo fills a database with synthetic data at national scale: a plan with thousands of
// commitments and a million updates, for benchmarks and for checking query plans. Everything it
// writes is plainly marked as not real: the plan is titled "Synthetic demonstration plan (not
// real data)", organisations are "Demo organisation N", people are "Demo partner N" with
// addresses under example.invalid. It never changes a row it did not write, so the seed plan and
// anything else in the database stay as they were.
//
// The data is generated inside PostgreSQL with generate_series, in one transaction, and is the
// same on every run for the same options.
package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PlanSlug is the slug of the synthetic plan; its pages live under /plans/demo-synthetic.
const PlanSlug = "demo-synthetic"

// PlanTitle says on every page of the synthetic plan that its data is not real.
const PlanTitle = "Synthetic demonstration plan (not real data)"

// Options sizes the data.
type Options struct {
	Commitments   int // commitments in the synthetic plan
	Updates       int // updates across them; the newest of one commitment in fifty waits for review
	Organisations int // lead organisations, each with one partner user
	Priorities    int // priority areas; more when needed to keep refs to three digits (999.999)
	AuditEntries  int // audit log entries
	// Progress, when set, is told how long each step took.
	Progress func(step string, took time.Duration)
}

// Defaults returns the national scale of the performance targets: 10,000 commitments and a
// million updates.
func Defaults() Options {
	return Options{Commitments: 10_000, Updates: 1_000_000, Organisations: 200, Priorities: 20, AuditEntries: 100_000}
}

func (o Options) progress(step string, took time.Duration) {
	if o.Progress != nil {
		o.Progress(step, took)
	}
}

func (o Options) check() error {
	switch {
	case o.Priorities < 1 || o.Priorities > 999:
		return errors.New("demo: priorities must be from 1 to 999")
	case o.Commitments < o.Priorities || o.Commitments > 999_000:
		return fmt.Errorf("demo: commitments must be from %d (one per priority area) to 999,000", o.Priorities)
	case o.Updates < 0 || o.Updates > 100_000_000:
		return errors.New("demo: updates must be from 0 to 100,000,000")
	case o.Organisations < 1 || o.Organisations > 100_000:
		return errors.New("demo: organisations must be from 1 to 100,000")
	case o.AuditEntries < 0 || o.AuditEntries > 100_000_000:
		return errors.New("demo: audit entries must be from 0 to 100,000,000")
	}
	return nil
}

// Summary says what Load wrote and how long it took.
type Summary struct {
	PlanID        int64
	Commitments   int64
	Updates       int64
	Organisations int64
	AuditEntries  int64
	Took          time.Duration
}

// ErrExists is returned by Load when the database already holds the synthetic plan.
var ErrExists = errors.New("demo: the database already holds the synthetic plan; load it into a fresh database")

// Load writes the synthetic data in one transaction and then vacuums and analyses the database,
// so that the planner knows the tables' new sizes, as autovacuum would in time. It returns ErrExists when the synthetic plan is already there.
// A second connection of the pool makes the documents of the updates' narratives meanwhile, on
// the other core (narratives.go).
func Load(ctx context.Context, pool *pgxpool.Pool, o Options) (Summary, error) {
	if err := o.check(); err != nil {
		return Summary{}, err
	}
	if pool.Config().MaxConns < 2 {
		return Summary{}, errors.New("demo: the pool must allow two connections: one makes the narratives' documents")
	}
	o.Priorities = max(o.Priorities, (o.Commitments+998)/999)
	start := time.Now()
	var sum Summary
	var stepsDone time.Time
	args := pgx.NamedArgs{
		"slug": PlanSlug, "title": PlanTitle,
		"commitments": o.Commitments, "updates": o.Updates, "orgs": o.Organisations,
		"priorities": o.Priorities, "audit": o.AuditEntries,
		"words": vocabulary,
	}
	var narr *narratives
	// The narratives' documents are made alongside the load's transaction (narratives.go), and
	// their table dropped however the load ends; they stop as soon as the load fails.
	narrCtx, stopNarratives := context.WithCancel(ctx)
	defer stopNarratives()
	defer func() {
		if narr != nil {
			stopNarratives()
			_ = narr.drop(context.WithoutCancel(ctx), pool)
		}
	}()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plans WHERE slug = $1)`, PlanSlug).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrExists
		}
		narr = startNarratives(narrCtx, pool, args)
		// Sort and join the generated rows, and build the indexes, in memory rather than in
		// temporary files: the million updates, sorted by time with their narratives, take about
		// 350 MB, and spilled to disk took a second longer. No JIT compiling: the statements are
		// costly enough to be compiled and optimised, which took 3 s for the search documents,
		// whose time goes in tsvector_concat, and saved less than half a second elsewhere.
		// The commit waits for its WAL to be flushed even where synchronous_commit is off (as
		// in development): until it is, no row of the load may be marked committed on its page
		// (PostgreSQL's hint bits), so the VACUUM after the load would mark no page all-visible
		// and the planner would cost index-only scans as reading the tables.
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '1GB'; SET LOCAL maintenance_work_mem = '256MB';
			SET LOCAL jit = off; SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		for _, step := range steps {
			t := time.Now()
			sql := step.sql
			readsNarratives := strings.Contains(sql, narrativesTable)
			if readsNarratives {
				// The step that reads the narratives' documents waits for them.
				if err := narr.wait(); err != nil {
					return err
				}
				o.progress(step.name+": narratives (alongside)", narr.took)
				o.progress(step.name+": waiting for them", time.Since(t))
				sql = strings.ReplaceAll(sql, narrativesTable, narr.table)
			}
			run := func() error {
				_, err := tx.Exec(ctx, sql, args)
				return err
			}
			var err error
			if step.bulk != "" {
				err = withoutForeignKeys(ctx, tx, step.bulk, step.triggers, run, func(part string, took time.Duration) {
					o.progress(step.name+": "+part, took)
				})
			} else {
				err = run()
			}
			if err == nil && step.after != "" {
				t0 := time.Now()
				_, err = tx.Exec(ctx, step.after, args)
				o.progress(step.name+": after", time.Since(t0))
			}
			if err == nil && readsNarratives {
				// Dropped with the load's commit, or else after it (Load's deferred drop).
				_, err = tx.Exec(ctx, `DROP TABLE `+narr.table)
			}
			if err != nil {
				return fmt.Errorf("demo: %s: %w", step.name, err)
			}
			if strings.Contains(step.sql, "CREATE TEMP TABLE") {
				// The planner needs the sizes of the tables that later steps join.
				if _, err := tx.Exec(ctx, `ANALYZE `+strings.Fields(step.sql)[3]); err != nil {
					return fmt.Errorf("demo: %s: %w", step.name, err)
				}
			}
			o.progress(step.name, time.Since(t))
		}
		defer func() { stepsDone = time.Now() }()
		return tx.QueryRow(ctx, `SELECT p.id,
			(SELECT count(*) FROM commitments WHERE plan_id = p.id),
			(SELECT count(*) FROM updates u JOIN commitments c ON c.id = u.commitment_id WHERE c.plan_id = p.id),
			(SELECT count(*) FROM organisations WHERE code LIKE 'DEMO-%'),
			(SELECT count(*) FROM audit_log WHERE actor_email LIKE '%@example.invalid')
			FROM plans p WHERE p.slug = $1`, PlanSlug).
			Scan(&sum.PlanID, &sum.Commitments, &sum.Updates, &sum.Organisations, &sum.AuditEntries)
	})
	if err != nil {
		if errors.Is(err, ErrExists) {
			return Summary{}, err
		}
		return Summary{}, fmt.Errorf("demo: load: %w", err)
	}
	o.progress("commit", time.Since(stepsDone))
	t := time.Now()
	if err := vacuum(ctx, pool); err != nil {
		return Summary{}, fmt.Errorf("demo: analyze: %w", err)
	}
	o.progress("analyze", time.Since(t))
	sum.Took = time.Since(start)
	return sum, nil
}

// vacuum vacuums and analyzes the database, so that the planner knows the new tables' sizes and
// their pages are marked all-visible, as index-only scans need.
//
// VACUUM marks a page all-visible only once it has marked each row's inserting transaction
// committed on the page, and PostgreSQL refuses to mark that while a commit in the same group of
// 32 transaction IDs is not yet flushed to the WAL. Where synchronous_commit is off, as in
// development, the ANALYZE of each table VACUUM went through before commitments commits so, next
// to the load's own transaction: VACUUM then found the load's rows not yet marked and left
// every page of commitments unmarked, and the planner read the table where an index-only scan
// would do. So the vacuum's own commits, like the load's, wait for the WAL here.
func vacuum(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET synchronous_commit = on`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `VACUUM ANALYZE`)
	if _, rerr := conn.Exec(context.WithoutCancel(ctx), `RESET synchronous_commit`); err == nil {
		err = rerr
	}
	return err
}

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
func withoutForeignKeys(ctx context.Context, tx pgx.Tx, table string, triggers []string, insert func() error,
	progress func(part string, took time.Duration)) error {
	rows, _ := tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`, table)
	type fk struct{ name, def string }
	fks, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fk, error) {
		var k fk
		err := row.Scan(&k.name, &k.def)
		return k, err
	})
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
	rows, _ = tx.Query(ctx, `SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
		WHERE tgrelid = $1::regclass AND tgname = ANY ($2) ORDER BY tgname`, table, triggers)
	defs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fk, error) {
		var k fk
		err := row.Scan(&k.name, &k.def)
		return k, err
	})
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
	rows, _ = tx.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
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
	indexes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fk, error) {
		var k fk
		err := row.Scan(&k.name, &k.def)
		return k, err
	})
	if err != nil {
		return err
	}
	indexes = slices.DeleteFunc(indexes, func(k fk) bool { return liveIndexes[k.name] })
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
	if err := insert(); err != nil {
		return err
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
