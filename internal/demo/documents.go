package demo

// The commitments' search documents and the words a one-word search looks up in them, made on a
// connection of their own while the load's transaction writes the updates.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The tables documents makes, as the statements name them; each is named for the load.
const (
	narrativesTable = "{{narratives}}" // i, length, v: the document of commitment i's narratives
	documentsTable  = "{{documents}}"  // i, own, search: its own document and its whole one
	termsTable      = "{{terms}}"      // i, term, rank, major, minor: the words of the whole, ranked in its own
)

// documentSQL makes the documents, first the narratives'. to_tsvector reads about 6 MB of text a second, and the
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
// The narratives follow from the same rules as the updates step (demo_last_published and the
// sentence pairs of update k of commitment i): its published updates are those up to the last
// published one, and newest first is k from there down to 0, as the updates' ids follow their
// times. Then each commitment's whole document, and the words of it that a one-word search looks
// up, ranked (commitment_document_terms, as commitment_terms_of ranks them).
var documentSQL = []string{`
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
	            FROM generate_series(0, @commitments::int - 1) i,
	            LATERAL (SELECT pg_temp.demo_last_published(i, @updates::int, @commitments::int) AS last) l) c
	      CROSS JOIN generate_series(0, 14) r
	      JOIN demo_narratives n ON n.first = pg_temp.demo_first_sentence(c.i, r) AND n.second = pg_temp.demo_second_sentence(c.i, r)
	      WHERE c.last >= 0
	      GROUP BY c.i, c.blocks) x`,
	// Each commitment's whole search document: its own, as the commitments step writes it in
	// its search column, then the narratives'. A commitment whose narratives are longer than
	// commitment_search_vector weights is made by that function itself, from the text.
	`CREATE UNLOGGED TABLE ` + documentsTable + ` AS
	SELECT t.i, o.own, CASE WHEN coalesce(n.length, 0) <= 60000 THEN o.own || coalesce(n.v, '')
		ELSE commitment_search_vector(t.deliver, t.why, t.leads,
			(SELECT string_agg(s1.text || ' ' || s2.text, ' ' ORDER BY k DESC)
			 FROM generate_series(0, pg_temp.demo_last_published(t.i, @updates::int, @commitments::int)) k
			 JOIN demo_sentences s1 ON s1.n = pg_temp.demo_first_sentence(t.i, k)
			 JOIN demo_sentences s2 ON s2.n = pg_temp.demo_second_sentence(t.i, k))) END AS search
	FROM pg_temp.demo_commitment_texts(@commitments::int, @priorities::int, @orgs::int) t
	CROSS JOIN LATERAL (SELECT commitment_own_search_vector(t.deliver, t.why, t.leads) AS own) o
	LEFT JOIN ` + narrativesTable + ` n ON n.i = t.i`,
	// The words, by the rule of commitment_terms_of, which reads them from the commitments, with
	// the numbers of the commitment's ref. (Sorted here in the order of commitment_terms_page,
	// that index was built from them in half the time, but the sort took longer than it saved,
	// on a core that is never idle.)
	`CREATE UNLOGGED TABLE ` + termsTable + ` AS
	SELECT d.i, w.term, w.rank, t.priority AS major, t.ordinal AS minor
	FROM ` + documentsTable + ` d
	JOIN pg_temp.demo_commitment_texts(@commitments::int, @priorities::int, @orgs::int) t ON t.i = d.i
	CROSS JOIN LATERAL commitment_document_terms(d.own, d.search) w`,
}

// documents makes the search documents and their words (documentSQL) on a connection of its
// own, so that the second core builds them while the load's transaction writes the updates, and
// they are ready when the search step reads them. The narratives are not read back from the
// updates, which are not committed where this runs, and nor are the commitments' own words:
// both follow from the load's rules (the update rules step), run again here. The tables are
// committed, but unlogged, named for this load alone, and dropped by drop whether the load
// succeeds or not: the load's own tables still change all at once or not at all.
type documents struct {
	tables []string // placeholder, name, placeholder, name... for strings.NewReplacer
	done   chan error
	took   time.Duration
}

// startDocuments starts making the documents; wait returns when they are made.
func startDocuments(ctx context.Context, pool *pgxpool.Pool, args pgx.NamedArgs) *documents {
	load := time.Now().UnixNano()
	d := &documents{done: make(chan error, 1)}
	for _, t := range []string{narrativesTable, documentsTable, termsTable} {
		name := fmt.Sprintf("demo_%s_%d", strings.Trim(t, "{}"), load)
		d.tables = append(d.tables, t, pgx.Identifier{name}.Sanitize())
	}
	go func() {
		start := time.Now()
		err := d.make(ctx, pool, args)
		d.took = time.Since(start)
		d.done <- err
	}()
	return d
}

// named is sql with the tables' placeholders replaced by their names.
func (d *documents) named(sql string) string { return strings.NewReplacer(d.tables...).Replace(sql) }

// reads reports whether sql reads a table documents makes.
func (d *documents) reads(sql string) bool { return d.named(sql) != sql }

func (d *documents) make(ctx context.Context, pool *pgxpool.Pool, args pgx.NamedArgs) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, s := range append(alongsideSQL(), documentSQL...) {
			if _, err := tx.Exec(ctx, d.named(s), args); err != nil {
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
func (d *documents) wait() error {
	err := <-d.done
	d.done <- err
	if err != nil {
		return fmt.Errorf("search documents: %w", err)
	}
	return nil
}

// drop waits for the documents and drops their tables.
func (d *documents) drop(ctx context.Context, pool *pgxpool.Pool) error {
	_ = d.wait()
	var names []string
	for i := 1; i < len(d.tables); i += 2 {
		names = append(names, d.tables[i])
	}
	_, err := pool.Exec(ctx, `DROP TABLE IF EXISTS `+strings.Join(names, ", "))
	return err
}

// alongsideSQL makes the load's sentences and rules on a connection alongside the load's, where
// the load's temporary tables and functions cannot be seen: the load's own statements, run
// again, with the settings of its transaction and the sentences' statistics, as the load has
// them (without them the planner sorts the million updates to merge-join the sentences, rather
// than stream them through hash joins).
func alongsideSQL() []string {
	return []string{`SET LOCAL work_mem = '1GB'; SET LOCAL jit = off`, stepSQL("sentences"), `ANALYZE demo_sentences`,
		stepSQL("update rules")}
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
