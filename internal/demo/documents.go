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
// documents, whose positions go on from the first's last word. So each sentence is read once and
// each pair of sentences the updates use is concatenated once (demo_narratives).
//
// A commitment's narratives, newest first, are then the concatenation of theirs, without reading
// the text again. Concatenating them one at a time, a million calls of ||, took 5 s. But the
// sentences of update k depend on k only through k % 3 and k % 5 (demo_first_sentence and
// demo_second_sentence), so they come round again every 15 updates: the narratives of updates
// 15b to 15b + 14, newest first, are the same block for every b. A commitment's narratives are
// the newest updates that do not fill a block (the tail), then that block once for each full
// block below them, and the block repeated n times is made by doubling (demo_repeat): about 25
// calls of || a commitment rather than 100. Checked against to_tsvector of the joined text on a
// sample of 500 commitments at national scale, the documents are the same; one at a time they
// were not for 76 of the 10,000, where a word had been seen more than 256 times before (what
// to_tsvector keeps of one word), as || goes on from the last position kept.
//
// The narratives are not read back from the updates, which are not committed yet where this
// runs, but follow from the same rules as the updates step (demo_per, demo_state and the
// sentence pairs of update k of commitment i): its published updates are those up to the last
// published one, and newest first is k from there down to 0, as the updates' ids follow their
// times. Each row is a commitment's number i, the length of its narratives joined by spaces, and
// their document.
var narrativeSQL = []string{`
	CREATE TEMP TABLE demo_narratives ON COMMIT DROP AS
	SELECT p.first, p.second, length(s1.text) + 1 + length(s2.text) AS length, s1.document || s2.document AS v
	FROM (SELECT DISTINCT pg_temp.demo_first_sentence(i, r) AS first, pg_temp.demo_second_sentence(i, r) AS second
	      FROM generate_series(0, @commitments::int - 1) i, generate_series(0, 14) r) p
	JOIN demo_sentences s1 ON s1.n = p.first
	JOIN demo_sentences s2 ON s2.n = p.second`,
	`ANALYZE demo_narratives`,
	`CREATE AGGREGATE pg_temp.demo_concat(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '')`,
	`CREATE FUNCTION pg_temp.demo_repeat(v tsvector, n int) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE STRICT AS $$
	DECLARE r tsvector := '';
	BEGIN
		WHILE n > 0 LOOP
			IF n % 2 = 1 THEN r := r || v; END IF;
			n := n / 2;
			IF n > 0 THEN v := v || v; END IF;
		END LOOP;
		RETURN r;
	END $$`,
	`CREATE UNLOGGED TABLE ` + narrativesTable + ` AS
	SELECT i, tail_length + blocks * block_length - 1 AS length, coalesce(tail, '') || pg_temp.demo_repeat(block, blocks) AS v
	FROM (SELECT c.i, c.blocks,
	             pg_temp.demo_concat(n.v ORDER BY r DESC) AS block, sum(n.length + 1) AS block_length,
	             pg_temp.demo_concat(n.v ORDER BY r DESC) FILTER (WHERE r <= c.last - 15 * c.blocks) AS tail,
	             coalesce(sum(n.length + 1) FILTER (WHERE r <= c.last - 15 * c.blocks), 0) AS tail_length
	      FROM (SELECT i, last, (last + 1) / 15 AS blocks
	            FROM generate_series(0, @commitments::int - 1) i
	            CROSS JOIN LATERAL (SELECT pg_temp.demo_per(i, @updates::int, @commitments::int) AS per) p
	            CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.demo_state(i, p.per - 1, p.per) = 'published'
	                                            THEN p.per - 1 ELSE p.per - 2 END AS last) l) c
	      CROSS JOIN generate_series(0, 14) r
	      JOIN demo_narratives n ON n.first = pg_temp.demo_first_sentence(c.i, r) AND n.second = pg_temp.demo_second_sentence(c.i, r)
	      WHERE c.last >= 0
	      GROUP BY c.i, c.blocks) x`,
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
