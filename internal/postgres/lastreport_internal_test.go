package postgres

import (
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestLastReportRow reads the last report's row in both of PostgreSQL's formats, binary (the
// extended protocol) and text (the simple protocol, as through PgBouncer), with a time, an
// organisation named with a comma, quotes and a backslash, an empty period and NULLs, and
// gets the same report from each.
func TestLastReportRow(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.Pool(t)
	at := time.Date(2026, 12, 1, 10, 30, 15, 123456000, time.UTC)
	for _, tc := range []struct {
		sql  string
		args []any
		want *tracker.LastReport
	}{
		{`SELECT ROW($1::timestamptz, ''::text, $2::text)`, []any{at, `Org, "A" \ B`},
			&tracker.LastReport{At: &at, By: `Org, "A" \ B`}},
		{`SELECT ROW(NULL::timestamptz, '2025-26'::text, ''::text)`, nil,
			&tracker.LastReport{Period: "2025-26"}},
		{`SELECT (SELECT ROW(now(), '', '') WHERE false)`, nil, nil},
	} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
			var got *tracker.LastReport
			if err := pool.QueryRow(ctx, tc.sql, append([]any{mode}, tc.args...)...).Scan(lastReportTarget{&got}); err != nil {
				t.Fatalf("%s in %v: %v", tc.sql, mode, err)
			}
			if got != nil && got.At != nil {
				if !got.At.Equal(*tc.want.At) {
					t.Errorf("%s in %v: at %v, want %v", tc.sql, mode, got.At, tc.want.At)
				}
				got.At = tc.want.At
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s in %v: got %+v, want %+v", tc.sql, mode, got, tc.want)
			}
		}
	}
}
