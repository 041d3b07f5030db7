// Package dbtest gives tests real PostgreSQL databases.
//
// Each call to URL, Pool or OwnerPool creates a fresh database, fully migrated with the
// project's migrations (migrations.FS), and drops it when the test ends
// (a failed test's database is kept for inspection). Migrations run once per
// schema: pgtestdb keeps a migrated template database, named after a hash of
// the migrations, and clones it for every test, so a database costs a few
// milliseconds.
//
// The server is TEST_DATABASE_URL when set (its user must be a superuser:
// pgtestdb creates a role and marks template databases in pg_database),
// otherwise the project's own cluster in
// .data/postgres, created and started as needed by pgdev.
//
// Migrations are applied by goose with its default version table,
// goose_db_version, the same table the application uses, so test databases
// have exactly the schema and bookkeeping of a real one. They run as a
// dedicated role without superuser rights (pgtestdb's pgtdbuser), so a
// migration that needs more than the application's own rights fails here
// first. Its name is derived from the server's URL, because pgtestdb
// remembers for the life of the test binary which roles and templates it has
// made, by name: private clusters (NewCluster) need their own.
//
// Tests then work as the portal serves in production: Pool connects as a
// login role that owns nothing and is only a member of the group role the
// migrations grant the portal's rights to (pgdev.AppGroup, made beforehand on
// each server as an administrator makes it in production). OwnerPool and URL
// connect as the role that migrated the database.
package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/goosemigrator"

	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// EnvURL names the environment variable that points the tests at a server
// of one's own instead of the project's cluster.
const EnvURL = "TEST_DATABASE_URL"

// VersionTable is the table in which goose records applied migrations:
// goose's default, as used by the application.
var VersionTable = goosemigrator.DefaultTableName

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// ServerURL returns a URL for the maintenance database of the test server,
// through which databases can be created: TEST_DATABASE_URL if set, else the
// project's cluster, which it creates and starts if needed (once per test
// binary). It fails the test when there is no server to be had.
func ServerURL(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() {
		serverURL, serverErr = findServer()
	})
	if serverErr != nil {
		t.Fatalf("dbtest: no PostgreSQL for the tests: %v\n(`make test` provides one; or set %s to a server where the user may create databases)", serverErr, EnvURL)
	}
	return serverURL
}

func findServer() (string, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return u, nil
	}
	dir, err := pgdev.DefaultDir()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := pgdev.Ensure(ctx, dir, logger())
	if err != nil {
		return "", err
	}
	return c.DatabaseURL("postgres"), nil
}

// logger reports the cluster's creation and start on stderr, which go test
// shows only for failing packages or with -v.
func logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// Migrator returns the pgtestdb migrator that applies the project's
// migrations with goose, recording them in VersionTable.
func Migrator() pgtestdb.Migrator {
	return goosemigrator.New(".",
		goosemigrator.WithFS(migrations.FS),
		goosemigrator.WithTableName(VersionTable),
	)
}

// URL returns the connection URL of a fresh, fully migrated database of the
// test's own, dropped when the test passes.
func URL(t testing.TB) string {
	t.Helper()
	return NewDatabase(t, ServerURL(t))
}

// Pool returns a pool connected to a fresh, fully migrated database of the
// test's own as the serving role (see ServingURL), as the portal serves in
// production, so that whatever the tests do through the store is proved to
// need no more than the rights the migrations grant. The pool is closed and
// the database dropped when the test ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Connect(t, ServingURL(t, URL(t)))
}

// OwnerPool is Pool as the role that migrated the database and owns its
// tables, for tests that must do what only an owner may, such as migrating
// or loading data with the triggers disabled.
func OwnerPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Connect(t, URL(t))
}

// Connect returns a pool for the database at url, closed when the test ends.
func Connect(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		t.Fatalf("dbtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewDatabase creates a fresh, fully migrated database on the server at
// serverURL (a superuser's URL, such as ServerURL's or a Cluster's
// DatabaseURL("postgres")) and returns its URL. The database is dropped when
// the test passes, so the server must be running then; any connections
// still open to it are closed by force.
func NewDatabase(t testing.TB, serverURL string) string {
	t.Helper()
	conf, err := config(serverURL)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if err := prepareServer(serverURL); err != nil {
		t.Fatalf("dbtest: prepare the roles of the server: %v", err)
	}
	return pgtestdb.Custom(t, conf, Migrator()).URL()
}

// config turns a server URL into pgtestdb's configuration. pgtestdb puts
// the user and password back into a URL as they are, so they stay escaped.
func config(serverURL string) (pgtestdb.Config, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return pgtestdb.Config{}, fmt.Errorf("bad server URL: %w", err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return pgtestdb.Config{}, fmt.Errorf("bad server URL: scheme %q, want postgres://", u.Scheme)
	}
	var user, password string
	if u.User != nil {
		user, password, _ = strings.Cut(u.User.String(), ":")
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	database := strings.TrimPrefix(u.Path, "/")
	if database == "" {
		database = "postgres"
	}
	sum := sha256.Sum256([]byte(serverURL))
	role := pgtestdb.DefaultRole()
	role.Username = "pgtdb_" + hex.EncodeToString(sum[:4])
	return pgtestdb.Config{
		TestRole:                  &role,
		DriverName:                "pgx",
		Host:                      u.Hostname(),
		Port:                      port,
		User:                      user,
		Password:                  password,
		Database:                  database,
		Options:                   u.RawQuery,
		ForceTerminateConnections: true,
	}, nil
}

// NewCluster creates a PostgreSQL cluster of the test's own, in a temporary
// directory, and removes it when the test ends. It is for tests that stop,
// kill or restart the server, which must not do so to the cluster every other
// test shares. It takes a few seconds. Use NewDatabase with
// c.DatabaseURL("postgres") for a migrated database on it, and leave the
// cluster running at the end of the test so that the database can be
// dropped.
func NewCluster(t testing.TB) *pgdev.Cluster {
	t.Helper()
	if os.Getenv(EnvURL) != "" {
		if _, err := pgdev.FindBinDir(); err != nil {
			t.Skipf("dbtest: a private cluster needs PostgreSQL server binaries, and %s points elsewhere: %v", EnvURL, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "postgres")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgdev.Ensure(ctx, dir, logger())
	if err != nil {
		t.Fatalf("dbtest: private cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Kill(context.Background()); err != nil {
			t.Errorf("dbtest: stop private cluster: %v", err)
		}
	})
	return c
}
