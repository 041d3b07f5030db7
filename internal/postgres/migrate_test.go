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

// Migrations are numbered in ranges, one per part of the portal, so a database can meet a
// migration numbered below one it already has. Migrate applies it.
func TestMigrateAppliesAMigrationNumberedBelowTheLatest(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.OwnerPool(t)
	var latest int64
	if err := pool.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	if latest <= 20 {
		t.Skipf("no migration is numbered above 00020 yet (latest %d)", latest)
	}
	// Undo 00020 as if it had not arrived yet.
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

	if err := postgres.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate with 00020 missing below %d: %v", latest, err)
	}
	var applied bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
		WHERE table_name = 'updates' AND column_name = 'submission')`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if !applied {
		t.Error("00020 was not applied")
	}
}
