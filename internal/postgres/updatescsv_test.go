package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// TestCopyPublishedUpdatesCSVReadsInChunks checks that the CSV COPY writes has every published
// update once, in order, across chunks, and that an error of the writer stops it and is returned
// as it is. It changes the package's chunk size, so it does not run in parallel.
func TestCopyPublishedUpdatesCSVReadsInChunks(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	store := postgres.New(pool)
	plan, err := store.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer postgres.SetExportChunk(100)()
	if _, err := pool.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		SELECT c.id, CASE WHEN g % 7 = 0 THEN 'draft' ELSE 'published' END, 'on_track', 'Progress ' || g, now()
		FROM commitments c, generate_series(1, 1000) AS g WHERE c.ref = '4.3'`); err != nil {
		t.Fatal(err)
	}
	var want []string
	rows, _ := pool.Query(ctx, `SELECT u.id::text FROM updates u JOIN commitments c ON c.id = u.commitment_id
		WHERE u.state = 'published' AND c.plan_id = $1 ORDER BY u.id`, plan.ID)
	want, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := store.CopyPublishedUpdatesCSV(ctx, plan.ID, "https://tracker.example/commitments/", "", &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\r\n"), "\r\n")
	var got []string
	for _, l := range lines {
		got = append(got, strings.SplitN(l, ",", 2)[0])
	}
	if !slices.Equal(got, want) {
		t.Errorf("copied %d updates, want %d, in order of id", len(got), len(want))
	}
	if !strings.Contains(lines[0], ",https://tracker.example/commitments/") {
		t.Errorf("first line %q has no commitment address", lines[0])
	}

	errFull := errors.New("disk full")
	if err := store.CopyPublishedUpdatesCSV(ctx, plan.ID, "", "", failingWriter{errFull}); !errors.Is(err, errFull) {
		t.Errorf("a writer's error came back as %v", err)
	}
	if _, err := store.CurrentPlan(ctx); err != nil {
		t.Errorf("the store after a writer's error: %v", err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }
