package demo

// The documents of the updates' narratives, made on a second connection while the load's own
// transaction writes the updates.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// narrativesTable stands in the search step's statement for the table narratives makes, whose
// name is the load's own.
const narrativesTable = "{{narratives}}"

// narrativeSQL makes the documents. to_tsvector reads about 6 MB of text a second, and the
// narratives are 175 MB: half a minute. But they are made of the 5,000 sentences, a pair to a
// narrative, and the document of two texts joined by a space is the concatenation (||) of their
// documents, whose positions go on from the first's last word. So each sentence is read once,
// each pair of sentences the updates use is concatenated once (demo_narratives), and each
// commitment's narratives, newest first, are concatenated without being read again: the same
// lexemes, weights and positions as to_tsvector of the joined text. (A position may come out one
// lower where a word had been seen more than 256 times before, as to_tsvector keeps no more
// positions of a word than that, and || goes on from the last position kept.)
//
// The narratives are not read back from the updates, which are not committed yet where this
// runs, but follow from the same rules as the updates step (demo_per, demo_state and the
// sentence pairs of update k of commitment i): its published updates are those up to the last
// published one, and newest first is k from there down to 0, as the updates' ids follow their
// times. Each row is a commitment's number i, the length of its narratives joined by spaces, and
// their document.
var narrativeSQL = []string{`
	CREATE TEMP TABLE demo_narratives ON COMMIT DROP AS
	SELECT p.first, p.second, s1.text || ' ' || s2.text AS text, s1.document || s2.document AS v
	FROM (SELECT DISTINCT pg_temp.demo_first_sentence(i, k) AS first, pg_temp.demo_second_sentence(i, k) AS second
	      FROM generate_series(0, @commitments::int - 1) i, generate_series(0, 14) k) p
	JOIN demo_sentences s1 ON s1.n = p.first
	JOIN demo_sentences s2 ON s2.n = p.second`,
	`ANALYZE demo_narratives`,
	`CREATE AGGREGATE pg_temp.demo_concat(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '')`,
	`CREATE UNLOGGED TABLE ` + narrativesTable + ` AS
	SELECT c.i, sum(length(n.text) + 1) - 1 AS length, pg_temp.demo_concat(n.v ORDER BY k DESC) AS v
	FROM generate_series(0, @commitments::int - 1) c (i)
	CROSS JOIN LATERAL (SELECT pg_temp.demo_per(c.i, @updates::int, @commitments::int) AS per) p
	CROSS JOIN LATERAL generate_series(0, CASE WHEN pg_temp.demo_state(c.i, p.per - 1, p.per) = 'published'
	                                          THEN p.per - 1 ELSE p.per - 2 END) k
	JOIN demo_narratives n ON n.first = pg_temp.demo_first_sentence(c.i, k) AND n.second = pg_temp.demo_second_sentence(c.i, k)
	GROUP BY c.i`,
}

// narratives makes the narratives' documents (narrativeSQL) on a connection of its own, so that
// the second core builds them while the load's transaction writes the updates, and they are
// ready when the search step reads them. The table is committed, but unlogged, named for this
// load alone, and dropped by drop whether the load succeeds or not: the load's own tables still
// change all at once or not at all.
type narratives struct {
	table string
	done  chan error
	took  time.Duration
}

// startNarratives starts making the documents; wait returns when they are made.
func startNarratives(ctx context.Context, pool *pgxpool.Pool, args pgx.NamedArgs) *narratives {
	n := &narratives{
		table: pgx.Identifier{fmt.Sprintf("demo_narrative_documents_%d", time.Now().UnixNano())}.Sanitize(),
		done:  make(chan error, 1),
	}
	go func() {
		start := time.Now()
		err := n.make(ctx, pool, args)
		n.took = time.Since(start)
		n.done <- err
	}()
	return n
}

func (n *narratives) make(ctx context.Context, pool *pgxpool.Pool, args pgx.NamedArgs) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// The sentences and the rules are the load's own statements, run again here, where the
	// load's temporary tables and functions cannot be seen.
	stmts := []string{`SET LOCAL work_mem = '1GB'; SET LOCAL jit = off`, stepSQL("sentences"), stepSQL("update rules")}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, s := range append(stmts, narrativeSQL...) {
			if _, err := tx.Exec(ctx, strings.ReplaceAll(s, narrativesTable, n.table), args); err != nil {
				return err
			}
		}
		return nil
	})
	// The functions made above outlive the transaction; the connection goes back to the pool
	// without them.
	if _, derr := conn.Exec(ctx, `DISCARD TEMP`); err == nil {
		err = derr
	}
	return err
}

// wait returns when the documents are made, with the error that stopped them, if any.
func (n *narratives) wait() error {
	err := <-n.done
	n.done <- err
	if err != nil {
		return fmt.Errorf("narrative documents: %w", err)
	}
	return nil
}

// drop waits for the documents and drops their table.
func (n *narratives) drop(ctx context.Context, pool *pgxpool.Pool) error {
	_ = n.wait()
	_, err := pool.Exec(ctx, `DROP TABLE IF EXISTS `+n.table)
	return err
}

// stepSQL is the statement of the step named.
func stepSQL(name string) string {
	for _, s := range steps {
		if s.name == name {
			return s.sql
		}
	}
	panic("demo: no step " + name)
}
