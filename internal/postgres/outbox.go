package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const emailColumns = `e.id, e.kind, e.recipient, e.subject, e.body, e.status, e.attempts, coalesce(e.last_error, ''),
	e.round_id, coalesce(r.name, ''), coalesce(e.reminder, ''), e.user_id, e.not_before, e.sent_at, e.created_at, e.updated_at,
	e.html, e.list_unsubscribe, e.subscriber_id, coalesce(e.subscription_ids, '{}')`

const emailFrom = ` FROM outbox e LEFT JOIN reporting_rounds r ON r.id = e.round_id`

func scanEmail(row pgx.CollectableRow) (tracker.Email, error) {
	var e tracker.Email
	var status string
	err := row.Scan(&e.ID, &e.Kind, &e.Recipient, &e.Subject, &e.Body, &status, &e.Attempts, &e.LastError,
		&e.RoundID, &e.RoundName, &e.Reminder, &e.UserID, &e.NotBefore, &e.SentAt, &e.CreatedAt, &e.UpdatedAt,
		&e.HTML, &e.ListUnsubscribe, &e.SubscriberID, &e.SubscriptionIDs)
	e.Status = tracker.EmailStatus(status)
	return e, err
}

// Enqueue adds an email to the outbox, to be sent from e.NotBefore (now by the store's clock, if
// zero). A non-empty
// dedupeKey makes it idempotent: an email with the same key is queued once, however often and from
// however many instances Enqueue is called, and later calls report false. It returns an
// EUNAVAILABLE error if the database cannot take it.
func (s *Store) Enqueue(ctx context.Context, e tracker.Email, dedupeKey string) (bool, error) {
	added, err := enqueue(ctx, s.pool, s.now(), e, dedupeKey)
	if err != nil {
		return false, storeError(fmt.Sprintf("enqueue %s email", e.Kind), err, nil)
	}
	return added, nil
}

// enqueue adds an email to the outbox through q, which may be the transaction of the change the
// email tells of, so that the email is queued if and only if the change is made.
func enqueue(ctx context.Context, q querier, now time.Time, e tracker.Email, dedupeKey string) (bool, error) {
	var key *string
	if dedupeKey != "" {
		key = &dedupeKey
	}
	notBefore := e.NotBefore
	if notBefore.IsZero() {
		notBefore = now
	}
	var subs []int64
	if len(e.SubscriptionIDs) > 0 {
		subs = e.SubscriptionIDs
	}
	tag, err := q.Exec(ctx, `
		INSERT INTO outbox (kind, recipient, subject, body, html, list_unsubscribe, round_id, reminder, user_id,
			subscriber_id, subscription_ids, not_before, dedupe_key, created_at, updated_at)
		VALUES (@kind, @recipient, @subject, @body, @html, @unsub, @round, nullif(@reminder, ''), @user,
			@subscriber, @subs, @not_before, @key, @now, @now)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		pgx.NamedArgs{"kind": e.Kind, "recipient": e.Recipient, "subject": e.Subject, "body": e.Body,
			"html": e.HTML, "unsub": e.ListUnsubscribe, "round": e.RoundID, "reminder": e.Reminder, "user": e.UserID,
			"subscriber": e.SubscriberID, "subs": subs, "not_before": notBefore, "key": key, "now": now})
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Delivery is what became of an attempt to send an email.
type Delivery struct {
	Status tracker.EmailStatus
	// Error says why it was not sent, for staff to read.
	Error string
	// RetryAt is when to try again, for a pending email.
	RetryAt time.Time
}

// ClaimLease is how long a claimed email is left to the instance that claimed it before another
// may try it: longer than any attempt to hand it to the mail server takes.
const ClaimLease = 5 * time.Minute

// DeliverNext claims the oldest email that is due now by the store's clock, hands it to deliver
// and records what became of it. The claim is a transaction of its own (FOR UPDATE SKIP LOCKED,
// then the email is leased for ClaimLease and its attempt counted), committed before deliver is
// called, so that no connection or lock is held while the mail server is slow, and an email
// whose claim failed to commit was not sent. The result is recorded only by the attempt that
// claimed it. If recording fails, the email is tried again once the lease has passed: its
// Message-ID (see MessageID) stays the same, so the copy can be recognised. However many
// instances run, each email is handed to one of them at a time. It reports false when no email
// was due, and returns an EUNAVAILABLE error if the database cannot be reached.
func (s *Store) DeliverNext(ctx context.Context, deliver func(context.Context, tracker.Email) Delivery) (bool, error) {
	var e tracker.Email
	found := false
	err := s.tx(ctx, "claim next email", nil, func(tx pgx.Tx, now time.Time) error {
		rows, _ := tx.Query(ctx, `SELECT `+emailColumns+emailFrom+`
			WHERE e.status = 'pending' AND e.not_before <= $1
			ORDER BY e.not_before, e.id LIMIT 1 FOR UPDATE OF e SKIP LOCKED`, now)
		var err error
		e, err = pgx.CollectExactlyOneRow(rows, scanEmail)
		if noRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		_, err = tx.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, not_before = $2, updated_at = $3 WHERE id = $1`,
			e.ID, now.Add(ClaimLease), now)
		return err
	})
	if err != nil || !found {
		return false, err
	}
	d := deliver(ctx, e)
	if d.RetryAt.IsZero() {
		d.RetryAt = e.NotBefore
	}
	err = s.tx(ctx, fmt.Sprintf("record delivery of email %d", e.ID), nil, func(tx pgx.Tx, now time.Time) error {
		var sentAt *time.Time
		if d.Status == tracker.EmailSent {
			sentAt = &now
		}
		// attempts names the claim: a later claim, after the lease, has counted another.
		_, err := tx.Exec(ctx, `UPDATE outbox SET status = $2, last_error = nullif($3, ''),
			not_before = $4, sent_at = $5, updated_at = $6 WHERE id = $1 AND attempts = $7 AND status = 'pending'`,
			e.ID, string(d.Status), d.Error, d.RetryAt, sentAt, now, e.Attempts+1)
		return err
	})
	return true, err
}

// MessageID is the Message-ID of an email in the outbox, the same on every attempt to send it:
// its idempotency key, for a copy sent again after its delivery could not be recorded.
func MessageID(e tracker.Email, host string) string {
	return fmt.Sprintf("outbox-%d-%d@%s", e.ID, e.CreatedAt.UnixMicro(), host)
}

// OutboxFilter selects emails in the outbox. Zero fields select everything.
type OutboxFilter struct {
	Status  tracker.EmailStatus
	RoundID int64
	Limit   int
	Offset  int
}

// Outbox returns the emails that match f, newest first, and how many match in all.
func (s *Store) Outbox(ctx context.Context, f OutboxFilter) ([]tracker.Email, int, error) {
	w := whereAll(pgx.NamedArgs{"limit": f.Limit, "offset": f.Offset})
	andSet(w, string(f.Status), "status", `e.status = @status`)
	andSet(w, f.RoundID, "round", `e.round_id = @round`)
	if f.Limit <= 0 {
		w.args["limit"] = 50
	}
	where, args := w.sql(), w.args
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*)`+emailFrom+where, args).Scan(&total); err != nil {
		return nil, 0, storeError("count outbox", err, nil)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+emailColumns+emailFrom+where+`
		ORDER BY e.created_at DESC, e.id DESC LIMIT @limit OFFSET @offset`, args)
	es, err := pgx.CollectRows(rows, scanEmail)
	if err != nil {
		return nil, 0, storeError("outbox", err, nil)
	}
	return es, total, nil
}

// EmailByID returns an email in the outbox. It returns tracker.ErrNotFound if there is none.
func (s *Store) EmailByID(ctx context.Context, id int64) (tracker.Email, error) {
	return one(ctx, s.pool, fmt.Sprintf("email %d", id), scanEmail,
		`SELECT `+emailColumns+emailFrom+` WHERE e.id = $1`, id)
}
