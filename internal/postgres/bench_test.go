package postgres_test

import (
	"context"
	"os"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// EnvBenchURL names a database holding the synthetic plan (portal demo-data) for the store's
// benchmarks; make bench points it at the national-scale database. Without it the benchmarks
// load a smaller synthetic plan into a test database of their own.
const EnvBenchURL = "BENCH_DATABASE_URL"

// BenchmarkStore times the store's hot queries: those behind the public pages, on the synthetic
// plan.
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv(EnvBenchURL)
	if url == "" {
		url = dbtest.URL(b)
		o := demo.Options{Commitments: 1000, Updates: 20_000, Organisations: 40, Priorities: 8, AuditEntries: 1000}
		if _, err := demo.Load(ctx, dbtest.Connect(b, url), o); err != nil {
			b.Fatal(err)
		}
	}
	store := postgres.New(dbtest.Connect(b, url))
	plan, err := store.PlanBySlug(ctx, demo.PlanSlug)
	if err != nil {
		b.Fatal(err)
	}
	priorities, err := store.Priorities(ctx, plan.ID)
	if err != nil {
		b.Fatal(err)
	}
	org, err := store.OrganisationByCode(ctx, "DEMO-7")
	if err != nil {
		b.Fatal(err)
	}
	c, err := store.CommitmentByRef(ctx, plan.ID, "3.17")
	if err != nil {
		b.Fatal(err)
	}
	benches := []struct {
		name string
		fn   func() error
	}{
		{"DataVersion", func() error { _, err := store.DataVersion(ctx); return err }},
		{"PlanBySlug", func() error { _, err := store.PlanBySlug(ctx, demo.PlanSlug); return err }},
		{"Plans", func() error { _, err := store.Plans(ctx); return err }},
		{"Priorities", func() error { _, err := store.Priorities(ctx, plan.ID); return err }},
		{"StatusCounts", func() error { _, err := store.StatusCounts(ctx, plan.ID); return err }},
		{"CommitmentsOfPriority", func() error {
			_, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID, PriorityID: priorities[2].ID})
			return err
		}},
		{"CommitmentsOfOrganisation", func() error {
			_, err := store.Commitments(ctx, postgres.CommitmentFilter{PlanID: plan.ID, OrganisationID: org.ID})
			return err
		}},
		{"CommitmentByRef", func() error { _, err := store.CommitmentByRef(ctx, plan.ID, "3.17"); return err }},
		{"PublishedUpdates", func() error { _, err := store.PublishedUpdates(ctx, c.ID); return err }},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bb.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

}
