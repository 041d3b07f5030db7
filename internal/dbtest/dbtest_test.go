package dbtest

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// latestMigration is the highest version among the embedded migrations.
func latestMigration(t *testing.T) int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no migrations: %v", err)
	}
	var latest int64
	for _, name := range names {
		var v int64
		for _, r := range name {
			if r < '0' || r > '9' {
				break
			}
			v = v*10 + int64(r-'0')
		}
		latest = max(latest, v)
	}
	return latest
}

func TestPoolIsFullyMigrated(t *testing.T) {
	t.Parallel()
	pool := OwnerPool(t)
	ctx := context.Background()

	var version int64
	err := pool.QueryRow(ctx,
		"SELECT max(version_id) FROM "+VersionTable+" WHERE is_applied").Scan(&version)
	if err != nil {
		t.Fatal(err)
	}
	if want := latestMigration(t); version != want {
		t.Errorf("migrated to version %d, want %d", version, want)
	}
}

func TestEachTestHasItsOwnDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := URL(t), URL(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	pa, pb := Connect(t, a), Connect(t, b)
	if _, err := pa.Exec(ctx, "CREATE TABLE only_in_a (id int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	err := pb.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("a table made in one test database shows in another")
	}
}

// Pool serves as the portal does in production: as a member of the group role the migrations
// grant to, owning nothing.
func TestPoolIsTheServingRole(t *testing.T) {
	t.Parallel()
	var member bool
	var owned int
	err := Pool(t).QueryRow(context.Background(), `
		SELECT pg_has_role(current_user, $1, 'MEMBER'),
		       (SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole)`, pgdev.AppGroup).Scan(&member, &owned)
	if err != nil || !member || owned != 0 {
		t.Errorf("Pool's role: member of %s %v, owns %d relations, %v; want a member owning none", pgdev.AppGroup, member, owned, err)
	}
}

func TestTestsDoNotRunAsSuperuser(t *testing.T) {
	t.Parallel()
	var super bool
	err := Pool(t).QueryRow(context.Background(),
		"SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super)
	if err != nil {
		t.Fatal(err)
	}
	if super {
		t.Error("tests connect as a superuser; the application will not")
	}
}

func TestManyDatabasesAtOnce(t *testing.T) {
	t.Parallel()
	for range 4 {
		t.Run("db", func(t *testing.T) {
			t.Parallel()
			var one int
			if err := Pool(t).QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPrivateClusterSurvivesARestart(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	pool := Connect(t, NewDatabase(t, c.DatabaseURL("postgres")))
	if _, err := pool.Exec(ctx, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)"); err != nil {
		t.Fatal(err)
	}

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := pool.Ping(ctx); err == nil {
		t.Fatal("ping succeeded with the server stopped")
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// The pool drops its dead connections and makes new ones.
	var n int
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := pool.QueryRow(ctx, "SELECT count(*) FROM kept").Scan(&n)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n != 1 {
		t.Errorf("kept has %d rows, want 1", n)
	}

	// A crash (immediate stop) and recovery keep committed data too.
	if err := c.Kill(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		err := pool.QueryRow(ctx, "SELECT count(*) FROM kept").Scan(&n)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after crash: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n != 1 {
		t.Errorf("after a crash kept has %d rows, want 1", n)
	}
}

func TestConfigKeepsEscapes(t *testing.T) {
	conf, err := config("postgres://u%40x:p%2Fw@db.example:6543/base?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if conf.Host != "db.example" || conf.Port != "6543" || conf.Database != "base" || conf.Options != "sslmode=require" {
		t.Errorf("config = %+v", conf)
	}
	if got := conf.URL(); !strings.HasPrefix(got, "postgres://u%40x:p%2Fw@db.example:6543/base?") {
		t.Errorf("URL() = %s", got)
	}
	other, _ := config("postgres://u:p@127.0.0.1:5433/postgres")
	if conf.TestRole.Username == other.TestRole.Username {
		t.Error("two servers share a test role name")
	}
}
