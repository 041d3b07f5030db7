package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// AuditRecord is one entry of the audit log as read back.
type AuditRecord struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ActorEmail string
	Action     string
	RecordType string
	RecordID   string
	RemoteAddr string
	// Details is the entry's JSON, as stored.
	Details json.RawMessage
}

// Cursor returns the place of the entry in the log, for the page before or after it.
func (e AuditRecord) Cursor() *AuditCursor { return &AuditCursor{At: e.At, ID: e.ID} }

// AuditCursor is a place in the audit log, newest first: an entry's time and ID. A page of the
// log starts after one, so that every page costs the same however deep it is (keyset
// pagination), and entries added meanwhile do not shift the pages.
type AuditCursor struct {
	At time.Time
	ID int64
}

// String writes the cursor for an address: microseconds since 1970, a dot, the ID.
func (c AuditCursor) String() string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseAuditCursor reads a cursor String wrote; ok is false for anything else.
func ParseAuditCursor(s string) (c *AuditCursor, ok bool) {
	micros, id, found := strings.Cut(s, ".")
	m, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !found || err1 != nil || err2 != nil || n <= 0 || m < 0 || m > 1<<53 {
		return nil, false
	}
	return &AuditCursor{At: time.UnixMicro(m).UTC(), ID: n}, true
}

// AuditFilter narrows the audit log. Empty fields match everything.
type AuditFilter struct {
	// Actor matches the entries of the account with the email address, or else those that keep
	// it (or the label of a non-user actor), without regard to case.
	Actor string
	// ActorID matches the acting user's ID.
	ActorID    int64
	RecordType string
	// RecordID matches the record's ID; with RecordType "commitment", "organisation", "plan" or
	// "user" it may also be a commitment's reference (any plan's), an organisation's code, a
	// plan's web address or a user's email address.
	RecordID string
	Action   string
	// Since and Until bound the time of the entries: Since <= at < Until. Zero leaves an end open.
	Since, Until time.Time
	// Before asks for the page of entries older than the cursor, After for the page newer than
	// it; neither, for the newest.
	Before, After *AuditCursor
	// Limit is the page size (default 50, at most 1,000).
	Limit int
}

// AuditPage is a page of the audit log, newest first.
type AuditPage struct {
	Entries []AuditRecord
	// Newer and Older are the cursors of the pages either side, nil where there is none.
	Newer, Older *AuditCursor
	// Matching is how many entries match the filter, counted up to AuditCountLimit; Capped says
	// there are more.
	Matching int
	Capped   bool
}

// AuditCountLimit is the most entries AuditLog counts: beyond it, the page says "more than".
// Counting reads the index as far as the limit, so it stays small.
const AuditCountLimit = 1_000

// auditWhere is the filter's condition, and the IDs a record's reference stands for.
func (s *Store) auditWhere(ctx context.Context, f AuditFilter) (*where, error) {
	w := whereAll(nil)
	if f.Actor != "" {
		// An account's entries by its ID, which its index serves without reading the table;
		// anyone else's (a label such as "portal user add") by the address or label kept.
		var id int64
		err := s.pool.QueryRow(ctx, `SELECT id FROM users WHERE lower(email) = lower($1)`, f.Actor).Scan(&id)
		switch {
		case err == nil:
			w.and("actor_id = @actor_account", pgx.NamedArgs{"actor_account": id})
		case noRows(err):
			w.and("lower(actor_email) = lower(@actor)", pgx.NamedArgs{"actor": f.Actor})
		default:
			return nil, storeError("audit actor", err, nil)
		}
	}
	andSet(w, f.ActorID, "actor_id", "actor_id = @actor_id")
	andSet(w, f.RecordType, "record_type", "record_type = @record_type")
	andSet(w, f.Action, "action", "action = @action")
	if !f.Since.IsZero() {
		w.and("at >= @since", pgx.NamedArgs{"since": f.Since})
	}
	if !f.Until.IsZero() {
		w.and("at < @until", pgx.NamedArgs{"until": f.Until})
	}
	if f.RecordID != "" {
		ids, err := s.auditRecordIDs(ctx, f.RecordType, f.RecordID)
		if err != nil {
			return nil, err
		}
		if len(ids) == 1 {
			w.and("record_id = @record_id", pgx.NamedArgs{"record_id": ids[0]})
		} else {
			w.and("record_id = ANY(@record_ids)", pgx.NamedArgs{"record_ids": ids})
		}
	}
	return w, nil
}

// auditRecordIDs returns the IDs the audit log may name a record by, given its ID or the
// reference people know it by.
func (s *Store) auditRecordIDs(ctx context.Context, kind, ref string) ([]string, error) {
	if _, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return []string{ref}, nil
	}
	var sql string
	switch kind {
	case "commitment":
		sql = `SELECT id::text FROM commitments WHERE ref = $1`
	case "organisation":
		sql = `SELECT id::text FROM organisations WHERE code = upper($1)`
	case "plan":
		sql = `SELECT id::text FROM plans WHERE slug = lower($1)`
	case "user":
		sql = `SELECT id::text FROM users WHERE lower(email) = lower($1)`
	default:
		return []string{ref}, nil
	}
	rows, _ := s.pool.Query(ctx, sql, ref)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, storeError("audit record "+kind, err, nil)
	}
	return append(ids, ref), nil
}

// AuditLog returns a page of the entries matching the filter, newest first, with the cursors of
// the pages either side and how many match (up to AuditCountLimit).
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) (AuditPage, error) {
	var page AuditPage
	w, err := s.auditWhere(ctx, f)
	if err != nil {
		return page, err
	}
	// In the order of the page, so that the count reads the index the page does, and stops.
	count := `SELECT count(*) FROM (SELECT 1 FROM audit_log` + w.sql() + ` ORDER BY at DESC, id DESC LIMIT @count_limit) m`
	w.args["count_limit"] = AuditCountLimit + 1
	if err := s.pool.QueryRow(ctx, count, w.args).Scan(&page.Matching); err != nil {
		return page, storeError("count audit log", err, nil)
	}
	page.Capped = page.Matching > AuditCountLimit
	page.Matching = min(page.Matching, AuditCountLimit)

	if f.Limit <= 0 {
		f.Limit = 50
	}
	limit := min(f.Limit, 1000)
	order := "at DESC, id DESC"
	switch {
	case f.After != nil:
		w.and("(at, id) > (@cursor_at, @cursor_id)", pgx.NamedArgs{"cursor_at": f.After.At, "cursor_id": f.After.ID})
		order = "at, id"
	case f.Before != nil:
		w.and("(at, id) < (@cursor_at, @cursor_id)", pgx.NamedArgs{"cursor_at": f.Before.At, "cursor_id": f.Before.ID})
	}
	w.args["limit"] = limit + 1
	rows, _ := s.pool.Query(ctx, `SELECT id, at, actor_id, coalesce(actor_email, ''), action, record_type,
		record_id, remote_addr, details FROM audit_log`+w.sql()+` ORDER BY `+order+` LIMIT @limit`, w.args)
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditRecord, error) {
		var e AuditRecord
		var details []byte
		err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorEmail, &e.Action, &e.RecordType, &e.RecordID,
			&e.RemoteAddr, &details)
		e.Details = details
		return e, err
	})
	if err != nil {
		return page, storeError("audit log", err, nil)
	}
	more := len(entries) > limit
	if more {
		entries = entries[:limit]
	}
	if f.After != nil {
		slices.Reverse(entries)
	}
	page.Entries = entries
	if len(entries) > 0 {
		first, last := entries[0], entries[len(entries)-1]
		if f.After != nil {
			page.Older = last.Cursor()
			if more {
				page.Newer = first.Cursor()
			}
		} else {
			if f.Before != nil {
				page.Newer = first.Cursor()
			}
			if more {
				page.Older = last.Cursor()
			}
		}
	}
	return page, nil
}

// EachAudit calls fn with every entry matching the filter (its cursors and limit aside), newest
// first, a page of pageSize at a time, each page in a query of its own, so that no statement runs
// for long however many there are. It stops at fn's first error and returns it.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, pageSize int, fn func([]AuditRecord) error) error {
	f.After, f.Before, f.Limit = nil, nil, pageSize
	for {
		page, err := s.AuditLog(ctx, f)
		if err != nil {
			return err
		}
		if len(page.Entries) > 0 {
			if err := fn(page.Entries); err != nil {
				return err
			}
		}
		if page.Older == nil {
			return nil
		}
		f.Before = page.Older
	}
}

// AuditRecordTypes returns the kinds of record the audit log names, for a filter's choices.
func (s *Store) AuditRecordTypes(ctx context.Context) ([]string, error) {
	return s.auditDistinct(ctx, "record_type", "audit record types")
}

// AuditActions returns the actions the audit log records, for a filter's choices.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	return s.auditDistinct(ctx, "action", "audit actions")
}

// auditDistinct returns the values of a column that leads an index of the audit log: a loose
// index scan, one step per value, however long the log.
func (s *Store) auditDistinct(ctx context.Context, column, op string) ([]string, error) {
	c := pgx.Identifier{column}.Sanitize()
	rows, _ := s.pool.Query(ctx, `WITH RECURSIVE t(v) AS (
			SELECT min(`+c+`) FROM audit_log
			UNION ALL
			SELECT (SELECT min(`+c+`) FROM audit_log WHERE `+c+` > t.v) FROM t WHERE t.v IS NOT NULL)
		SELECT v FROM t WHERE v IS NOT NULL AND v <> '' ORDER BY v`)
	values, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return values, storeError(op, err, nil)
}

// auditNameSQL gives, for each kind of record, the query of the names of those with the IDs $1
// (bigint): people by name, organisations by name, commitments by reference and what they deliver,
// plans by title.
var auditNameSQL = map[string]string{
	"user":         `SELECT id::text, name || ' (' || email || ')' FROM users WHERE id = ANY($1)`,
	"organisation": `SELECT id::text, name FROM organisations WHERE id = ANY($1)`,
	"plan":         `SELECT id::text, title FROM plans WHERE id = ANY($1)`,
	"priority":     `SELECT id::text, number || '. ' || name FROM priorities WHERE id = ANY($1)`,
	"round":        `SELECT id::text, name FROM reporting_rounds WHERE id = ANY($1)`,
	"commitment": `SELECT c.id::text, c.ref || ' ' || left(c.deliver, 80) || CASE WHEN length(c.deliver) > 80 THEN '…' ELSE '' END
		|| ' (' || p.period || ')' FROM commitments c JOIN plans p ON p.id = c.plan_id WHERE c.id = ANY($1)`,
	"update": `SELECT u.id::text, 'Update ' || u.id || ' on ' || c.ref || ' (' || p.period || ')'
		FROM updates u JOIN commitments c ON c.id = u.commitment_id JOIN plans p ON p.id = c.plan_id WHERE u.id = ANY($1)`,
}

// AuditNames returns the names of the records, as they are now, by kind and ID: the audit log
// keeps IDs, and is read with names. Records of other kinds, or that no longer exist, are left
// out.
func (s *Store) AuditNames(ctx context.Context, keys []tracker.RecordKey) (map[tracker.RecordKey]string, error) {
	byKind := map[string][]int64{}
	for _, k := range keys {
		id, err := strconv.ParseInt(k.ID, 10, 64)
		if _, ok := auditNameSQL[k.Kind]; ok && err == nil && !slices.Contains(byKind[k.Kind], id) {
			byKind[k.Kind] = append(byKind[k.Kind], id)
		}
	}
	names := map[tracker.RecordKey]string{}
	if len(byKind) == 0 {
		return names, nil
	}
	batch := &pgx.Batch{}
	kinds := make([]string, 0, len(byKind))
	for kind := range byKind {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		batch.Queue(auditNameSQL[kind], byKind[kind]).Query(func(rows pgx.Rows) error {
			var id, name string
			_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error {
				names[tracker.RecordKey{Kind: kind, ID: id}] = name
				return nil
			})
			return err
		})
	}
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, storeError(fmt.Sprintf("names of %d audited records", len(keys)), err, nil)
	}
	return names, nil
}
