package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// superuserPool connects to the database at dbURL as the test server's superuser, who can get
// past any trigger.
func superuserPool(t *testing.T, dbURL string) *pgxpool.Pool {
	t.Helper()
	server, err := url.Parse(dbtest.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = server.User
	return dbtest.Connect(t, u.String())
}

// auditRows adds audit rows of every shape through the pool: with and without an actor, text
// in several scripts and with characters JSON escapes, in transactions of one and of several
// rows.
func auditRows(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{
		`INSERT INTO audit_log (action) VALUES ('sign_in.failed')`,
		`INSERT INTO audit_log (actor_email, action, record_type, record_id, remote_addr, details)
		 VALUES ('Siân Ó Briain <siân@example.scot>', 'user.create', 'user', '7', '192.0.2.1',
		         '{"after": {"name": "Siân \"Ó\" Briain\n", "note": "Gàidhlig – 日本語 😀", "n": 1.50, "none": null}}')`,
		`INSERT INTO audit_log (actor_id, actor_email, action, details)
		 SELECT NULL, '', 'a:b', jsonb_build_object('k', repeat('x', 3000), 'tab', E'\t\\')`,
	}
	for _, s := range stmts {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for i := range 5 {
			if _, err := tx.Exec(ctx, `INSERT INTO audit_log (action, record_type, record_id) VALUES ('batch', 'plan', $1)`, fmt.Sprint(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// verify returns the chain as VerifyAuditChain finds it, failing the test on an error.
func verify(t *testing.T, pool *pgxpool.Pool) postgres.AuditChain {
	t.Helper()
	c, err := postgres.New(pool).VerifyAuditChain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuditChainHoldsAndGoMatchesTheDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	serving, _ := dbtest.ServingPool(t)
	auditRows(t, serving)
	c := verify(t, serving)
	if c.Break != nil || c.Rows != 8 || len(c.Head) != 32 {
		t.Fatalf("chain = %+v, break %+v; want 8 rows intact", c, c.Break)
	}
	// The places follow one another from 1, each row's link is the hash before it, and the
	// database's idea of a row's contents is the verifier's (or both would drift together).
	var n int
	err := serving.QueryRow(ctx, `
		SELECT count(*) FROM (
			SELECT chain_position, prev_hash, row_hash,
			       lag(row_hash, 1, '') OVER (ORDER BY chain_position) AS before,
			       row_number() OVER (ORDER BY chain_position) AS place,
			       sha256(prev_hash || audit_log_content(a)) AS hash
			FROM audit_log a) r
		WHERE chain_position = place AND prev_hash = before AND row_hash = hash`).Scan(&n)
	if err != nil || n != 8 {
		t.Errorf("%d rows are linked as they should be, %v; want 8", n, err)
	}
}

func TestAuditChainLinksConcurrentTransactionsInCommitOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	serving, _ := dbtest.ServingPool(t)
	const workers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				// Some also change public data, whose version is locked at commit too, before
				// or after auditing.
				stmts := []string{`INSERT INTO audit_log (action, record_id) VALUES ('first', $1)`,
					`INSERT INTO audit_log (action, record_id) VALUES ('second', $1)`}
				switch publicChange := `UPDATE organisations SET name = name WHERE code = 'NES' AND $1 <> ''`; i % 3 {
				case 0:
					stmts = append([]string{publicChange}, stmts...)
				case 1:
					stmts = []string{stmts[0], publicChange, stmts[1]}
				}
				err := pgx.BeginFunc(ctx, serving, func(tx pgx.Tx) error {
					for _, s := range stmts {
						if _, err := tx.Exec(ctx, s, fmt.Sprint(w, i)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if c := verify(t, serving); c.Break != nil || c.Rows != 2*workers*each {
		t.Errorf("after concurrent audits: %d rows, break %+v; want %d intact", c.Rows, c.Break, 2*workers*each)
	}
}

func TestAuditChainFindsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name    string
		tamper  []string // run by a superuser past the triggers; $1 is the id of the 4th row
		atRow   int      // which row (by order added, from 1) the break is reported at
		problem string
	}{
		{"edited", []string{`UPDATE audit_log SET details = '{"after": {"role": "admin"}}' WHERE id = $1`}, 4, "changed"},
		{"edited with its hash", []string{`UPDATE audit_log SET action = 'x' WHERE id = $1`,
			`UPDATE audit_log a SET row_hash = sha256(prev_hash || audit_log_content(a)) WHERE id = $1`}, 5, "does not follow"},
		{"deleted", []string{`DELETE FROM audit_log WHERE id = $1`}, 5, "removed"},
		{"newest deleted", []string{`DELETE FROM audit_log WHERE id > $1`}, 4, "newest rows were removed"},
		{"added", []string{`INSERT INTO audit_log (action) SELECT 'forged' WHERE $1::bigint > 0`}, 9, "not in the chain"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbURL := dbtest.URL(t)
			serving := dbtest.Connect(t, dbtest.ServingURL(t, dbURL))
			auditRows(t, serving)
			rows, _ := serving.Query(ctx, `SELECT id FROM audit_log ORDER BY chain_position`)
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil || len(ids) != 8 {
				t.Fatalf("ids %v, %v", ids, err)
			}
			admin := superuserPool(t, dbURL)
			err = pgx.BeginFunc(ctx, admin, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
					return err
				}
				for _, s := range tc.tamper {
					if _, err := tx.Exec(ctx, s, ids[3]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			c := verify(t, serving)
			if c.Break == nil {
				t.Fatalf("the chain holds after the audit log was %s", tc.name)
			}
			var want int64
			if tc.atRow <= len(ids) {
				want = ids[tc.atRow-1]
			} else if err := serving.QueryRow(ctx, `SELECT max(id) FROM audit_log`).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if c.Break.ID != want || c.Break.At.IsZero() || !strings.Contains(c.Break.Problem, tc.problem) {
				t.Errorf("break at row %d (%s): %q; want row %d, saying %q", c.Break.ID, c.Break.At, c.Break.Problem, want, tc.problem)
			}
		})
	}
}

// The rows already in the audit log when the chain arrives are linked in batches, oldest first,
// and the chain goes on from them.
func TestAuditChainBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := dbtest.EmptyURL(t)
	pool := dbtest.Connect(t, dbURL)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 71); err != nil {
		t.Fatal(err)
	}
	const old = 25_000 // three batches
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (at, action, record_id, details)
		SELECT now() - g * interval '1 minute', 'old', g::text, jsonb_build_object('g', g)
		FROM generate_series(1, $1::integer) g`, old); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (action) VALUES ('new')`); err != nil {
		t.Fatal(err)
	}
	c := verify(t, pool)
	if c.Break != nil || c.Rows != old+1 {
		t.Fatalf("after the backfill: %d rows, break %+v; want %d intact", c.Rows, c.Break, old+1)
	}
	var misplaced int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE chain_position <> id`).Scan(&misplaced); err != nil || misplaced != 0 {
		t.Errorf("%d rows are not in id order in the chain, %v", misplaced, err)
	}
}
