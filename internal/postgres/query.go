package postgres

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/jackc/pgx/v5"
)

// one reads the one row sql selects through q, scanned by scan. op names what it reads in errors,
// such as "plan 3": it returns tracker.ErrNotFound when there is no such row.
func one[T any](ctx context.Context, q querier, op string, scan pgx.RowToFunc[T], sql string, args ...any) (T, error) {
	rows, _ := q.Query(ctx, sql, args...)
	v, err := pgx.CollectExactlyOneRow(rows, scan)
	return v, storeError(op, err, nil)
}

// readByID returns a function that reads the record of the kind with an ID through q, by sql, which
// selects it with the ID as $1, scanned by scan. The function returns tracker.ErrNotFound when sql
// finds no such record.
func readByID[T any](kind string, scan pgx.RowToFunc[T], sql string) func(ctx context.Context, q querier, id int64) (T, error) {
	return func(ctx context.Context, q querier, id int64) (T, error) {
		return one(ctx, q, fmt.Sprintf("%s %d", kind, id), scan, sql, id)
	}
}

// where is a WHERE clause that the filters of the list queries build a condition at a time, with
// the named arguments its conditions use.
type where struct {
	conds []string
	args  pgx.NamedArgs
}

// whereAll starts a clause with conditions that always apply, which use args (nil for none).
func whereAll(args pgx.NamedArgs, conds ...string) *where {
	if args == nil {
		args = pgx.NamedArgs{}
	}
	return &where{conds: conds, args: args}
}

// and adds a condition, with the named arguments it uses.
func (w *where) and(cond string, args pgx.NamedArgs) {
	w.conds = append(w.conds, cond)
	maps.Copy(w.args, args)
}

// andSet adds cond, which uses the named argument name, when v is set: a filter's zero field
// selects everything.
func andSet[T comparable](w *where, v T, name, cond string) {
	var zero T
	if v != zero {
		w.and(cond, pgx.NamedArgs{name: v})
	}
}

// sql returns the clause with a leading space (" WHERE a AND b"), or "" when it has no
// conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
