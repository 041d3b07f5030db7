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
func Load(ctx context.Context, pool *pgxpool.Pool, o Options) (Summary, error) {
	if err := o.check(); err != nil {
		return Summary{}, err
	}
	o.Priorities = max(o.Priorities, (o.Commitments+998)/999)
	start := time.Now()
	var sum Summary
	var stepsDone time.Time
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plans WHERE slug = $1)`, PlanSlug).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrExists
		}
		// Sort and join the generated rows, and build the indexes, in memory rather than in
		// temporary files.
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
			return err
		}
		args := pgx.NamedArgs{
			"slug": PlanSlug, "title": PlanTitle,
			"commitments": o.Commitments, "updates": o.Updates, "orgs": o.Organisations,
			"priorities": o.Priorities, "audit": o.AuditEntries,
			"words": vocabulary,
		}
		for _, step := range steps {
			t := time.Now()
			run := func() error {
				_, err := tx.Exec(ctx, step.sql, args)
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
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		return Summary{}, fmt.Errorf("demo: analyze: %w", err)
	}
	o.progress("analyze", time.Since(t))
	sum.Took = time.Since(start)
	return sum, nil
}

// withoutForeignKeys runs a bulk insert into table with its foreign keys dropped, then adds them
// back as they were, which checks every new row at once: far quicker than a check per row. Its
// other indexes are dropped too, and built again after the insert. The row triggers named are off during the insert: the step's after statement does their work for
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
	for _, trigger := range triggers {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` DISABLE TRIGGER `+pgx.Identifier{trigger}.Sanitize()); err != nil {
			return err
		}
	}
	// Indexes other than the primary key are built again after the insert, from all the rows at
	// once, rather than kept up to date row by row.
	rows, _ = tx.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY c.relname`, table)
	indexes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fk, error) {
		var k fk
		err := row.Scan(&k.name, &k.def)
		return k, err
	})
	if err != nil {
		return err
	}
	for _, k := range indexes {
		if _, err := tx.Exec(ctx, `DROP INDEX `+pgx.Identifier{k.name}.Sanitize()); err != nil {
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
	for _, trigger := range triggers {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` ENABLE TRIGGER `+pgx.Identifier{trigger}.Sanitize()); err != nil {
			return err
		}
	}
	for _, k := range fks {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` ADD CONSTRAINT `+pgx.Identifier{k.name}.Sanitize()+` `+k.def); err != nil {
			return fmt.Errorf("restore %s: %w", k.name, err)
		}
	}
	return nil
}

// vocabulary is what the synthetic text is made of: words of the trade, so that text search has
// something to find, in sentences that read as obviously generated. Sentences draw the words in
// front more often than those behind, as in real text, where "digital" and "care" are everywhere
// and "dementia" is not: the first word is about ten times as common as the last.
var vocabulary = strings.Fields(`
	digital health care social service record records data platform national regional local
	board partnership patient patients citizen citizens staff workforce skills training leadership
	access app apps online portal appointment appointments booking referral referrals prescribing
	medicines pharmacy laboratory imaging radiology cancer mental wellbeing community hospital
	primary secondary emergency urgent remote monitoring telecare telehealth video consultation
	consultations identity authentication security cyber resilience cloud infrastructure network
	connectivity broadband standards interoperability integration exchange sharing consent privacy
	governance ethics research innovation analytics intelligence dashboard reporting evaluation
	procurement contract supplier framework pilot rollout adoption implementation transformation
	programme project strategy roadmap guidance policy legislation accessibility inclusion
	exclusion literacy devices equipment laptops tablets phones scheduling rostering payroll
	finance estates facilities transport ambulance dental optometry audiology maternity children
	young people older adults carers families housing education justice police fire rescue
	council councils islands rural urban highlands borders lothian glasgow edinburgh aberdeen
	dundee inverness fife ayrshire lanarkshire tayside grampian forth valley orkney shetland
	western isles dumfries galloway testing vaccination screening diagnostics genomics pathways
	frailty dementia diabetes respiratory cardiac stroke renal neurology dermatology ophthalmology
	automation artificial learning model models catalogue register registry index directory
	messaging notifications letters email text alerts inbox archive migration decommissioning
	upgrade replacement modernisation efficiency productivity savings investment funding budget
	milestone milestones phase phases discovery alpha beta live assessment assurance audit risk
	issues dependencies delivery delivered delayed progress update updates review reviewed
`)

// steps build the synthetic plan in order. Each is one statement with the named arguments of
// Load; temporary tables carry numbering from one step to the next.
var steps = []struct {
	name string
	sql  string
	bulk string // the table a bulk insert fills, whose foreign keys are checked once at the end
	// triggers are row triggers of the bulk table that are off during the insert; after does
	// their work, set-based, once the rows are in.
	triggers []string
	after    string
}{
	{"sentences", `
		CREATE TEMP TABLE demo_sentences ON COMMIT DROP AS
		SELECT n, text, setweight(to_tsvector('english', text), 'C') AS document
		FROM (SELECT n, initcap(string_agg(w, ' ' ORDER BY k)) || '.' AS text
		      FROM generate_series(0, 4999) n,
		           LATERAL (SELECT k, (@words::text[])[1 + floor(cardinality(@words::text[])
		                           * (((n * 7919 + k * 104729 + n * k * 31) % 10007) / 10007.0) ^ 2)::int] AS w
		                    FROM generate_series(1, 6 + n % 9) k) words
		      GROUP BY n) s`, "", nil, ""},
	{"plan", `
		INSERT INTO plans (slug, title, period, strategy, published_on, licence, attribution)
		VALUES (@slug, @title, 'Synthetic', 'Synthetic demonstration strategy (not real data)', current_date,
		        'Synthetic data for demonstration and testing: not real', 'Generated by portal demo-data')`, "", nil, ""},
	{"aims", `
		INSERT INTO aims (plan_id, number, text)
		SELECT p.id, g.n, 'Synthetic aim ' || g.n || ': ' || s.text
		FROM plans p, generate_series(1, 3) g (n) JOIN demo_sentences s ON s.n = g.n
		WHERE p.slug = @slug`, "", nil, ""},
	{"priorities", `
		INSERT INTO priorities (plan_id, number, slug, name, tagline)
		SELECT p.id, g.n, 'synthetic-area-' || g.n, 'Synthetic priority area ' || g.n, s.text
		FROM plans p, generate_series(1, @priorities::int) g (n) JOIN demo_sentences s ON s.n = 100 + g.n
		WHERE p.slug = @slug`, "", nil, ""},
	{"organisations", `
		CREATE TEMP TABLE demo_orgs ON COMMIT DROP AS
		WITH inserted AS (
			INSERT INTO organisations (code, name, as_written)
			SELECT 'DEMO-' || n, 'Demo organisation ' || n, ARRAY['Demo organisation ' || n, 'DO' || n]
			FROM generate_series(1, @orgs::int) n
			RETURNING id, code)
		SELECT substr(code, 6)::int - 1 AS n, id FROM inserted`, "", nil, ""},
	{"users", `
		CREATE TEMP TABLE demo_users ON COMMIT DROP AS
		WITH inserted AS (
			INSERT INTO users (email, name, role, organisation_id)
			SELECT 'demo-partner-' || (o.n + 1) || '@example.invalid', 'Demo partner ' || (o.n + 1), 'partner', o.id
			FROM demo_orgs o
			UNION ALL
			SELECT 'demo-staff-' || n || '@example.invalid', 'Demo staff member ' || n, 'staff', NULL
			FROM generate_series(1, 20) n
			RETURNING id, email, organisation_id)
		SELECT *, CASE WHEN staff_n IS NULL THEN 'o' || org_n ELSE 's' || staff_n END AS key
		FROM (SELECT i.id, i.email, i.organisation_id, o.n AS org_n,
		             CASE WHEN i.organisation_id IS NULL
		                  THEN substring(i.email from 'demo-staff-([0-9]+)@')::int - 1 END AS staff_n
		      FROM inserted i LEFT JOIN demo_orgs o ON o.id = i.organisation_id) u`, "", nil, ""},
	// How each commitment's updates go, as functions of the commitment's number i and the
	// update's number k, so that a commitment can be written with the status of its latest
	// published update before the updates themselves (rather than rewriting every commitment
	// after, which would scatter them over the table). Each commitment gets about the same number
	// of updates, spread over the last two years. The newest update of one commitment in fifty is
	// waiting for review, and of as many more is a draft or was returned; all others are published.
	{"update rules", `
		CREATE FUNCTION pg_temp.demo_per(i bigint, updates int, commitments int) RETURNS int
			LANGUAGE sql IMMUTABLE AS $$ SELECT updates / commitments + CASE WHEN i < updates % commitments THEN 1 ELSE 0 END $$;
		CREATE FUNCTION pg_temp.demo_state(i bigint, k int, per int) RETURNS text
			LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN k < per - 1 THEN 'published' WHEN i % 50 = 0 THEN 'submitted'
				WHEN i % 50 = 1 THEN 'draft' WHEN i % 50 = 2 THEN 'returned' ELSE 'published' END $$;
		CREATE FUNCTION pg_temp.demo_status(i bigint, k int) RETURNS text
			LANGUAGE sql IMMUTABLE AS $$ SELECT (ARRAY['not_started', 'on_track', 'on_track', 'on_track', 'at_risk',
				'delayed', 'delivered'])[1 + (k * 2 + i) % 7] $$;
		CREATE FUNCTION pg_temp.demo_expected(i bigint, k int) RETURNS date
			LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN (i + k) % 5 = 0
				THEN (date '2024-04-01' + make_interval(months => ((i + k) % 48)::int))::date END $$;
		CREATE FUNCTION pg_temp.demo_at(i bigint, k int, per int) RETURNS timestamptz
			LANGUAGE sql STABLE AS $$ SELECT now() - make_interval(secs => (per - k)::float8 * 63072000 / per + i % 3600) $$;
		CREATE FUNCTION pg_temp.demo_first_sentence(i bigint, k int) RETURNS int
			LANGUAGE sql IMMUTABLE AS $$ SELECT ((i * 31 + k % 3 * 7) % 5000)::int $$;
		CREATE FUNCTION pg_temp.demo_second_sentence(i bigint, k int) RETURNS int
			LANGUAGE sql IMMUTABLE AS $$ SELECT ((i * 17 + k % 5 * 13 + 5) % 5000)::int $$;
		CREATE FUNCTION pg_temp.demo_lead_line(i bigint, k int, orgs int) RETURNS text
			LANGUAGE sql IMMUTABLE AS $$ SELECT 'Demo organisation ' || (1 + (i * 3 + k * 7) % orgs)
				|| CASE WHEN k = 1 THEN ' and Demo organisation ' || (1 + (i * 5 + 11) % orgs) ELSE '' END $$;
		CREATE FUNCTION pg_temp.demo_lead_lines(i bigint) RETURNS int
			LANGUAGE sql IMMUTABLE AS $$ SELECT (1 + i % 3)::int $$`, "", nil, ""},
	{"commitments", `
		CREATE TEMP TABLE demo_commitments ON COMMIT DROP AS
		WITH numbered AS (
			SELECT g - 1 AS i, 1 + (g - 1) / per AS priority, 1 + (g - 1) % per AS ordinal
			FROM generate_series(1, @commitments::int) g,
			     (SELECT ceil(@commitments::int / @priorities::numeric)::int AS per) p),
		latest AS (
			SELECT n.*, CASE WHEN pg_temp.demo_state(n.i, per - 1, per) = 'published' THEN per - 1 ELSE per - 2 END AS k, per
			FROM numbered n, LATERAL (SELECT pg_temp.demo_per(n.i, @updates::int, @commitments::int) AS per) p),
		inserted AS (
			INSERT INTO commitments (plan_id, priority_id, ref, ordinal, deliver, why, due_month,
			                         status, expected_month, last_published_at, search)
			SELECT p.id, pr.id, n.priority || '.' || n.ordinal, n.ordinal, t.deliver, t.why,
			       (date '2023-04-01' + make_interval(months => ((n.i * 7) % 60)::int))::date,
			       CASE WHEN n.k >= 0 THEN pg_temp.demo_status(n.i, n.k) END,
			       CASE WHEN n.k >= 0 THEN pg_temp.demo_expected(n.i, n.k) END,
			       CASE WHEN n.k >= 0 THEN pg_temp.demo_at(n.i, n.k, n.per) + interval '2 hours' END,
			       commitment_own_search_vector(t.deliver, t.why, (SELECT string_agg(pg_temp.demo_lead_line(n.i, k, @orgs::int), ' ' ORDER BY k)
			                                                       FROM generate_series(1, pg_temp.demo_lead_lines(n.i)) k))
			FROM latest n
			JOIN plans p ON p.slug = @slug
			JOIN priorities pr ON pr.plan_id = p.id AND pr.number = n.priority
			JOIN demo_sentences s1 ON s1.n = n.i % 5000
			JOIN demo_sentences s2 ON s2.n = (n.i * 13 + 1) % 5000
			JOIN demo_sentences s3 ON s3.n = (n.i * 17 + 2) % 5000
			CROSS JOIN LATERAL (SELECT 'Synthetic commitment ' || n.priority || '.' || n.ordinal || ': ' || s1.text AS deliver,
			                           ARRAY[s2.text, s3.text] AS why) t
			ORDER BY n.i
			RETURNING id, ref)
		SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM inserted`, "commitments",
		// Each commitment's own search column is written here, with the lead lines the next step
		// inserts (demo_lead_line), and its whole search document once, by the search step, when
		// its updates are all in: rather than by the triggers, again for the lead lines, again for
		// their organisations and again for the updates.
		[]string{"commitments_search", "commitments_whole_search_insert"}, ""},
	{"lead lines", `
		CREATE TEMP TABLE demo_leads ON COMMIT DROP AS
		WITH inserted AS (
			INSERT INTO commitment_leads (commitment_id, position, line)
			SELECT c.id, k, pg_temp.demo_lead_line(c.i, k, @orgs::int)
			FROM demo_commitments c, generate_series(1, pg_temp.demo_lead_lines(c.i)) k
			RETURNING id, commitment_id, position)
		SELECT l.id, l.position, c.i FROM inserted l JOIN demo_commitments c ON c.id = l.commitment_id`, "commitment_leads",
		[]string{"commitment_leads_search_insert"}, ""},
	{"lead organisations", `
		INSERT INTO commitment_lead_organisations (lead_id, organisation_id, position)
		SELECT DISTINCT ON (l.id, o.id) l.id, o.id, x.position
		FROM demo_leads l,
		     LATERAL (VALUES (1, (l.i * 3 + l.position * 7) % @orgs::int),
		                     (2, CASE WHEN l.position = 1 THEN (l.i * 5 + 11) % @orgs::int END)) x (position, org)
		JOIN demo_orgs o ON o.n = x.org
		ORDER BY l.id, o.id, x.position`, "commitment_lead_organisations",
		[]string{"commitment_lead_organisations_touch_insert"}, ""},
	// The updates, stored in the order they were made, as in life, each reported by the
	// organisation the commitment's first lead line names. A commitment's narratives come from a
	// few sentences of its own, as real reports on one piece of work come back to the same
	// words, rather than each from anywhere in the vocabulary.
	{"updates", `
		INSERT INTO updates (commitment_id, state, status, narrative, expected_month, author_id, organisation_id,
		                     reviewer_id, review_note, submitted_at, returned_at, published_at, created_at, updated_at)
		SELECT c.id, st.state, pg_temp.demo_status(c.i, k), s1.text || ' ' || s2.text, pg_temp.demo_expected(c.i, k),
		       pu.id, pu.organisation_id,
		       CASE WHEN st.state IN ('published', 'returned') THEN su.id END,
		       CASE WHEN st.state = 'returned' THEN 'Synthetic review note: please add the milestones.' END,
		       CASE WHEN st.state <> 'draft' THEN st.at END,
		       CASE WHEN st.state = 'returned' THEN st.at + interval '1 hour' END,
		       CASE WHEN st.state = 'published' THEN st.at + interval '2 hours' END,
		       st.at - interval '1 hour', st.at + interval '2 hours'
		FROM demo_commitments c
		CROSS JOIN LATERAL (SELECT pg_temp.demo_per(c.i, @updates::int, @commitments::int) AS per) p
		CROSS JOIN LATERAL generate_series(0, p.per - 1) k
		CROSS JOIN LATERAL (SELECT pg_temp.demo_at(c.i, k, p.per) AS at, pg_temp.demo_state(c.i, k, p.per) AS state) st
		JOIN demo_sentences s1 ON s1.n = pg_temp.demo_first_sentence(c.i, k)
		JOIN demo_sentences s2 ON s2.n = pg_temp.demo_second_sentence(c.i, k)
		JOIN demo_users pu ON pu.org_n = (c.i * 3 + 7) % @orgs::int
		JOIN demo_users su ON su.staff_n = (c.i + k) % 20
		ORDER BY st.at`, "updates",
		// The data version goes up once in a transaction however many rows change, and the
		// plan's own insert has done that already: a million calls that would change nothing
		// are left out.
		// Each commitment's latest published update is found once, from all of them, rather
		// than again after each.
		[]string{"data_version_updates", "updates_search_insert", "updates_last_report_insert"}, `
		INSERT INTO commitment_last_reports (commitment_id, update_id)
		SELECT DISTINCT ON (u.commitment_id) u.commitment_id, u.id
		FROM updates u JOIN demo_commitments c ON c.id = u.commitment_id
		WHERE u.state = 'published'
		ORDER BY u.commitment_id, u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST,
		         u.source_period DESC NULLS LAST, u.id DESC`},
	// What the search triggers left out: each commitment's own words and lead lines, and the
	// narratives of its published updates, made into its search documents once. (Each
	// commitment's own words and lead lines, its search column, were made as it was inserted.)
	// Then the whole documents, with the narratives (see commitment_search_vector). to_tsvector
	// reads about 6 MB of text a second, and the narratives are 175 MB: half a minute. But they
	// are made of the 5,000 sentences, a pair to a narrative, and the document of two texts
	// joined by a space is the concatenation (||) of their documents, whose positions go on from
	// the first's last word. So each sentence is read once, each pair of sentences the updates use
	// is concatenated once, and each commitment's narratives, newest first, are concatenated
	// without being read again: the same lexemes, weights and positions as to_tsvector of the
	// joined text. (A position may come out one lower where a word had been seen more than 256
	// times before, as to_tsvector keeps no more positions of a word than that, and || goes on
	// from the last position kept.) A narrative that is not such a pair is read with to_tsvector,
	// and a commitment whose narratives are longer than commitment_search_vector weights is
	// made by that function itself.
	{"narrative documents", `
		CREATE TEMP TABLE demo_narratives ON COMMIT DROP AS
		SELECT s1.text || ' ' || s2.text AS text, s1.document || s2.document AS v
		FROM (SELECT DISTINCT pg_temp.demo_first_sentence(c.i, k) AS first, pg_temp.demo_second_sentence(c.i, k) AS second
		      FROM demo_commitments c, generate_series(0, 14) k) p
		JOIN demo_sentences s1 ON s1.n = p.first
		JOIN demo_sentences s2 ON s2.n = p.second`,
		"", nil, ""},
	{"search", `
		CREATE AGGREGATE pg_temp.demo_concat(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '');
		INSERT INTO commitment_search (commitment_id, search)
		SELECT c.id, CASE WHEN coalesce(n.length, 0) <= 60000 THEN c.search || coalesce(n.v, '')
			ELSE (SELECT commitment_search_vector(c.deliver, c.why,
				coalesce((SELECT string_agg(line, ' ' ORDER BY position) FROM commitment_leads WHERE commitment_id = c.id), ''),
				string_agg(narrative, ' ' ORDER BY id DESC))
				FROM updates WHERE commitment_id = c.id AND state = 'published' AND narrative IS NOT NULL) END
		FROM demo_commitments d
		JOIN commitments c ON c.id = d.id
		LEFT JOIN (SELECT u.commitment_id, sum(length(u.narrative) + 1) - 1 AS length,
		                  pg_temp.demo_concat(coalesce(dn.v, setweight(to_tsvector('english', u.narrative), 'C')) ORDER BY u.id DESC) AS v
		           FROM updates u LEFT JOIN demo_narratives dn ON dn.text = u.narrative
		           WHERE u.state = 'published' AND u.narrative IS NOT NULL
		             AND u.commitment_id IN (SELECT id FROM demo_commitments)
		           GROUP BY u.commitment_id) n ON n.commitment_id = c.id`, "commitment_search",
		// The words each search for one word looks up (commitment_terms) are made once, by the
		// next step, from the finished documents, rather than again for each commitment as its
		// documents change.
		[]string{"commitment_search_terms_insert"}, ""},
	// Then those words, about 80 a commitment, with their foreign key checked and their index
	// built once, after the insert, rather than for each of them.
	{"search terms", `SELECT refresh_commitment_terms(ARRAY(SELECT id FROM demo_commitments ORDER BY id))`,
		"commitment_terms", nil, ""},
	{"audit log", `
		INSERT INTO audit_log (at, actor_id, actor_email, action, record_type, record_id, remote_addr, details)
		SELECT now() - make_interval(secs => (@audit::int - g) * 60), u.id, u.email,
		       (ARRAY['update.publish', 'update.submit', 'update.return', 'sign-in'])[1 + g % 4],
		       CASE WHEN g % 4 = 3 THEN 'user' ELSE 'update' END,
		       (1 + g * 7 % GREATEST(@updates::int, 1))::text, '192.0.2.' || (1 + g % 250),
		       jsonb_build_object('synthetic', true)
		FROM generate_series(1, @audit::int) g
		JOIN demo_users u ON u.key = CASE WHEN g % 2 = 0 THEN 's' || g % 20 ELSE 'o' || g % @orgs::int END
		ORDER BY g`, "audit_log",
		// Linking each row into the audit log's hash chain as it is inserted updates the chain's
		// head once a row, within one transaction: each update has to step over every version
		// of the head before it, so the time grows with the square of the rows. The new rows are
		// linked instead all at once, in id order, as migration 00072 linked the rows before the
		// chain: the same positions and hashes the trigger would have given them.
		[]string{"audit_log_chain"}, `
		WITH head AS (SELECT position, hash FROM audit_chain_head FOR UPDATE),
		linked AS (
			SELECT a.id, head.position + row_number() OVER w AS position,
			       audit_chain_hash(head.hash, audit_log_content(a)) OVER w AS hash
			FROM audit_log a, head WHERE a.row_hash IS NULL WINDOW w AS (ORDER BY a.id)),
		links AS (
			SELECT l.id, l.position, l.hash, coalesce(lag(l.hash) OVER (ORDER BY l.position), head.hash) AS prev_hash
			FROM linked l, head),
		updated AS (
			UPDATE audit_log a SET chain_position = l.position, prev_hash = l.prev_hash, row_hash = l.hash
			FROM links l WHERE a.id = l.id
			RETURNING a.chain_position, a.row_hash)
		UPDATE audit_chain_head SET position = last.chain_position, hash = last.row_hash
		FROM (SELECT * FROM updated ORDER BY chain_position DESC LIMIT 1) last`},
}
