package main

// The audit log at a million entries: its pages, newest and deep, as an administrator reads them.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// auditRows is how many entries the audit log is measured at.
const auditRows = 1_000_000

// auditFigures are what the audit log step measured.
type auditFigures struct {
	rows    int64
	load    time.Duration
	pages   []auditPage
	offset  time.Duration // the deep page's query with OFFSET, as the log was paged before
	depth   int
	missing string
}

// auditPage is one page of the log measured with one connection.
type auditPage struct {
	name, path string
	filter     postgres.AuditFilter
	bytes      int
	load       load
	// store50 and store95 are the median and 95th percentile of 100 calls of the store's
	// AuditLog for the page: its query and its count, without HTTP or rendering.
	store50, store95 time.Duration
}

const (
	benchAdminEmail    = "bench-admin@example.invalid"
	benchAdminPassword = "synthetic-bench-password-not-secret"
)

// auditLog fills a database of its own with auditRows synthetic audit entries over a year, from
// 50 people, on 5 kinds of record, each with a change before and after, and measures with wrk
// and one connection the log's newest page and a page 900,000 entries deep (keyset, after a
// cursor), unfiltered and filtered by action, and a week's entries. The rows are written with
// the triggers off (session_replication_role = replica), which leaves out the hash chain: it
// costs a second write of every row and is not read by the pages measured.
func (b *bench) auditLog(ctx context.Context) error {
	f := &b.r.audit
	dbURL := b.cluster.DatabaseURL(auditDatabase)
	if !b.opt.reuseDemo || !hasAuditRows(ctx, dbURL) {
		var err error
		if dbURL, err = b.freshDatabase(ctx, auditDatabase); err != nil {
			return err
		}
		env := []string{"DATABASE_URL=" + dbURL, "LOG_FORMAT=text"}
		if _, err := b.portal(ctx, env, "", "migrate"); err != nil {
			return err
		}
		if out, err := b.portal(ctx, env, benchAdminPassword+"\n", "user", "add", "--email", benchAdminEmail,
			"--name", "Bench administrator (synthetic)", "--role", "admin", "--password-stdin"); err != nil {
			if strings.Contains(out, "unknown command") {
				f.missing = "this build has no accounts"
				return nil
			}
			return err
		}
		start := time.Now()
		if err := loadAudit(ctx, dbURL); err != nil {
			return err
		}
		f.load = time.Since(start)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&f.rows); err != nil {
		return err
	}
	b.logf("audit log: %d entries (loaded in %s)", f.rows, f.load.Round(time.Second))

	// The cursors of the deep pages, and the deep page by OFFSET for comparison.
	f.depth = 900_000
	cursor := func(where string, offset int) (string, error) {
		var at time.Time
		var id int64
		err := conn.QueryRow(ctx, `SELECT at, id FROM audit_log `+where+` ORDER BY at DESC, id DESC OFFSET $1 LIMIT 1`, offset).Scan(&at, &id)
		return strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10), err
	}
	deep, err := cursor("", f.depth)
	if err != nil {
		return err
	}
	deepAction, err := cursor("WHERE action = 'update.publish'", 100_000)
	if err != nil {
		return err
	}
	var took []time.Duration
	for range 3 {
		t := time.Now()
		rows, err := conn.Query(ctx, `SELECT id, details FROM audit_log ORDER BY at DESC, id DESC OFFSET $1 LIMIT 51`, f.depth)
		if err != nil {
			return err
		}
		rows.Close()
		if rows.Err() != nil {
			return rows.Err()
		}
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	f.offset = took[1]

	s, err := b.serve(ctx, dbURL, "server-audit.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s.stop()
	cookie, err := signInAs(s.base, benchAdminEmail, benchAdminPassword)
	if err != nil {
		return fmt.Errorf("sign in as the bench's administrator: %w", err)
	}
	weekEnds := time.Now().AddDate(0, -6, 0)
	week := "from=" + weekEnds.AddDate(0, 0, -6).Format(time.DateOnly) + "&to=" + weekEnds.Format(time.DateOnly)
	deepCursor, _ := postgres.ParseAuditCursor(deep)
	deepActionCursor, _ := postgres.ParseAuditCursor(deepAction)
	f.pages = []auditPage{
		{name: "newest page", path: "/admin/audit"},
		{name: fmt.Sprintf("page %d entries deep", f.depth), path: "/admin/audit?before=" + url.QueryEscape(deep),
			filter: postgres.AuditFilter{Before: deepCursor}},
		{name: "newest page of one action", path: "/admin/audit?action=update.publish", filter: postgres.AuditFilter{Action: "update.publish"}},
		{name: "one action, 100,000 entries deep", path: "/admin/audit?action=update.publish&before=" + url.QueryEscape(deepAction),
			filter: postgres.AuditFilter{Action: "update.publish", Before: deepActionCursor}},
		{name: "a week, six months ago", path: "/admin/audit?" + week, filter: postgres.AuditFilter{
			Since: weekEnds.AddDate(0, 0, -6).Truncate(24 * time.Hour), Until: weekEnds.AddDate(0, 0, 1).Truncate(24 * time.Hour)}},
		{name: "one person", path: "/admin/audit?user=" + url.QueryEscape(benchAuditEmail(7)), filter: postgres.AuditFilter{Actor: benchAuditEmail(7)}},
	}
	// The store's part alone: the page and its count, as the handler asks for them.
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	store := postgres.New(pool)
	for i := range f.pages {
		p := &f.pages[i]
		p.filter.Limit = 50
		var took []time.Duration
		for range 100 {
			t := time.Now()
			if _, err := store.AuditLog(ctx, p.filter); err != nil {
				return err
			}
			took = append(took, time.Since(t))
		}
		slices.Sort(took)
		p.store50, p.store95 = took[49], took[94]
	}
	hdr := http.Header{"Cookie": {cookie}}
	for i := range f.pages {
		p := &f.pages[i]
		status, body, err := s.get(p.path, hdr)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("GET %s answered %d", p.path, status)
		}
		p.bytes = len(body)
		if p.load, err = b.wrk(ctx, s.base, 1, []string{"Cookie: " + cookie}, p.path); err != nil {
			return err
		}
		b.record("audit/"+strings.ReplaceAll(p.name, " ", "-"), p.load)
		b.logf("  %s: %.0f req/s, p50 %.1f ms, p95 %.1f ms; store alone p50 %s, p95 %s", p.name, p.load.rps(), ms(p.load.P50), ms(p.load.P95),
			p.store50.Round(10*time.Microsecond), p.store95.Round(10*time.Microsecond))
	}
	return nil
}

// auditDatabase is the database the audit log step fills; -reuse-demo keeps it between runs.
const auditDatabase = "portal_bench_audit"

// hasAuditRows reports whether the database at url holds the synthetic audit log already.
func hasAuditRows(ctx context.Context, url string) bool {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n)
	return err == nil && n >= auditRows
}

// benchAuditEmail is the address of the nth of the synthetic people in the audit log.
func benchAuditEmail(n int) string { return fmt.Sprintf("audit-person-%d@example.invalid", n) }

// loadAudit writes auditRows synthetic entries, and the 50 people who made them, then vacuums
// and analyses the table, as autovacuum would in time.
func loadAudit(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO users (email, name, role)
			SELECT 'audit-person-' || g || '@example.invalid', 'Synthetic person ' || g, 'staff' FROM generate_series(0, 49) g`); err != nil {
			return fmt.Errorf("people: %w", err)
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO audit_log (at, actor_id, actor_email, action, record_type, record_id, remote_addr, details)
			SELECT now() - make_interval(secs => (@rows::int - g) * 30), u.id, u.email,
			       (ARRAY['update.publish', 'update.submit', 'update.return', 'sign_in', 'commitment.update',
			              'organisation.update', 'plan.update', 'user.role'])[1 + g % 8],
			       (ARRAY['update', 'update', 'update', 'user', 'commitment', 'organisation', 'plan', 'user'])[1 + g % 8],
			       (1 + g * 7 % 20000)::text, '192.0.2.' || (1 + g % 250),
			       jsonb_build_object('before', jsonb_build_object('name', 'Synthetic record ' || g % 997, 'status', 'on_track', 'version', g % 9),
			                          'after', jsonb_build_object('name', 'Synthetic record ' || g % 997 || ', renamed', 'status', 'delayed', 'version', g % 9 + 1),
			                          'reason', 'Synthetic change ' || g)
			FROM generate_series(1, @rows::int) g
			JOIN users u ON u.email = 'audit-person-' || g % 50 || '@example.invalid'`, pgx.NamedArgs{"rows": auditRows})
		return err
	})
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	_, err = conn.Exec(ctx, `VACUUM ANALYZE audit_log`)
	return err
}

// signInAs signs in with the email address and password and returns the session cookie.
func signInAs(base, email, password string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/sign-in", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /sign-in answered %d", resp.StatusCode)
	}
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; "), nil
}

// writeAudit writes the audit log's target row (target) or its section.
func (b *bench) writeAudit(p func(format string, args ...any), target bool) {
	f := b.r.audit
	if f.rows == 0 && f.missing == "" {
		return
	}
	if target {
		if f.missing != "" {
			p("| Audit log at 1,000,000 entries: every page p95 at most 20 ms | %s | **not measured** |\n", f.missing)
			return
		}
		var worst load
		for _, pg := range f.pages {
			if pg.load.P95 > worst.P95 {
				worst = pg.load
			}
		}
		p("| Audit log at %d entries: newest, deep and filtered pages p95 at most 20 ms (one connection) | slowest p95 %.1f ms | %s |\n",
			f.rows, ms(worst.P95), verdict(time.Duration(worst.P95)*time.Microsecond <= targetP95))
		return
	}
	if f.missing != "" {
		return
	}
	p("## The audit log at a million entries\n\n")
	p("%d synthetic entries over a year (50 people, 8 actions, 5 kinds of record, each with a change before and\n", f.rows)
	loaded := "reused from an earlier run"
	if f.load > 0 {
		loaded = "loaded in " + f.load.Round(time.Second).String()
	}
	p("after and a reason; %s), written with the triggers off, so without the hash chain, which the pages\n", loaded)
	p("do not read. `/admin/audit` as an administrator, page cache off, %s each with one connection. Pages\n", b.opt.duration)
	p("after the first start after a cursor (keyset), so a deep page costs what the first does; the same %d-deep\n", f.depth)
	p("page by OFFSET, as the log was paged before, takes %s in PostgreSQL alone.\n\n", f.offset.Round(time.Millisecond))
	p("\"Store\" is the store's `AuditLog` alone (the page's query and its count), 100 calls in process.\n\n")
	p("| Page | Path | Bytes | req/s | p50 ms | p95 ms | p99 ms | Errors | Store p50 ms | Store p95 ms |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, pg := range f.pages {
		p("| %s | `%s` | %d | %.0f | %.2f | %.2f | %.2f | %d | %.2f | %.2f |\n", pg.name, pg.path, pg.bytes, pg.load.rps(),
			ms(pg.load.P50), ms(pg.load.P95), ms(pg.load.P99), pg.load.Errors+pg.load.StatusErrors,
			float64(pg.store50.Microseconds())/1000, float64(pg.store95.Microseconds())/1000)
	}
	p("\n")
}
