package dbtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// GeneratedWords are words that occur only in generated commitments: each generated
// commitment's deliver text names one of them, the i-th commitment GeneratedWords[i%4].
var GeneratedWords = []string{"telecare", "records", "analytics", "workforce"}

// GenerateCommitments adds n made-up commitments to the current plan, spread over its six
// priority areas, for tests that need more than the seed: lists that run to several pages,
// every status, months over four financial years, lead organisations, revised months and
// updates published through the portal at known times.
//
// The i-th commitment (1 to n) has ref "{priority}.{100+i}" in priority area i%6+1; it delivers
// "Generated commitment i to deliver {GeneratedWords[i%4]} services"; its status is the
// (i%8)-th of no update, not started, on track, at risk, delayed, delivered, withdrawn and
// carried forward; it is due in the ((i*7)%48)-th month from April 2023, and every fifth is
// expected three months later. It has one lead line naming one organisation, chosen in turn.
// Every third commitment with a status has an update published at midnight UTC (i*5)%400 days
// after 1 January 2026, with narrative "Generated progress i on {GeneratedWords[(i+1)%4]}";
// its last_published_at is set to match, as publishing would.
func GenerateCommitments(t testing.TB, pool *pgxpool.Pool, n int) {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `
		WITH plan AS (SELECT id FROM plans WHERE is_current),
		words AS (SELECT ARRAY['telecare', 'records', 'analytics', 'workforce'] AS w),
		gen AS (
			INSERT INTO commitments (plan_id, priority_id, ref, ordinal, deliver, why, due_month, expected_month, status)
			SELECT plan.id, pr.id, pr.number || '.' || (100 + g.i), 100 + g.i,
			       'Generated commitment ' || g.i || ' to deliver ' || words.w[g.i % 4 + 1] || ' services',
			       ARRAY['Generated reason ' || g.i],
			       (date '2023-04-01' + ((g.i * 7) % 48) * interval '1 month')::date,
			       CASE WHEN g.i % 5 = 0 THEN (date '2023-04-01' + ((g.i * 7) % 48 + 3) * interval '1 month')::date END,
			       (ARRAY[NULL, 'not_started', 'on_track', 'at_risk', 'delayed', 'delivered', 'withdrawn',
			              'carried_forward'])[g.i % 8 + 1]
			FROM plan, words, generate_series(1, $1::integer) AS g (i)
			JOIN priorities pr ON pr.number = g.i % 6 + 1
			WHERE pr.plan_id = (SELECT id FROM plan)
			RETURNING id, ordinal - 100 AS i
		),
		leads AS (
			INSERT INTO commitment_leads (commitment_id, position, line)
			SELECT gen.id, 1, o.name || ' and partners'
			FROM gen JOIN (SELECT row_number() OVER (ORDER BY code) - 1 AS k, name FROM organisations) o
			  ON o.k = gen.i % (SELECT count(*) FROM organisations)
			RETURNING id, commitment_id
		)
		INSERT INTO commitment_lead_organisations (lead_id, organisation_id, position)
		SELECT leads.id, o.id, 1
		FROM leads JOIN gen ON gen.id = leads.commitment_id
		JOIN (SELECT row_number() OVER (ORDER BY code) - 1 AS k, id FROM organisations) o
		  ON o.k = gen.i % (SELECT count(*) FROM organisations)`, n)
	if err != nil {
		t.Fatalf("dbtest: generate commitments: %v", err)
	}
	_, err = pool.Exec(ctx, `
		WITH words AS (SELECT ARRAY['telecare', 'records', 'analytics', 'workforce'] AS w),
		pub AS (
			INSERT INTO updates (commitment_id, state, status, status_reason, carried_forward_plan, narrative, published_at)
			SELECT c.id, 'published', c.status,
			       CASE WHEN c.status IN ('withdrawn', 'carried_forward') THEN 'Generated reason' END,
			       CASE WHEN c.status = 'carried_forward' THEN 'Generated later plan' END,
			       'Generated progress ' || (c.ordinal - 100) || ' on ' || words.w[(c.ordinal - 100 + 1) % 4 + 1],
			       timestamptz '2026-01-01 00:00:00+00' + (((c.ordinal - 100) * 5) % 400) * interval '1 day'
			FROM commitments c, words
			WHERE c.ordinal > 100 AND c.status IS NOT NULL AND (c.ordinal - 100) % 3 = 0
			RETURNING commitment_id, published_at
		)
		UPDATE commitments c SET last_published_at = pub.published_at FROM pub WHERE pub.commitment_id = c.id`)
	if err != nil {
		t.Fatalf("dbtest: generate published updates: %v", err)
	}
}
