package postgres_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// Migrations are numbered strictly in order, so a database that lacks a migration numbered below
// one it has applied was not made by these migrations: Migrate refuses it rather than apply the
// missing one out of order.
func TestMigrateRefusesAMigrationNumberedBelowTheLatest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.OwnerPool(t)
	// Undo 00020 as if it had been skipped.
	src, err := migrations.FS.ReadFile("00020_reporting.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, down, ok := strings.Cut(string(src), "-- +goose Down")
	if !ok {
		t.Fatal("00020 has no Down section")
	}
	if _, err := pool.Exec(ctx, down); err != nil {
		t.Fatalf("undo 00020: %v", err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM goose_db_version WHERE version_id = 20`); err != nil {
		t.Fatal(err)
	}

	err = postgres.Migrate(ctx, pool, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("migrate with 00020 missing = %v, want an error about the missing migration", err)
	}
	var applied bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
		WHERE table_name = 'updates' AND column_name = 'submission')`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied {
		t.Error("00020 was applied out of order")
	}
}
