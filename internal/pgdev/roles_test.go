package pgdev

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// execSQL runs statements on the database at url, and returns the first error.
func execSQL(url string, stmts ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

func TestRoles(t *testing.T) {
	t.Parallel()
	c := newCluster(t)

	if got := mustQuery(t, c.OwnerURL(), "SELECT current_user || ' ' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"); got != Owner+" "+Owner {
		t.Errorf("OwnerURL: connected as and database owned by %q, want %s", got, Owner)
	}
	if got := mustQuery(t, c.AppURL(), "SELECT current_user || ' ' || pg_has_role(current_user, '"+AppGroup+"', 'MEMBER')::text || ' ' || rolsuper::text || rolcreaterole::text || rolcreatedb::text FROM pg_roles WHERE rolname = current_user"); got != App+" true falsefalsefalse" {
		t.Errorf("AppURL: %q, want %s, a member of %s with no other powers", got, App, AppGroup)
	}
	if err := execSQL(c.AppURL(), "CREATE TABLE t (id int)"); err == nil {
		t.Error("the serving role may create a table")
	}
	if got := mustQuery(t, c.DatabaseURL("postgres"), "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = '"+AppGroup+"'"); got != "false" {
		t.Errorf("%s can log in: %s", AppGroup, got)
	}

	// A database made before the roles existed, owned by the superuser with all it holds, is
	// handed to the owner role.
	if err := execSQL(c.URL(),
		"ALTER DATABASE "+Database+" OWNER TO "+Superuser,
		"CREATE DOMAIN percent AS integer CHECK (VALUE BETWEEN 0 AND 100)",
		"CREATE TABLE things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, done percent, n serial)",
		"CREATE SEQUENCE numbers",
		"CREATE VIEW done_things AS SELECT * FROM things WHERE done = 100",
		"CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql AS 'SELECT 2 * x'",
		"CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer)",
	); err != nil {
		t.Fatal(err)
	}
	if _, err := Ensure(context.Background(), c.Dir(), testLogger(t)); err != nil {
		t.Fatal(err)
	}
	if got := mustQuery(t, c.URL(), `SELECT coalesce(string_agg(o, ' ' ORDER BY o), '') FROM (
		SELECT pg_get_userbyid(relowner) AS o FROM pg_class WHERE relnamespace = 'public'::regnamespace
		UNION ALL SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
		UNION ALL SELECT pg_get_userbyid(typowner) FROM pg_type WHERE typnamespace = 'public'::regnamespace
		UNION ALL SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) x
		WHERE o <> '`+Owner+`'`); got != "" {
		t.Errorf("after Ensure, objects still belong to %s", got)
	}
	if err := execSQL(c.OwnerURL(), "ALTER TABLE things ADD COLUMN note text", "DROP VIEW done_things", "DROP TABLE things"); err != nil {
		t.Errorf("the owner cannot change what it was given: %v", err)
	}
}
