// Package migrations holds the database schema and the seed of the 2023-24 plan as goose SQL
// migrations, embedded so that the binary carries them.
//
// Writing a migration (rules_test.go enforces these for every migration after 00073):
//
//   - Name it NNNNN_what_it_does.sql, numbered one above the highest: migrations are numbered
//     strictly in order, and Migrate refuses a database that has a migration numbered above one
//     it has not applied.
//   - On a large table (commitments, updates, audit_log, sessions, commitment_search, outbox),
//     build an index with CREATE INDEX CONCURRENTLY, in a file marked `-- +goose NO TRANSACTION`
//     (CONCURRENTLY cannot run inside a transaction), so that the table takes writes meanwhile.
//     Such a file should hold little else: each of its statements commits on its own.
//   - Backfill a large table in batches, in a file marked `-- +goose NO TRANSACTION`: a DO block
//     or procedure that loops over UPDATE ... WHERE id IN (SELECT id ... LIMIT n) and COMMITs
//     after each batch, so that no single transaction locks or rewrites the whole table.
//   - Then run `make schema` and commit the new schema.sql beside the migration: schema.sql is
//     the schema as pg_dump --schema-only prints it after every migration, so that the current
//     body of any table, function or trigger can be read in one place, and a test fails when it
//     is out of date. schema.sql is not a migration and is not embedded.
package migrations

import "embed"

// FS holds every migration, applied in order of their numeric prefix.
//
//go:embed [0-9]*.sql
var FS embed.FS
