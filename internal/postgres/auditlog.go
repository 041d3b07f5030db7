package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
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

// AuditFilter narrows the audit log. Empty fields match everything.
type AuditFilter struct {
	// Actor matches the acting user's email address, or the label of a non-user actor, without
	// regard to case.
	Actor string
	// ActorID matches the acting user's ID.
	ActorID    int64
	RecordType string
	RecordID   string
	// Limit is the page size (default 50, at most 200); Offset skips entries.
	Limit  int
	Offset int
}

// AuditLog returns the entries matching the filter, newest first, and how many match in all.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditRecord, int, error) {
	w := whereAll(nil)
	andSet(w, f.Actor, "actor", "lower(actor_email) = lower(@actor)")
	andSet(w, f.ActorID, "actor_id", "actor_id = @actor_id")
	andSet(w, f.RecordType, "record_type", "record_type = @record_type")
	andSet(w, f.RecordID, "record_id", "record_id = @record_id")
	cond, args := w.sql(), w.args
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`+cond, args).Scan(&total); err != nil {
		return nil, 0, storeError("count audit log", err, nil)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args["limit"], args["offset"] = min(f.Limit, 200), max(f.Offset, 0)
	rows, _ := s.pool.Query(ctx, `SELECT id, at, actor_id, coalesce(actor_email, ''), action, record_type,
		record_id, remote_addr, details FROM audit_log`+cond+` ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset`, args)
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditRecord, error) {
		var e AuditRecord
		var details []byte
		err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorEmail, &e.Action, &e.RecordType, &e.RecordID,
			&e.RemoteAddr, &details)
		e.Details = details
		return e, err
	})
	if err != nil {
		return nil, 0, storeError("audit log", err, nil)
	}
	return entries, total, nil
}

// AuditRecordTypes returns the kinds of record the audit log names, for a filter's choices.
func (s *Store) AuditRecordTypes(ctx context.Context) ([]string, error) {
	// A loose index scan over audit_log_record: one step per kind, however long the log.
	rows, _ := s.pool.Query(ctx, `WITH RECURSIVE t(v) AS (
			SELECT min(record_type) FROM audit_log
			UNION ALL
			SELECT (SELECT min(record_type) FROM audit_log WHERE record_type > t.v) FROM t WHERE t.v IS NOT NULL)
		SELECT v FROM t WHERE v IS NOT NULL AND v <> '' ORDER BY v`)
	types, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return types, storeError("audit record types", err, nil)
}
