package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestDatabaseConfig(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		want    config
		wantErr string
	}{
		{"one URL", map[string]string{"DATABASE_URL": "postgres://a/db"}, config{DatabaseURL: "postgres://a/db"}, ""},
		{"two roles", map[string]string{"DATABASE_URL": "postgres://app/db", "MIGRATE_DATABASE_URL": "postgres://owner/db"},
			config{DatabaseURL: "postgres://app/db", MigrateDatabaseURL: "postgres://owner/db"}, ""},
		{"skip", map[string]string{"DATABASE_URL": "postgres://a/db", "SKIP_MIGRATE": "true"},
			config{DatabaseURL: "postgres://a/db", SkipMigrate: true}, ""},
		{"bad skip", map[string]string{"SKIP_MIGRATE": "sometimes"}, config{}, "SKIP_MIGRATE"},
		{"owner without app", map[string]string{"MIGRATE_DATABASE_URL": "postgres://owner/db"}, config{}, "needs DATABASE_URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.DatabaseURL != tt.want.DatabaseURL || c.MigrateDatabaseURL != tt.want.MigrateDatabaseURL ||
				c.SkipMigrate != tt.want.SkipMigrate {
				t.Errorf("config = %+v, %v; want %+v", c, err, tt.want)
			}
		})
	}
}

// tableOwner returns who owns the table in the database at dbURL, or "" if there is no such table.
func tableOwner(t *testing.T, dbURL, table string) string {
	t.Helper()
	var owner *string
	err := dbConnect(t, dbURL).QueryRow(context.Background(),
		`SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass($1)`, table).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) || owner == nil {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return *owner
}

// TestServeAsAnotherRole migrates through MIGRATE_DATABASE_URL, as the database's owner, and
// serves through DATABASE_URL as a role that owns nothing.
func TestServeAsAnotherRole(t *testing.T) {
	t.Parallel()
	ownerURL := dbtest.EmptyURL(t)
	servingURL := dbtest.ServingURL(t, ownerURL)
	owner, err := url.Parse(ownerURL)
	if err != nil {
		t.Fatal(err)
	}

	// Serving as a role that may not create tables, without a role to migrate as, fails.
	err = run(context.Background(), []string{"migrate"}, func(k string) string {
		return map[string]string{"DATABASE_URL": servingURL, "LOG_FORMAT": "text"}[k]
	}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Fatalf("migrating as the serving role: %v, want permission denied", err)
	}

	p := startPortal(t, servingURL, "MIGRATE_DATABASE_URL="+ownerURL)
	if got := tableOwner(t, ownerURL, "audit_log"); got != owner.User.Username() {
		t.Errorf("audit_log belongs to %q, want %q, who migrated", got, owner.User.Username())
	}
	var current string
	conn := dbConnect(t, ownerURL)
	clocktest.WaitFor(t, "the portal connects", 10*time.Second, func() bool {
		err := conn.QueryRow(context.Background(), `SELECT usename FROM pg_stat_activity
			WHERE application_name = 'delivery-tracker' AND datname = current_database() LIMIT 1`).Scan(&current)
		return err == nil
	})
	if want, _ := url.Parse(servingURL); current != want.User.Username() {
		t.Errorf("the portal is connected as %q, want %q", current, want.User.Username())
	}
	// It works as that role: public pages, and signing in, which writes a session and the audit log.
	const email, pw = "admin@example.scot", "correct horse battery staple 42"
	if err := run(context.Background(), []string{"user", "add", "--email", email, "--name", "Ada Admin", "--role", "admin", "--password-stdin"},
		func(k string) string {
			return map[string]string{"DATABASE_URL": servingURL, "SKIP_MIGRATE": "1", "LOG_FORMAT": "text"}[k]
		}, strings.NewReader(pw+"\n"), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if code, _, err := getStatus(client, p.url("/commitments/4.2")); err != nil || code != http.StatusOK {
		t.Errorf("GET /commitments/4.2 = %d %v", code, err)
	}
	resp, err := client.PostForm(p.url("/sign-in"), url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in = %d, want 303", resp.StatusCode)
	}
}

// TestSkipMigrate leaves the database as it is.
func TestSkipMigrate(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.EmptyURL(t)
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"DATABASE_URL": dbURL, "SKIP_MIGRATE": "true", "ADDR": "127.0.0.1:0", "LOG_FORMAT": "text"}[k]
	}, nil, &bytes.Buffer{}, &stderr)
	if err == nil {
		t.Fatal("serve on an empty database without migrating it started")
	}
	if !strings.Contains(stderr.String(), "SKIP_MIGRATE is set") {
		t.Errorf("serve did not say it skips migrating:\n%s", stderr.String())
	}
	if owner := tableOwner(t, dbURL, dbtest.VersionTable); owner != "" {
		t.Errorf("%s exists after serving with SKIP_MIGRATE", dbtest.VersionTable)
	}
}

// On the project-local cluster, `portal migrate` migrates as the owner role and the portal
// serves as the serving role.
func TestProjectLocalClusterRoles(t *testing.T) {
	t.Parallel()
	if _, err := pgdev.FindBinDir(); err != nil {
		t.Skip(err)
	}
	dataDir := t.TempDir()
	env := map[string]string{"PORTAL_DATA_DIR": dataDir, "LOG_FORMAT": "text"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	t.Cleanup(func() {
		c, err := pgdev.Ensure(context.Background(), filepath.Join(dataDir, "postgres"), nil)
		if err == nil {
			err = c.Kill(context.Background())
		}
		if err != nil {
			t.Error(err)
		}
	})
	var stderr bytes.Buffer
	if err := run(ctx, []string{"migrate"}, getenv, nil, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	c, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := connect(ctx, c, newLogger(c, &stderr))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var user, owner string
	if err := pool.QueryRow(ctx, `SELECT current_user, pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_log'::regclass`).
		Scan(&user, &owner); err != nil {
		t.Fatal(err)
	}
	if user != pgdev.App || owner != pgdev.Owner {
		t.Errorf("serving as %s, audit_log owned by %s; want %s and %s", user, owner, pgdev.App, pgdev.Owner)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER USER`); err == nil {
		t.Error("the serving role may disable the audit log's triggers")
	}
	if _, err := postgres.New(pool).CreateUser(ctx, tracker.Actor{Label: "test"},
		postgres.NewUser{Email: "a@gov.scot", Name: "A", Role: tracker.RoleAdmin}); err != nil {
		t.Errorf("the serving role cannot create an account: %v", err)
	}
}
