package pgdev

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The roles of the application database, as in production: one owns it and runs the migrations,
// another serves the portal with only the rights the migrations grant to AppGroup.
const (
	// AppGroup is the group role (NOLOGIN) to which the migrations grant what the portal needs
	// while serving (migration 00070): rows of its tables, the audit log append-only, and no
	// ownership of anything.
	AppGroup = "delivery_tracker_app"
	// Owner is the login role that owns Database and runs its migrations.
	Owner = "portal_owner"
	// App is the login role `portal serve` uses on the cluster: a member of AppGroup and nothing
	// more.
	App = "portal_app"
)

// OwnerURL returns a connection URL for Database as Owner, for running the migrations.
func (c *Cluster) OwnerURL() string { return c.roleURL(Owner, Database) }

// AppURL returns a connection URL for Database as App, for serving the portal.
func (c *Cluster) AppURL() string { return c.roleURL(App, Database) }

func (c *Cluster) roleURL(role, database string) string {
	return c.url(role, c.rolePassword(role), database)
}

// url returns a connection URL for the database as the role with the password.
func (c *Cluster) url(role, password, database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, password),
		Host:     net.JoinHostPort(Host, strconv.Itoa(c.Port())),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// rolePassword is a login role's password, derived from the superuser's so that it needs no file
// of its own: whoever may read the superuser's password may have the cluster anyway.
func (c *Cluster) rolePassword(role string) string {
	m := hmac.New(sha256.New, []byte(c.password))
	m.Write([]byte("pgdev role " + role))
	return hex.EncodeToString(m.Sum(nil))[:40]
}

// ensureRoles creates AppGroup, Owner and App unless they exist, and sets the login roles'
// passwords. The caller holds the cluster's lock.
func (c *Cluster) ensureRoles(ctx context.Context, conn *pgx.Conn) error {
	if err := EnsureRole(ctx, conn, AppGroup, "NOLOGIN"); err != nil {
		return err
	}
	for _, r := range []struct{ name, options string }{
		{Owner, "LOGIN"},
		{App, "LOGIN IN ROLE " + pgx.Identifier{AppGroup}.Sanitize()},
	} {
		if err := EnsureRole(ctx, conn, r.name, r.options); err != nil {
			return err
		}
		// The password is sent as a literal: the statement takes no parameters. It is hex.
		sql := fmt.Sprintf("ALTER ROLE %s PASSWORD '%s'", pgx.Identifier{r.name}.Sanitize(), c.rolePassword(r.name))
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("set the password of role %s: %w", r.name, err)
		}
	}
	return nil
}

// EnsureRole creates the role with the options (as CREATE ROLE takes them, such as "NOLOGIN" or
// "LOGIN IN ROLE x") unless a role of that name exists, through conn, a connection of a user
// allowed to create roles. A role belongs to the whole cluster, and many processes (test
// binaries, portals) may ask for the same one at once: they take turns under an advisory lock on
// conn's database, and one created meanwhile through another database counts as existing.
func EnsureRole(ctx context.Context, conn *pgx.Conn, name, options string) error {
	h := fnv.New64a()
	h.Write([]byte("pgdev role " + name))
	key := int64(h.Sum64())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("lock to create role %s: %w", name, err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for role %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err := conn.Exec(ctx, "CREATE ROLE "+pgx.Identifier{name}.Sanitize()+" "+options)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "23505") { // duplicate_object, unique_violation
		return nil
	}
	if err != nil {
		return fmt.Errorf("create role %s: %w", name, err)
	}
	return nil
}

// adoptDatabase makes Owner the owner of Database and of everything in its public schema, as
// a cluster made before the roles existed had the superuser own them. conn is the superuser's
// connection to Database.
func adoptDatabase(ctx context.Context, conn *pgx.Conn) error {
	owner := pgx.Identifier{Owner}.Sanitize()
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{Database}.Sanitize()+" OWNER TO "+owner); err != nil {
		return fmt.Errorf("give database %s to %s: %w", Database, Owner, err)
	}
	// Tables, views and sequences that belong to no column, then functions, aggregates and
	// procedures, then domains and other types of their own (a table's own row type, array types
	// and identity sequences follow their table).
	_, err := conn.Exec(ctx, `
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN
        SELECT format('ALTER %s %s OWNER TO `+owner+`',
                      CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                     WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                      c.oid::regclass) AS sql
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND c.relowner <> '`+Owner+`'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO `+owner+`', p.oid::regprocedure)
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> '`+Owner+`'::regrole
        UNION ALL
        SELECT format('ALTER %s %s OWNER TO `+owner+`', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                      t.oid::regtype)
        FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> '`+Owner+`'::regrole
          AND t.typtype IN ('d', 'e', 'r') AND t.typelem = 0
    LOOP
        EXECUTE o.sql;
    END LOOP;
END;
$$`)
	if err != nil {
		return fmt.Errorf("give the objects of database %s to %s: %w", Database, Owner, err)
	}
	return nil
}

// ensureDatabase creates the roles and the application database, Database, owned by Owner,
// unless they exist; a database the superuser owns, made before the roles existed, is handed to
// Owner with all it holds. The caller holds the cluster's lock.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.DatabaseURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := c.ensureRoles(ctx, conn); err != nil {
		return err
	}
	var owner string
	err = conn.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", Database).Scan(&owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		c.logger.Info("creating database", "database", Database, "owner", Owner)
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{Database}.Sanitize()+" OWNER "+pgx.Identifier{Owner}.Sanitize())
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database
			return nil
		}
		if err != nil {
			return fmt.Errorf("create database %s: %w", Database, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("look for database %s: %w", Database, err)
	case owner == Owner:
		return nil
	}
	c.logger.Info("handing the database and its tables to their owner role", "database", Database, "owner", Owner, "was", owner)
	db, err := pgx.Connect(ctx, c.DatabaseURL(Database))
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	return adoptDatabase(ctx, db)
}
