package migrations_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/pgdev"
)

// schemaFile is the schema after every migration, as pg_dump prints it.
const schemaFile = "schema.sql"

// updateSchema names the environment variable that makes TestSchemaIsCurrent rewrite schemaFile
// instead of comparing (`make schema` sets it).
const updateSchema = "UPDATE_SCHEMA"

const schemaHeader = `-- The database schema after every migration, as pg_dump --schema-only --no-owner --no-privileges
-- of PostgreSQL %s prints it (less the lines that name its exact version). Do not edit it: after
-- adding a migration, run make schema, which rewrites it, and commit it with the migration.
`

var (
	headerMajor = regexp.MustCompile(`of PostgreSQL (\d+) prints it`)
	dumpMajor   = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)
	// versionLines are the lines of a dump that change from one pg_dump or server version, or
	// one run, to the next: the versions it names, and (since 15.14) \restrict with a random key.
	versionLines = regexp.MustCompile(`(?m)^(-- Dumped (from database|by pg_dump) version .*|\\(un)?restrict .*)\n`)
	blankLines   = regexp.MustCompile(`\n{3,}`)
)

// TestSchemaIsCurrent migrates a fresh database, dumps its schema with pg_dump and compares it
// with schema.sql, so that the file always shows the schema the migrations make. With
// UPDATE_SCHEMA=1 it rewrites the file instead.
func TestSchemaIsCurrent(t *testing.T) {
	t.Parallel()
	binDir, err := pgdev.FindBinDir()
	if err != nil {
		t.Skipf("no pg_dump: %v", err)
	}
	pgDump := filepath.Join(binDir, "pg_dump")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	version, err := exec.CommandContext(ctx, pgDump, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", pgDump, err)
	}
	m := dumpMajor.FindSubmatch(version)
	if m == nil {
		t.Fatalf("%s --version said %q", pgDump, version)
	}
	major := string(m[1])

	url := dbtest.URL(t)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, pgDump, "--schema-only", "--no-owner", "--no-privileges", "--dbname="+url)
	cmd.Stderr = &stderr
	dump, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, stderr.String())
	}
	got := fmt.Sprintf(schemaHeader, major) + normaliseDump(string(dump))

	if os.Getenv(updateSchema) != "" {
		if err := os.WriteFile(schemaFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote migrations/%s", schemaFile)
		return
	}
	const regenerate = "run `make schema` (or UPDATE_SCHEMA=1 go test ./migrations -run TestSchemaIsCurrent) and commit migrations/" + schemaFile
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("read %s: %v: %s", schemaFile, err, regenerate)
	}
	if m := headerMajor.FindSubmatch(want); m != nil && string(m[1]) != major {
		t.Skipf("migrations/%s was dumped by PostgreSQL %s's pg_dump and this is %s's, which prints it otherwise: %s to compare with this one",
			schemaFile, m[1], major, regenerate)
	}
	if got != string(want) {
		t.Errorf("migrations/%s is not the schema the migrations make: %s.\n%s", schemaFile, regenerate, firstDifference(string(want), got))
	}
}

// normaliseDump takes out of a pg_dump script the lines that name versions or change from run to
// run, and the runs of blank lines that leaves.
func normaliseDump(dump string) string {
	dump = versionLines.ReplaceAllString(dump, "")
	return blankLines.ReplaceAllString(dump, "\n\n")
}

// firstDifference shows where two texts first differ, with a few lines of each around it.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	lines := func(l []string) string {
		from, to := max(i-3, 0), min(i+4, len(l))
		var b strings.Builder
		for n := from; n < to; n++ {
			mark := "  "
			if n == i {
				mark = "> "
			}
			fmt.Fprintf(&b, "%s%5d  %s\n", mark, n+1, l[n])
		}
		return b.String()
	}
	return fmt.Sprintf("first difference at line %d\n%s has:\n%sthe migrations make:\n%s", i+1, schemaFile, lines(w), lines(g))
}
