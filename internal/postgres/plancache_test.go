package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestFirstPagesKeepOnePlan checks that the first page of a list of one status, and of a one-word
// search with a status, is planned once and then run from PostgreSQL's generic plan of the
// statement, rather than planned again for every request: with its LIMIT and OFFSET as
// parameters, the planner never trusted the generic plan to stop after the page, and planning
// took as long as running the statement. Read from pg_prepared_statements, on one connection.
func TestFirstPagesKeepOnePlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	o := demo.Options{Commitments: 2000, Updates: 2000, Organisations: 20, Priorities: 4}
	if _, err := demo.Load(ctx, dbtest.Connect(t, url), o); err != nil {
		t.Fatal(err)
	}
	// One connection, set up as the portal's are: prepared statements are the session's.
	pool, err := postgres.Open(ctx, url, postgres.Config{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.ApplySettings(ctx, pool, postgres.Config{}); err != nil {
		t.Fatal(err)
	}
	pool.Reset()
	store := postgres.New(pool, postgres.WithClock(func() time.Time { return searchNow }))
	var planID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM plans WHERE slug = $1`, demo.PlanSlug).Scan(&planID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		search postgres.CommitmentSearch
		marker string // in the text of the statement that reads the page
	}{
		{"one status", postgres.CommitmentSearch{PlanID: planID, Statuses: []tracker.Status{tracker.AtRisk}},
			"FROM (SELECT c.id FROM commitments c"},
		{"one word and a status", postgres.CommitmentSearch{PlanID: planID, Text: "digital",
			Statuses: []tracker.Status{tracker.OnTrack}, Sort: postgres.SortRelevance},
			"FROM (SELECT t.commitment_id AS id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for range 10 {
				page, err := store.SearchCommitments(ctx, c.search, 25, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Commitments) == 0 {
					t.Fatalf("the search found nothing: %+v", c.search)
				}
			}
			var generic, custom int64
			var statement string
			err := pool.QueryRow(ctx, `SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements
				WHERE statement LIKE '%' || $1 || '%' AND statement NOT LIKE '%pg_prepared_statements%'`, c.marker).
				Scan(&generic, &custom, &statement)
			if err != nil {
				t.Fatalf("the page's prepared statement: %v", err)
			}
			if generic < 4 {
				t.Errorf("the page's statement was run from the generic plan %d times of 10 (custom plans %d); want at least 4:\n%s",
					generic, custom, strings.Join(strings.Fields(statement), " "))
			}
		})
	}
}
