package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// querier is what both a pool and a transaction offer, so that an audit entry can be written in
// the same transaction as the change it records.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// RecordRef returns how the audit log names a record: its ID.
func RecordRef(id int64) string { return strconv.FormatInt(id, 10) }

// AuditEntry records one action: what was done to which record, and what changed.
type AuditEntry struct {
	Action     string
	RecordType string
	RecordID   string
	// Details holds what changed, such as {"before": ..., "after": ...}; it is stored as JSON.
	Details map[string]any
}

// audit appends an entry for the actor to the audit log through q, which should be the
// transaction making the change, at the time the change records.
func audit(ctx context.Context, q querier, actor tracker.Actor, at time.Time, e AuditEntry) error {
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	// Marshalled here rather than by pgx, so that the statement needs no type from the server:
	// through PgBouncer the portal sends queries without preparing them.
	js, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit %s %s %s: details: %w", e.Action, e.RecordType, e.RecordID, err)
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_email, action, record_type, record_id, remote_addr, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
		at, actor.UserID(), actor.Name(), e.Action, e.RecordType, e.RecordID, actor.RemoteAddr, string(js))
	if err != nil {
		return fmt.Errorf("audit %s %s %s: %w", e.Action, e.RecordType, e.RecordID, err)
	}
	return nil
}

// Audit appends an entry, at the time by the store's clock, for an action that changes nothing
// else in the database, such as a failed sign-in. It returns an EUNAVAILABLE error if the
// database cannot take it.
func (s *Store) Audit(ctx context.Context, actor tracker.Actor, e AuditEntry) error {
	return storeError("record", audit(ctx, s.pool, actor, s.now(), e), nil)
}
