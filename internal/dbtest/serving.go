package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/pgdev"
)

// servingPassword is the password of every server's serving role: a test role on a test server.
const servingPassword = "serving"

// servers remembers, per server URL, that its roles have been made in this test binary.
var servers sync.Map // server URL -> *serverRoles

type serverRoles struct {
	once sync.Once
	err  error
}

// prepareServer makes, once per test binary, the roles a server needs before databases can be
// migrated on it: the group role the migrations grant the portal's rights to (pgdev.AppGroup),
// which the migrating role may not create, and a login role in it for ServingURL.
func prepareServer(serverURL string) error {
	v, _ := servers.LoadOrStore(serverURL, &serverRoles{})
	r := v.(*serverRoles)
	r.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			r.err = fmt.Errorf("connect: %w", err)
			return
		}
		defer conn.Close(context.Background())
		if r.err = pgdev.EnsureRole(ctx, conn, pgdev.AppGroup, "NOLOGIN"); r.err != nil {
			return
		}
		role, err := servingRole(serverURL)
		if err != nil {
			r.err = err
			return
		}
		r.err = pgdev.EnsureRole(ctx, conn, role,
			fmt.Sprintf("LOGIN PASSWORD '%s' IN ROLE %s", servingPassword, pgx.Identifier{pgdev.AppGroup}.Sanitize()))
	})
	return r.err
}

// servingRole names the serving role of the server a URL points to, after its host and port.
func servingRole(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("bad URL: %w", err)
	}
	sum := sha256.Sum256([]byte(u.Host))
	return "pgtdb_app_" + hex.EncodeToString(sum[:4]), nil
}

// ServingURL returns a URL for the database at dbURL (from URL or NewDatabase) as a login role
// that is, like the role the portal serves as in production, only a member of pgdev.AppGroup: it
// owns nothing and has only what the migrations grant.
func ServingURL(t testing.TB, dbURL string) string {
	t.Helper()
	role, err := servingRole(dbURL)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	u, _ := url.Parse(dbURL)
	u.User = url.UserPassword(role, servingPassword)
	return u.String()
}

// ServingPool returns a pool connected to a fresh, fully migrated database of the test's own as
// the serving role (see ServingURL), and a pool on the same database as the role that migrated
// it and owns its tables. Both are closed and the database dropped when the test ends.
func ServingPool(t testing.TB) (serving, owner *pgxpool.Pool) {
	t.Helper()
	dbURL := URL(t)
	return Connect(t, ServingURL(t, dbURL)), Connect(t, dbURL)
}
