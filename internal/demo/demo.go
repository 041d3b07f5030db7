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
	"strings"
	"sync"
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
// Two more connections of the pool work alongside it, on the other core: one makes the search
// documents (documents.go), the other the rows of the updates and the audit log, which it
// streams in (stream.go).
func Load(ctx context.Context, pool *pgxpool.Pool, o Options) (Summary, error) {
	if err := o.check(); err != nil {
		return Summary{}, err
	}
	if pool.Config().MaxConns < 3 {
		return Summary{}, errors.New("demo: the pool must allow three connections: two work alongside the load's")
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
	var docs *documents
	// The documents are made alongside the load's transaction (documents.go), and their tables
	// dropped however the load ends; they stop as soon as the load fails.
	docsCtx, stopDocuments := context.WithCancel(ctx)
	defer stopDocuments()
	defer func() {
		if docs != nil {
			stopDocuments()
			_ = docs.drop(context.WithoutCancel(ctx), pool)
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
		// A superuser's load is trusted to write only the keys of rows that are there, and they
		// are not checked again (withoutForeignKeys).
		var trusted bool
		if err := tx.QueryRow(ctx, `SELECT current_setting('is_superuser') = 'on'`).Scan(&trusted); err != nil {
			return err
		}
		docs = startDocuments(docsCtx, pool, args)
		prod := startProducer(ctx, pool, args)
		defer prod.close(ctx)
		// Join the generated rows, and build the indexes, in memory rather than in temporary
		// files, here as on the connections alongside (when the million updates were sorted by
		// time, spilled to disk that took a second longer). No JIT compiling: the statements are
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
		copied := map[string]int64{} // the rows streamed into each table
		for n, step := range steps {
			t := time.Now()
			sql := step.sql
			if docs.reads(sql) {
				// A step that reads the documents waits for them.
				if err := docs.wait(); err != nil {
					return err
				}
				o.progress(step.name+": documents (alongside)", docs.took)
				o.progress(step.name+": waiting for them", time.Since(t))
				sql = docs.named(sql)
			}
			run := func() error {
				if step.stream == "" {
					_, err := tx.Exec(ctx, sql, args)
					return err
				}
				t0 := time.Now()
				if err := prod.attach(ctx, tx); err != nil {
					return fmt.Errorf("producer: %w", err)
				}
				o.progress(step.name+": producer", time.Since(t0))
				n, err := prod.stream(ctx, tx, step.stream, sql)
				copied[step.bulk] = n
				return err
			}
			var err error
			if step.stream != "" {
				// Rows made ahead are waited for before the table is taken (stream.go).
				if sql, err = prod.waitAhead(sql); err != nil {
					return fmt.Errorf("demo: %s: %w", step.name, err)
				}
				o.progress(step.name+": made ahead", time.Since(t))
			}
			if step.bulk != "" {
				err = withoutForeignKeys(ctx, tx, step.bulk, step.triggers, trusted, run, func(part string, took time.Duration) {
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
			if err != nil {
				return fmt.Errorf("demo: %s: %w", step.name, err)
			}
			if step.stream != "" {
				// The producer goes on to the next table's rows, made ahead.
				for _, next := range steps[n+1:] {
					if next.stream != "" {
						prod.makeAhead(ctx, next.sql)
						break
					}
				}
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
		// The updates and audit entries are as many as were copied in.
		sum.Updates, sum.AuditEntries = copied["updates"], copied["audit_log"]
		return tx.QueryRow(ctx, `SELECT p.id,
			(SELECT count(*) FROM commitments WHERE plan_id = p.id),
			(SELECT count(*) FROM organisations WHERE code LIKE 'DEMO-%')
			FROM plans p WHERE p.slug = $1`, PlanSlug).
			Scan(&sum.PlanID, &sum.Commitments, &sum.Organisations)
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
// their pages are marked all-visible, as index-only scans need: the updates, which are most of
// it, on one connection, and every other table on another, side by side.
func vacuum(ctx context.Context, pool *pgxpool.Pool) error {
	rows, _ := pool.Query(ctx, `SELECT c.oid::regclass::text FROM pg_class c
		WHERE c.relkind IN ('r', 'm') AND c.relpersistence = 'p' AND c.oid <> 'updates'::regclass
		  AND c.relnamespace <> 'pg_toast'::regnamespace ORDER BY 1`)
	others, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for n, tables := range []string{"updates", strings.Join(others, ", ")} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[n] = vacuumTables(ctx, pool, tables)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// vacuumTables vacuums and analyzes tables, a list of names.
//
// VACUUM marks a page all-visible only once it has marked each row's inserting transaction
// committed on the page, and PostgreSQL refuses to mark that while a commit in the same group of
// 32 transaction IDs is not yet flushed to the WAL. Where synchronous_commit is off, as in
// development, the ANALYZE of each table VACUUM went through before commitments commits so, next
// to the load's own transaction: VACUUM then found the load's rows not yet marked and left
// every page of commitments unmarked, and the planner read the table where an index-only scan
// would do. So the vacuum's own commits, like the load's, wait for the WAL here.
func vacuumTables(ctx context.Context, pool *pgxpool.Pool, tables string) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET synchronous_commit = on`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `VACUUM ANALYZE `+tables)
	if _, rerr := conn.Exec(context.WithoutCancel(ctx), `RESET synchronous_commit`); err == nil {
		err = rerr
	}
	return err
}
