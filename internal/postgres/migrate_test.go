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

// TestMigrationBookkeepingIsTheMigratorsAlone migrates a database where goose's version table
// has its sequence under another name than goose_db_version_id_seq, as PostgreSQL names it when
// instances starting at once race to create the table (goose creates it before it takes its
// lock): the serving role still gets no right to it.
func TestMigrationBookkeepingIsTheMigratorsAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.EmptyURL(t)
	pool, err := postgres.Open(ctx, url, postgres.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// What the race leaves: a relation already has the name when the table is made.
	if _, err := pool.Exec(ctx, `CREATE SEQUENCE goose_db_version_id_seq`); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	var seq string
	var usage bool
	err = pool.QueryRow(ctx, `SELECT pg_get_serial_sequence('goose_db_version', 'id'),
		has_sequence_privilege('delivery_tracker_app', pg_get_serial_sequence('goose_db_version', 'id'), 'USAGE, SELECT, UPDATE')`).
		Scan(&seq, &usage)
	if err != nil {
		t.Fatal(err)
	}
	if seq == "public.goose_db_version_id_seq" {
		t.Fatalf("goose's sequence is %s: the test did not make it take another name", seq)
	}
	if usage {
		t.Errorf("the serving role's group may use %s, goose's own sequence", seq)
	}
}
