package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditChain is what VerifyAuditChain found: how many rows of the audit log it checked, the
// newest, and the first place where the chain does not hold, if any.
type AuditChain struct {
	// Rows is the number of rows checked.
	Rows int64
	// LastID and LastAt are the newest row's in the chain; zero when the log is empty.
	LastID int64
	LastAt time.Time
	// Head is the hash of the newest row, which stands for the whole log: noted somewhere else,
	// it shows later whether rows were removed from the end, which the chain alone cannot.
	Head []byte
	// Break is the first break in the chain, or nil when the log is intact.
	Break *AuditBreak
}

// AuditBreak is a place where the audit log's hash chain does not hold: the row at which it
// breaks and what is wrong with it.
type AuditBreak struct {
	ID      int64
	At      time.Time
	Problem string
}

// VerifyAuditChain walks the audit log's hash chain (migration 00071) in order and returns the
// first row at which it breaks: a row whose contents no longer give its hash (changed), one whose
// place or link does not follow the row before it (a row before it removed), one not in the
// chain at all (added with the triggers disabled), or a chain that ends before its recorded head
// (rows at the end removed). It recomputes every hash here, from the rows' values, rather than
// trusting anything the database could be made to compute. It reads one snapshot, without the
// statement timeout, since a long log takes a while. It returns an error only when the database
// cannot answer.
func (s *Store) VerifyAuditChain(ctx context.Context) (AuditChain, error) {
	var c AuditChain
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		var headPosition int64
		var headHash []byte
		if err := tx.QueryRow(ctx, `SELECT position, hash FROM audit_chain_head`).Scan(&headPosition, &headHash); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT id, at, actor_id, actor_email, action, record_type, record_id, remote_addr, details::text,
			       chain_position, prev_hash, row_hash
			FROM audit_log ORDER BY chain_position NULLS LAST, id`)
		if err != nil {
			return err
		}
		var r auditChainRow
		var position int64
		prev := []byte{}
		_, err = pgx.ForEachRow(rows, []any{&r.id, &r.at, &r.actorID, &r.actorEmail, &r.action, &r.recordType,
			&r.recordID, &r.remoteAddr, &r.details, &r.position, &r.prevHash, &r.rowHash}, func() error {
			c.Rows++
			if c.Break != nil {
				return nil
			}
			if problem := r.check(position+1, prev); problem != "" {
				c.Break = &AuditBreak{ID: r.id, At: r.at, Problem: problem}
				return nil
			}
			position, prev = *r.position, r.rowHash
			c.LastID, c.LastAt, c.Head = r.id, r.at, r.rowHash
			return nil
		})
		if err != nil {
			return err
		}
		if c.Break == nil && (headPosition != position || !bytes.Equal(headHash, prev)) {
			c.Break = &AuditBreak{ID: c.LastID, At: c.LastAt, Problem: fmt.Sprintf(
				"the chain ends here, at place %d, but its head records place %d: the newest rows were removed",
				position, headPosition)}
		}
		return nil
	})
	if err != nil {
		return AuditChain{}, fmt.Errorf("postgres: verify audit chain: %w", err)
	}
	return c, nil
}

// auditChainRow is a row of the audit log as VerifyAuditChain reads it.
type auditChainRow struct {
	id                                       int64
	at                                       time.Time
	actorID                                  *int64
	actorEmail                               *string
	action, recordType, recordID, remoteAddr string
	details                                  string
	position                                 *int64
	prevHash, rowHash                        []byte
}

// check returns what is wrong with the row as the next in the chain, at the place want after a
// row whose hash is prev, or "" if nothing is.
func (r *auditChainRow) check(want int64, prev []byte) string {
	switch {
	case r.position == nil || r.rowHash == nil:
		return "the row is not in the chain: it was added with the audit log's triggers disabled"
	case *r.position > want:
		return fmt.Sprintf("the row is at place %d in the chain, the row before it at %d: rows between them were removed",
			*r.position, want-1)
	case *r.position < want:
		return fmt.Sprintf("the row claims place %d in the chain, which another row holds", *r.position)
	case !bytes.Equal(r.prevHash, prev):
		return "the row does not follow the row before it in the chain: a row before it was removed or changed"
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(r.content())
	if !bytes.Equal(h.Sum(nil), r.rowHash) {
		return "the row's contents no longer give its hash: it was changed after it was written"
	}
	return ""
}

// content is what the row's hash covers, byte for byte as the database's audit_log_content
// (migration 00071) makes it: each column as text, as its length in bytes, a colon and the text,
// or '-' for NULL.
func (r *auditChainRow) content() []byte {
	var b []byte
	field := func(s *string) {
		if s == nil {
			b = append(b, '-')
			return
		}
		b = strconv.AppendInt(b, int64(len(*s)), 10)
		b = append(b, ':')
		b = append(b, *s...)
	}
	text := func(s string) *string { return &s }
	field(text(strconv.FormatInt(r.id, 10)))
	field(text(strconv.FormatInt(r.at.UnixMicro(), 10)))
	if r.actorID != nil {
		field(text(strconv.FormatInt(*r.actorID, 10)))
	} else {
		field(nil)
	}
	field(r.actorEmail)
	field(&r.action)
	field(&r.recordType)
	field(&r.recordID)
	field(&r.remoteAddr)
	field(&r.details)
	return b
}
