// Package migrations holds the database schema and the seed of the 2023-24 plan as goose SQL
// migrations, embedded so that the binary carries them.
package migrations

import "embed"

// FS holds every migration, applied in order of their numeric prefix.
//
//go:embed *.sql
var FS embed.FS
