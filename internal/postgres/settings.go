package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ApplySettings makes cfg.StatementTimeout and RandomPageCost the defaults of the portal's role in
// its database (ALTER ROLE CURRENT_USER IN DATABASE ... SET), rather than sending them when each
// connection starts, which PgBouncer in transaction mode refuses; ordinary roles may set their
// own defaults. When the defaults change it closes the pool's connections, so that new ones take
// them up; a pooler's server connections take them up as they are renewed. A statement timeout of
// zero leaves the role's timeout alone.
//
// PostgreSQL's default cost of a random page read (4) assumes spinning disks, and makes the
// planner read a whole table rather than follow an index to a tenth of it. On SSDs, where every
// current PostgreSQL service runs, a random read costs about as much as a sequential one.
func ApplySettings(ctx context.Context, pool *pgxpool.Pool, cfg Config) error {
	var current []string
	err := pool.QueryRow(ctx, `SELECT coalesce((SELECT setconfig FROM pg_db_role_setting
		WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
		AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())), '{}')`).Scan(&current)
	if err != nil {
		return fmt.Errorf("postgres: read the role's settings: %w", err)
	}
	want := []string{"random_page_cost=" + RandomPageCost}
	if cfg.StatementTimeout > 0 {
		want = append(want, "statement_timeout="+strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10))
	}
	var dbName string
	if err := pool.QueryRow(ctx, `SELECT current_database()`).Scan(&dbName); err != nil {
		return fmt.Errorf("postgres: read the database's name: %w", err)
	}
	changed := false
	for _, kv := range want {
		if slices.Contains(current, kv) {
			continue
		}
		name, value, _ := strings.Cut(kv, "=")
		sql := `ALTER ROLE CURRENT_USER IN DATABASE ` + pgx.Identifier{dbName}.Sanitize() + ` SET ` + name + ` = '` + value + `'`
		if _, err := pool.Exec(ctx, sql); err != nil {
			return fmt.Errorf("postgres: set the role's %s: %w", name, err)
		}
		changed = true
	}
	if changed {
		pool.Reset()
	}
	return nil
}
