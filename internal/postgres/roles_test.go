package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
)

// The portal serves as a role that owns nothing: it cannot alter, empty or switch off the
// triggers of the audit log, only read and add to it. Every other test in this package runs as
// that role too (dbtest.Pool), which shows that the portal needs no more.
func TestServingRoleCannotTamperWithTheAuditLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	serving, owner := dbtest.ServingPool(t)

	if _, err := serving.Exec(ctx, `INSERT INTO audit_log (action, record_type, record_id) VALUES ('test', 'plan', '1')`); err != nil {
		t.Fatalf("the serving role cannot add to the audit log: %v", err)
	}
	var n int
	if err := serving.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the serving role reads %d rows of the audit log, %v; want 1", n, err)
	}

	refused := []string{
		`UPDATE audit_log SET action = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`ALTER TABLE audit_log ADD COLUMN note text`,
		`ALTER TABLE audit_log DISABLE TRIGGER USER`,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`DROP TRIGGER audit_log_append_only ON audit_log`,
		`DROP TABLE audit_log`,
		`ALTER TABLE audit_log OWNER TO CURRENT_USER`,
		`UPDATE audit_chain_head SET position = 0`,
		`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$`,
		`SET session_replication_role = replica`,
		`TRUNCATE sessions`,
		`ALTER TABLE updates DISABLE TRIGGER USER`,
		`UPDATE goose_db_version SET is_applied = false`,
		`CREATE TABLE scratch (id int)`,
	}
	for _, sql := range refused {
		_, err := serving.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" || strings.Contains(pgErr.Message, "append-only") {
			t.Errorf("as the serving role, %s: %v; want permission denied", sql, err)
		}
	}

	// The owner may alter the table, which is why the portal does not serve as the owner.
	if _, err := owner.Exec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`); err != nil {
		t.Errorf("the owner cannot alter the audit log: %v", err)
	}
	if err := serving.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != 1 {
		t.Errorf("after all that the audit log has %d rows, %v; want 1", n, err)
	}
}
