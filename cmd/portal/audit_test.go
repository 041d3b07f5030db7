package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// asSuperuser returns dbURL with the test server's superuser, who can get past any trigger.
func asSuperuser(t *testing.T, dbURL string) string {
	t.Helper()
	server, err := url.Parse(dbtest.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = server.User
	return u.String()
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tamper := range []struct {
		name, sql, want string
		atRow           int // from 1, in the order added
	}{
		{"edited", `UPDATE audit_log SET details = '{"after": {"role": "admin"}}' WHERE id = $1`, "was changed", 2},
		{"deleted", `DELETE FROM audit_log WHERE id = $1`, "removed", 3},
	} {
		t.Run(tamper.name, func(t *testing.T) {
			dbURL := dbtest.URL(t)
			servingURL := dbtest.ServingURL(t, dbURL)
			store := postgres.New(dbtest.Connect(t, servingURL))
			for i := range 3 {
				if _, err := store.CreateUser(ctx, tracker.Actor{Label: "test"},
					postgres.NewUser{Email: fmt.Sprintf("u%d@gov.scot", i), Name: "U", Role: tracker.RoleStaff}); err != nil {
					t.Fatal(err)
				}
			}
			rows, _ := store.Pool().Query(ctx, `SELECT id FROM audit_log ORDER BY chain_position`)
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil || len(ids) != 3 {
				t.Fatalf("audit rows %v, %v; want 3", ids, err)
			}
			getenv := func(k string) string {
				return map[string]string{"DATABASE_URL": servingURL, "SKIP_MIGRATE": "true", "LOG_FORMAT": "text"}[k]
			}
			var out, errOut bytes.Buffer
			if err := run(ctx, []string{"audit", "verify"}, getenv, nil, &out, &errOut); err != nil {
				t.Fatalf("verify an untouched log: %v\n%s", err, errOut.String())
			}
			if !strings.HasPrefix(out.String(), "audit log intact: 3 rows") {
				t.Errorf("verify an untouched log said %q", out.String())
			}

			admin := dbConnect(t, asSuperuser(t, dbURL))
			err = pgx.BeginFunc(ctx, admin, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, tamper.sql, ids[1])
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			out.Reset()
			err = run(ctx, []string{"audit", "verify"}, getenv, nil, &out, &errOut)
			wantPrefix := fmt.Sprintf("audit log broken at row %d (", ids[tamper.atRow-1])
			if err == nil || !strings.HasPrefix(err.Error(), wantPrefix) || !strings.Contains(err.Error(), tamper.want) {
				t.Errorf("verify after the row was %s: %v (said %q); want %s... %s", tamper.name, err, out.String(), wantPrefix, tamper.want)
			}
		})
	}
}
