package demo_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

func TestLoadWritesSyntheticDataAndLeavesTheRestAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.OwnerPool(t)
	// A fingerprint of every row that was there before: the seed plan and everything it holds.
	const fingerprint = `SELECT md5(string_agg(t, ',' ORDER BY t)) FROM (
		SELECT p::text AS t FROM plans p UNION ALL SELECT a::text FROM aims a
		UNION ALL SELECT pr::text FROM priorities pr UNION ALL SELECT o::text FROM organisations o
		UNION ALL SELECT c::text FROM commitments c UNION ALL SELECT l::text FROM commitment_leads l
		UNION ALL SELECT clo::text FROM commitment_lead_organisations clo
		UNION ALL SELECT u::text FROM updates u UNION ALL SELECT us::text FROM users us) rows`
	var before string
	if err := pool.QueryRow(ctx, fingerprint).Scan(&before); err != nil {
		t.Fatal(err)
	}

	// The load drops some triggers and makes them again: afterwards they are as they were.
	const triggers = `SELECT md5(string_agg(tgrelid::regclass || ' ' || pg_get_triggerdef(oid) || ' ' || tgenabled::text, ',' ORDER BY tgrelid::regclass::text, tgname))
		FROM pg_trigger WHERE NOT tgisinternal`
	var triggersBefore string
	if err := pool.QueryRow(ctx, triggers).Scan(&triggersBefore); err != nil {
		t.Fatal(err)
	}

	// 30 or 31 updates a commitment: the narratives' documents are made of blocks of 15 updates
	// (narratives.go), and these fill two blocks exactly, or leave one or two updates over.
	o := demo.Options{Commitments: 120, Updates: 3607, Organisations: 7, Priorities: 5, AuditEntries: 50}
	sum, err := demo.Load(ctx, pool, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Commitments != 120 || sum.Updates != 3607 || sum.Organisations != 7 || sum.AuditEntries != 50 {
		t.Errorf("loaded %+v, want the sizes asked for: %+v", sum, o)
	}
	// The load's VACUUM marked the new pages all-visible, which index-only scans need.
	rows, err := pool.Query(ctx, `SELECT relname::text, relpages, relallvisible FROM pg_class
		WHERE relname IN ('commitments', 'updates', 'audit_log') ORDER BY relname`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var pages, visible int
		if err := rows.Scan(&name, &pages, &visible); err != nil {
			t.Fatal(err)
		}
		if pages == 0 || visible*10 < pages*9 {
			t.Errorf("after the load, %d of the %d pages of %s are all-visible, want nearly all", visible, pages, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	// Rows written by Load are all marked; what is left unmarked must be exactly what was there.
	var unmarked string
	if err := pool.QueryRow(ctx, `SELECT md5(string_agg(t, ',' ORDER BY t)) FROM (
		SELECT p::text AS t FROM plans p WHERE slug <> $1 UNION ALL SELECT a::text FROM aims a JOIN plans p ON p.id = a.plan_id WHERE p.slug <> $1
		UNION ALL SELECT pr::text FROM priorities pr JOIN plans p ON p.id = pr.plan_id WHERE p.slug <> $1
		UNION ALL SELECT o::text FROM organisations o WHERE code NOT LIKE 'DEMO-%'
		UNION ALL SELECT c::text FROM commitments c JOIN plans p ON p.id = c.plan_id WHERE p.slug <> $1
		UNION ALL SELECT l::text FROM commitment_leads l JOIN commitments c ON c.id = l.commitment_id JOIN plans p ON p.id = c.plan_id WHERE p.slug <> $1
		UNION ALL SELECT clo::text FROM commitment_lead_organisations clo JOIN commitment_leads l ON l.id = clo.lead_id
			JOIN commitments c ON c.id = l.commitment_id JOIN plans p ON p.id = c.plan_id WHERE p.slug <> $1
		UNION ALL SELECT u::text FROM updates u JOIN commitments c ON c.id = u.commitment_id JOIN plans p ON p.id = c.plan_id WHERE p.slug <> $1
		UNION ALL SELECT us::text FROM users us WHERE email NOT LIKE '%@example.invalid') rows`, demo.PlanSlug).Scan(&unmarked); err != nil {
		t.Fatal(err)
	}
	if unmarked != before {
		t.Error("rows that were there before the load changed")
	}

	checks := []struct {
		name string
		sql  string
		want int
	}{
		{"plan title", `SELECT count(*) FROM plans WHERE slug = '` + demo.PlanSlug + `' AND title = '` + demo.PlanTitle + `'`, 1},
		{"organisations named as demo", `SELECT count(*) FROM organisations WHERE name LIKE 'Demo organisation %'`, 7},
		{"commitments marked synthetic", `SELECT count(*) FROM commitments WHERE deliver LIKE 'Synthetic commitment %'`, 120},
		{"commitments with a lead organisation", `SELECT count(DISTINCT l.commitment_id) FROM commitment_leads l
			JOIN commitment_lead_organisations clo ON clo.lead_id = l.id JOIN organisations o ON o.id = clo.organisation_id
			WHERE o.code LIKE 'DEMO-%'`, 120},
		{"updates waiting for review", `SELECT count(*) FROM updates WHERE state = 'submitted' AND narrative IS NOT NULL`, 3},
		// The current status of each commitment is that of its latest published update.
		{"commitments whose status is not their latest update's", `SELECT count(*) FROM commitments c
			JOIN plans p ON p.id = c.plan_id AND p.slug = '` + demo.PlanSlug + `'
			WHERE c.status IS DISTINCT FROM (SELECT u.status FROM updates u WHERE u.commitment_id = c.id
				AND u.state = 'published' ORDER BY u.published_at DESC LIMIT 1)`, 0},
		{"people", `SELECT count(*) FROM users WHERE email LIKE '%@example.invalid' AND name LIKE 'Demo %'`, 27},
		// Each commitment's latest report is the one refresh_commitment_last_reports finds.
		{"commitments whose last report is not their latest update", `SELECT count(*) FROM commitments c
			JOIN plans p ON p.id = c.plan_id AND p.slug = '` + demo.PlanSlug + `'
			LEFT JOIN commitment_last_reports r ON r.commitment_id = c.id
			WHERE r.update_id IS DISTINCT FROM (SELECT u.id FROM updates u WHERE u.commitment_id = c.id AND u.state = 'published'
				ORDER BY u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST,
				         u.source_period DESC NULLS LAST, u.id DESC LIMIT 1)`, 0},
		// The narratives' documents, made alongside on a connection of their own, are gone.
		{"tables left behind", `SELECT count(*) FROM pg_class WHERE relname LIKE 'demo\_%'`, 0},
	}
	for _, c := range checks {
		var got int
		if err := pool.QueryRow(ctx, c.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}

	checkDocuments(t, pool)

	// The updates' ids follow their times, across the plan, as a commitment's narratives newest
	// first (by id) are what its document is made of.
	var backwards int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT u.created_at < lag(u.created_at) OVER (ORDER BY u.id) AS back
		FROM updates u JOIN commitments c ON c.id = u.commitment_id JOIN plans p ON p.id = c.plan_id AND p.slug = $1) x
		WHERE back`, demo.PlanSlug).Scan(&backwards); err != nil || backwards != 0 {
		t.Errorf("%d updates older than the update before them by id (%v)", backwards, err)
	}

	// The commitments each organisation leads were made once, for them all: exactly the pairs of
	// commitment and organisation its lead lines name, with the ref's numbers.
	var missing, extra int
	if err := pool.QueryRow(ctx, `WITH want AS (
			SELECT DISTINCT c.id, clo.organisation_id, c.plan_id, split_part(c.ref, '.', 1)::integer AS major,
			       split_part(c.ref, '.', 2)::integer AS minor
			FROM commitments c JOIN plans p ON p.id = c.plan_id AND p.slug = $1
			JOIN commitment_leads l ON l.commitment_id = c.id
			JOIN commitment_lead_organisations clo ON clo.lead_id = l.id),
		got AS (SELECT co.commitment_id, co.organisation_id, co.plan_id, co.major, co.minor FROM commitment_organisations co
			JOIN plans p ON p.id = co.plan_id AND p.slug = $1)
		SELECT (SELECT count(*) FROM (TABLE want EXCEPT TABLE got) x), (SELECT count(*) FROM (TABLE got EXCEPT TABLE want) y)`,
		demo.PlanSlug).Scan(&missing, &extra); err != nil || missing != 0 || extra != 0 {
		t.Errorf("commitments by organisation: %d missing, %d not named by a lead line (%v)", missing, extra, err)
	}

	// The audit rows were linked into the chain after the insert, as the trigger would have
	// linked them, and the triggers dropped for the load are back: a row added now is
	// linked by the trigger, after them.
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (action) VALUES ('after.demo')`); err != nil {
		t.Fatal(err)
	}
	var triggersAfter string
	if err := pool.QueryRow(ctx, triggers).Scan(&triggersAfter); err != nil || triggersAfter != triggersBefore {
		t.Errorf("the triggers after the load are not those before (%v)", err)
	}
	chain, err := postgres.New(pool).VerifyAuditChain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if chain.Break != nil || chain.Rows < 51 {
		t.Errorf("audit chain after the load: %d rows, break %+v", chain.Rows, chain.Break)
	}

	if _, err := demo.Load(ctx, pool, o); !errors.Is(err, demo.ErrExists) {
		t.Errorf("second load: err = %v, want ErrExists", err)
	}
}

func TestLoadRefusesBadSizes(t *testing.T) {
	for _, o := range []demo.Options{
		{Commitments: 0, Updates: 10, Organisations: 1, Priorities: 1},
		{Commitments: 10, Updates: -1, Organisations: 1, Priorities: 1},
		{Commitments: 10, Updates: 10, Organisations: 0, Priorities: 1},
		{Commitments: 10, Updates: 10, Organisations: 1, Priorities: 0},
	} {
		if _, err := demo.Load(context.Background(), nil, o); err == nil {
			t.Errorf("Load(%+v) succeeded", o)
		}
	}
}

// A superuser's load leaves the foreign keys in place, unchecked during the insert: every one of
// them still holds, as adding each of them again, which checks every row, shows.
func TestTrustedLoadLeavesEveryForeignKeyHeld(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	server, err := url.Parse(dbtest.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	database, err := url.Parse(dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	server.Path = database.Path
	pool := dbtest.Connect(t, server.String())
	var super bool
	if err := pool.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || !super {
		t.Fatalf("the load's connection is not a superuser's (%v)", err)
	}
	o := demo.Options{Commitments: 120, Updates: 3607, Organisations: 7, Priorities: 5, AuditEntries: 50}
	if _, err := demo.Load(ctx, pool, o); err != nil {
		t.Fatal(err)
	}
	checkDocuments(t, pool)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	rows, _ := tx.Query(ctx, `SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid), convalidated
		FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`)
	type key struct {
		table, name, def string
		valid            bool
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (key, error) {
		var k key
		err := row.Scan(&k.table, &k.name, &k.def, &k.valid)
		return k, err
	})
	if err != nil || len(keys) < 10 {
		t.Fatalf("%d foreign keys (%v)", len(keys), err)
	}
	for _, k := range keys {
		if !k.valid {
			t.Errorf("%s %s is not marked valid", k.table, k.name)
		}
		if _, err := tx.Exec(ctx, `ALTER TABLE `+k.table+` DROP CONSTRAINT `+k.name+`, ADD CONSTRAINT `+k.name+` `+k.def); err != nil {
			t.Errorf("%s %s: %v", k.table, k.name, err)
		}
	}
}

// A commitment whose narratives are longer than commitment_search_vector weights has its
// document made by that function, from the text.
func TestLoadMakesTheDocumentsOfLongNarratives(t *testing.T) {
	t.Parallel()
	pool := dbtest.OwnerPool(t)
	if _, err := demo.Load(t.Context(), pool, demo.Options{Commitments: 3, Updates: 1300, Organisations: 2, Priorities: 1}); err != nil {
		t.Fatal(err)
	}
	var long int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM (SELECT u.commitment_id FROM updates u
		WHERE u.state = 'published' GROUP BY u.commitment_id HAVING sum(length(u.narrative) + 1) > 60000) x`).Scan(&long); err != nil || long == 0 {
		t.Fatalf("%d commitments with narratives over 60,000 characters (%v)", long, err)
	}
	checkDocuments(t, pool)
}

// checkDocuments checks that the search documents of the synthetic plan, made once by the
// load, are what the triggers make of the commitments, their lead lines and their updates'
// narratives, and that the words a one-word search looks up are those of commitment_terms_of:
// every plain word of each document, and no others, with its rank.
func checkDocuments(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := t.Context()
	var stale int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM commitments c JOIN plans p ON p.id = c.plan_id AND p.slug = $1
		LEFT JOIN commitment_search s ON s.commitment_id = c.id
		WHERE c.search IS DISTINCT FROM commitment_own_search_vector(c.deliver, c.why,
		        coalesce((SELECT string_agg(l.line, ' ' ORDER BY l.position) FROM commitment_leads l WHERE l.commitment_id = c.id), ''))
		   OR s.search IS DISTINCT FROM commitment_search_vector(c.deliver, c.why,
		        coalesce((SELECT string_agg(l.line, ' ' ORDER BY l.position) FROM commitment_leads l WHERE l.commitment_id = c.id), ''),
		        coalesce((SELECT string_agg(u.narrative, ' ' ORDER BY u.id DESC) FROM updates u
		                  WHERE u.commitment_id = c.id AND u.state = 'published' AND u.narrative IS NOT NULL), ''))`,
		demo.PlanSlug).Scan(&stale); err != nil || stale != 0 {
		t.Errorf("%d commitments whose search documents are not the triggers' (%v)", stale, err)
	}
	var terms, missing, extra int
	if err := pool.QueryRow(ctx, `WITH got AS (
			SELECT t.* FROM commitment_terms t JOIN plans p ON p.id = t.plan_id AND p.slug = $1),
		want AS (
			SELECT * FROM commitment_terms_of(ARRAY(SELECT c.id FROM commitments c JOIN plans p ON p.id = c.plan_id AND p.slug = $1)))
		SELECT (SELECT count(*) FROM got), (SELECT count(*) FROM (TABLE want EXCEPT TABLE got) x),
		       (SELECT count(*) FROM (TABLE got EXCEPT TABLE want) y)`,
		demo.PlanSlug).Scan(&terms, &missing, &extra); err != nil || missing != 0 || extra != 0 || terms == 0 {
		t.Errorf("%d one-word search terms: %d missing, %d not commitment_terms_of's (%v)", terms, missing, extra, err)
	}
}
