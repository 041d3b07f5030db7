package migrations_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// lastUnruled is the highest migration written before the rules for large tables in embed.go's
// doc comment were enforced, and lastUnnumbered the highest before migrations were numbered one
// after another (00066 came after 00070 to 00073). Those up to them stay as they are; every later
// one must follow the rules.
const (
	lastUnruled    = 65
	lastUnnumbered = 73
)

// largeTables are the tables that grow with use: locking or rewriting one of them for the length
// of a migration stops the portal.
var largeTables = []string{"commitments", "updates", "audit_log", "sessions", "commitment_search", "outbox"}

var migrationName = regexp.MustCompile(`^([0-9]{5})_[a-z0-9_]+\.sql$`)

// TestMigrationsAreNumberedInOrder checks that every SQL file in the directory but schema.sql is
// an embedded migration with a version of its own, and that those after lastUnnumbered are
// numbered one after another.
func TestMigrationsAreNumberedInOrder(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	var later []int
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") || name == schemaFile {
			continue
		}
		if _, err := fs.Stat(migrations.FS, name); err != nil {
			t.Errorf("%s is not embedded in migrations.FS, so it would never run: name it NNNNN_what_it_does.sql", name)
			continue
		}
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("%s: name a migration NNNNN_what_it_does.sql (five digits, then lower case, digits and underscores)", name)
			continue
		}
		v, _ := strconv.Atoi(m[1])
		if other, ok := seen[v]; ok {
			t.Errorf("%s and %s have the same version %d", other, name, v)
		}
		seen[v] = name
		if v > lastUnnumbered {
			later = append(later, v)
		}
	}
	slices.Sort(later)
	for i, v := range later {
		if want := lastUnnumbered + 1 + i; v != want {
			t.Errorf("%s is numbered %05d, want %05d: number migrations one after another, one above the highest",
				seen[v], v, want)
			break
		}
	}
}

// TestMigrationsSpareLargeTables applies the rules for large tables to every migration after
// lastUnruled.
func TestMigrationsSpareLargeTables(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			continue // TestMigrationsAreNumberedInOrder reports it
		}
		if v, _ := strconv.Atoi(m[1]); v <= lastUnruled {
			continue
		}
		src, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range largeTableProblems(string(src)) {
			t.Errorf("%s: %s (see the doc comment of migrations/embed.go)", name, p)
		}
	}
}

// The checker itself, on migrations that break each rule and on ones that keep them.
func TestLargeTableProblems(t *testing.T) {
	t.Parallel()
	const noTx = "-- +goose NO TRANSACTION\n-- +goose Up\n"
	tests := []struct {
		name, sql string
		want      []string // a word from each problem, in order
	}{
		{"index on a small table", "-- +goose Up\nCREATE INDEX plans_slug ON plans (slug);\n", nil},
		{"index in a transaction", "-- +goose Up\nCREATE INDEX updates_author ON updates (author_id);\n",
			[]string{"CONCURRENTLY"}},
		{"concurrent index in a transaction", "-- +goose Up\nCREATE INDEX CONCURRENTLY updates_author ON public.updates (author_id);\n",
			[]string{"NO TRANSACTION"}},
		{"concurrent index outside a transaction", noTx +
			"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS updates_author ON ONLY updates USING btree (author_id);\n", nil},
		{"unnamed index", "-- +goose Up\nCREATE INDEX ON audit_log (at);\n", []string{"CONCURRENTLY"}},
		{"the Down section is not migrated through", noTx + "CREATE INDEX CONCURRENTLY a ON outbox (id);\n-- +goose Down\nCREATE INDEX b ON \"sessions\" (id);\n" +
			"UPDATE audit_log SET row_hash = NULL;\n", nil},
		{"an Up section after a Down one", "-- +goose Down\nDROP INDEX x;\n-- +goose Up\nCREATE INDEX x ON \"sessions\" (id);\n",
			[]string{"CONCURRENTLY"}},
		{"whole-table backfill", "-- +goose Up\nUPDATE commitments SET version = version + 1;\n",
			[]string{"batches"}},
		{"the example", exampleMigration, nil},
		{"batched backfill in a transaction", "-- +goose Up\nDO $$ BEGIN UPDATE updates SET state = 'x' WHERE id IN (SELECT id FROM updates LIMIT 10); END $$;\n",
			[]string{"NO TRANSACTION"}},
		{"update of a small table", "-- +goose Up\nUPDATE plans SET title = 'x';\n", nil},
		{"a trigger function's update is not a backfill", "-- +goose Up\n-- +goose StatementBegin\n" +
			"CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n" +
			"  UPDATE commitment_search SET at = now() WHERE id = NEW.id; -- one row\n  RETURN NEW;\nEND;\n$body$;\n-- +goose StatementEnd\n" +
			"CREATE TRIGGER t AFTER UPDATE ON commitments FOR EACH ROW EXECUTE FUNCTION touch();\n", nil},
		{"words in comments and strings do not count", "-- +goose Up\n-- UPDATE commitments SET x = 1;\n" +
			"/* CREATE INDEX x ON updates (y); */\nCOMMENT ON TABLE plans IS 'UPDATE commitments SET x = 1; CREATE INDEX x ON updates (y)';\n", nil},
		{"upserts and row locks are not backfills", "-- +goose Up\nINSERT INTO plans (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET id = 1;\n" +
			"SELECT * FROM commitments FOR UPDATE;\nALTER TABLE x ADD FOREIGN KEY (a) REFERENCES updates ON UPDATE CASCADE;\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := largeTableProblems(tt.sql)
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %q, want %d", got, len(tt.want))
			}
			for i, word := range tt.want {
				if !strings.Contains(got[i], word) {
					t.Errorf("problem %d = %q, want it to say %q", i, got[i], word)
				}
			}
		})
	}
}

// exampleMigration follows the rules: a backfill of a large table in batches, each committed,
// and an index built concurrently, outside a transaction.
const exampleMigration = `-- +goose NO TRANSACTION
-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE n int;
BEGIN
    LOOP
        UPDATE commitments SET version = version + 1
        WHERE id IN (SELECT id FROM commitments WHERE version < 1000 ORDER BY id LIMIT 7);
        GET DIAGNOSTICS n = ROW_COUNT;
        COMMIT;
        EXIT WHEN n = 0;
    END LOOP;
END
$$;
-- +goose StatementEnd
CREATE INDEX CONCURRENTLY updates_example ON updates (commitment_id, id);

-- +goose Down
DROP INDEX CONCURRENTLY updates_example;
`

// TestExampleMigrationRuns applies exampleMigration with goose to a fresh database, as Migrate
// would, to show that the way the rules ask for works: the loop commits batch after batch and
// the index is built.
func TestExampleMigrationRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.OwnerPool(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db,
		fstest.MapFS{"99999_example.sql": {Data: []byte(exampleMigration)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("apply the example: %v", err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE version < 1000`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d commitments were not backfilled", left)
	}
	var valid bool
	if err := pool.QueryRow(ctx, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'updates_example'::regclass`).Scan(&valid); err != nil {
		t.Fatalf("the example's index: %v", err)
	}
	if !valid {
		t.Error("the example's index is not valid")
	}
}

var (
	noTransaction = regexp.MustCompile(`(?m)^--\s*\+goose\s+NO\s+TRANSACTION\s*$`)
	section       = regexp.MustCompile(`^--\s*\+goose\s+(Up|Down)\b`)
	routine       = regexp.MustCompile(`^CREATE (OR REPLACE )?(FUNCTION|PROCEDURE) `)
	createIndex   = regexp.MustCompile(`\bCREATE (UNIQUE )?INDEX (CONCURRENTLY )?(IF NOT EXISTS )?(\S+ )?ON (ONLY )?(PUBLIC\.)?"?(\w+)"?`)
	updateTable   = regexp.MustCompile(`\bUPDATE (ONLY )?(PUBLIC\.)?"?(\w+)"?`)
	dollarTag     = regexp.MustCompile(`^\$([A-Za-z_][A-Za-z_0-9]*)?\$`)
	spaces        = regexp.MustCompile(`\s+`)
)

// largeTableProblems reads a migration's SQL and says how its Up section breaks the rules for
// large tables: an index built without CONCURRENTLY, or inside a transaction; an UPDATE that is
// not batched (no LIMIT in its statement), or inside a transaction. The portal only ever migrates
// up, so the Down section is not looked at. Bodies of functions and procedures are not looked at
// either, since creating them changes no rows; DO blocks are.
func largeTableProblems(sql string) []string {
	inTx := !noTransaction.MatchString(sql)
	var problems []string
	for _, stmt := range statements(upSection(sql)) {
		s := strings.ToUpper(stmt)
		if routine.MatchString(s) {
			continue
		}
		for _, m := range createIndex.FindAllStringSubmatch(s, -1) {
			table := strings.ToLower(m[7])
			if !slices.Contains(largeTables, table) {
				continue
			}
			switch {
			case m[2] == "":
				problems = append(problems, fmt.Sprintf("index on %s built without CONCURRENTLY, which blocks writes to the table until it is built", table))
			case inTx:
				problems = append(problems, fmt.Sprintf("CREATE INDEX CONCURRENTLY on %s needs a file marked -- +goose NO TRANSACTION", table))
			}
		}
		for _, m := range updateTable.FindAllStringSubmatch(s, -1) {
			table := strings.ToLower(m[3])
			if !slices.Contains(largeTables, table) {
				continue
			}
			switch {
			case !strings.Contains(s, " LIMIT "):
				problems = append(problems, fmt.Sprintf("UPDATE of %s in one statement: backfill it in batches (UPDATE ... WHERE id IN (SELECT ... LIMIT n)) in a loop that commits each", table))
			case inTx:
				problems = append(problems, fmt.Sprintf("batched UPDATE of %s needs a file marked -- +goose NO TRANSACTION, so that each batch commits", table))
			}
		}
	}
	return problems
}

// upSection returns a migration without its Down section.
func upSection(sql string) string {
	var b strings.Builder
	down := false
	for line := range strings.Lines(sql) {
		if m := section.FindStringSubmatch(line); m != nil {
			down = m[1] == "Down"
		}
		if !down {
			b.WriteString(line)
		}
	}
	return b.String()
}

// statements splits SQL into statements on semicolons, with comments taken out, string literals
// emptied and whitespace made single spaces. A dollar-quoted body stays inside its statement,
// itself cleaned the same way and with its own semicolons made spaces.
func statements(sql string) []string {
	var out []string
	for _, s := range strings.Split(clean(sql, false), ";") {
		if s = strings.TrimSpace(spaces.ReplaceAllString(s, " ")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// clean takes comments out of SQL and empties its string literals; in a body (inBody), it also
// makes semicolons spaces.
func clean(sql string, inBody bool) string {
	var b strings.Builder
	for i := 0; i < len(sql); {
		rest := sql[i:]
		switch {
		case strings.HasPrefix(rest, "--"):
			end := strings.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest)
			}
			b.WriteByte(' ')
			i += end
		case strings.HasPrefix(rest, "/*"):
			end := strings.Index(rest[2:], "*/")
			if end < 0 {
				end = len(rest) - 4
			}
			b.WriteByte(' ')
			i += end + 4
		case rest[0] == '\'':
			j := 1
			for j < len(rest) {
				if rest[j] == '\'' {
					if j+1 < len(rest) && rest[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			b.WriteString("''")
			i += j + 1
		case rest[0] == '$' && dollarTag.MatchString(rest):
			tag := dollarTag.FindString(rest)
			body, _, closed := strings.Cut(rest[len(tag):], tag)
			b.WriteString(" $$ " + clean(body, true) + " $$ ")
			i += len(tag) + len(body)
			if closed {
				i += len(tag)
			}
		case rest[0] == ';' && inBody:
			b.WriteByte(' ')
			i++
		default:
			b.WriteByte(rest[0])
			i++
		}
	}
	return b.String()
}
