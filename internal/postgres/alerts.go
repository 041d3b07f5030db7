package postgres

// Public email alerts: addresses that follow the plan, a priority area, a commitment or an
// organisation, confirmed by a link before anything is sent, and the links that end or manage
// them. Only the SHA-256 of each link's token is kept.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/notify"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Purposes of the links in alert emails.
const (
	alertConfirm     = "confirm"
	alertUnsubscribe = "unsubscribe"
	alertManage      = "manage"
)

// AlertTarget returns what an alert of the scope and ID would follow. It returns
// tracker.ErrNotFound if there is no such plan, priority area, commitment or organisation, or it
// is retired.
func (s *Store) AlertTarget(ctx context.Context, scope tracker.AlertScope, id int64) (notify.Target, error) {
	t, err := alertTarget(ctx, s.pool, scope, id)
	return t, storeError(fmt.Sprintf("alert target %s %d", scope, id), err, nil)
}

func alertTarget(ctx context.Context, q querier, scope tracker.AlertScope, id int64) (notify.Target, error) {
	t := notify.Target{Scope: scope, ID: id}
	switch scope {
	case tracker.ScopeOrganisation:
		var code string
		err := q.QueryRow(ctx, `SELECT code, name FROM organisations WHERE id = $1 AND retired_at IS NULL`, id).Scan(&code, &t.Title)
		t.Path = paths.Organisation(code)
		return t, err
	case tracker.ScopePlan, tracker.ScopePriority, tracker.ScopeCommitment:
	default:
		return t, tracker.ErrNotFound
	}
	planID := id
	var slug, ref, name string
	var number int
	switch scope {
	case tracker.ScopePriority:
		if err := q.QueryRow(ctx, `SELECT plan_id, slug, number, name FROM priorities WHERE id = $1 AND retired_at IS NULL`, id).
			Scan(&planID, &slug, &number, &name); err != nil {
			return t, err
		}
	case tracker.ScopeCommitment:
		if err := q.QueryRow(ctx, `SELECT plan_id, ref, deliver FROM commitments WHERE id = $1 AND retired_at IS NULL`, id).
			Scan(&planID, &ref, &name); err != nil {
			return t, err
		}
	}
	plan, err := plans.read(ctx, q, planID)
	if err != nil {
		return t, err
	}
	switch scope {
	case tracker.ScopePlan:
		t.Title, t.Path = plan.Title, paths.Overview(plan)
	case tracker.ScopePriority:
		t.Title, t.Path = fmt.Sprintf("Priority area %d: %s", number, name), paths.Priority(plan, slug)
	case tracker.ScopeCommitment:
		t.Title, t.Path = fmt.Sprintf("Commitment %s: %s", ref, name), paths.Commitment(plan, ref)
	}
	return t, nil
}

// newAlertToken records a link of the purpose for the address's subscriptions, valid for ttl,
// and returns its token.
func newAlertToken(ctx context.Context, tx pgx.Tx, at time.Time, subscriberID int64, purpose string, subs []int64, ttl time.Duration) (string, error) {
	token, hash := newToken()
	if subs == nil {
		subs = []int64{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO alert_tokens (token_hash, subscriber_id, purpose, subscription_ids, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, hash, subscriberID, purpose, subs, at, at.Add(ttl))
	return token, err
}

// Subscribe asks for an alert of the scope and ID to be sent to the address as often as it says,
// and queues the email that asks its owner to confirm it. Nothing else is sent to the address for it until then. An alert already confirmed is
// left as it is and nothing is queued, so that nobody can change or learn of another's alerts:
// the caller gives the same answer either way. It returns tracker.ErrNotFound if there is
// nothing of the scope and ID to follow.
func (s *Store) Subscribe(ctx context.Context, target notify.Target, f tracker.SubscribeForm) error {
	return s.tx(ctx, "subscribe to alerts", nil, func(tx pgx.Tx, at time.Time) error {
		if _, err := alertTarget(ctx, tx, target.Scope, target.ID); err != nil {
			return err
		}
		var subscriberID int64
		if err := tx.QueryRow(ctx, `INSERT INTO alert_subscribers (email, created_at) VALUES ($1, $2)
			ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`, f.Email, at).Scan(&subscriberID); err != nil {
			return err
		}
		var subID int64
		var confirmed *time.Time
		err := tx.QueryRow(ctx, `SELECT id, confirmed_at FROM alert_subscriptions
			WHERE subscriber_id = $1 AND scope = $2 AND scope_id = $3 FOR UPDATE`, subscriberID, string(target.Scope), target.ID).
			Scan(&subID, &confirmed)
		switch {
		case noRows(err):
			err = tx.QueryRow(ctx, `INSERT INTO alert_subscriptions (subscriber_id, scope, scope_id, frequency, created_at)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, subscriberID, string(target.Scope), target.ID, string(f.Frequency), at).Scan(&subID)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case confirmed != nil:
			return nil
		default:
			if _, err := tx.Exec(ctx, `UPDATE alert_subscriptions SET frequency = $2, created_at = $3 WHERE id = $1`,
				subID, string(f.Frequency), at); err != nil {
				return err
			}
		}
		token, err := newAlertToken(ctx, tx, at, subscriberID, alertConfirm, []int64{subID}, tracker.AlertUnconfirmedTTL)
		if err != nil {
			return err
		}
		c := notify.Confirm(target.Title, f.Frequency, notify.ConfirmLink(s.baseURL, token))
		_, err = enqueue(ctx, tx, at, tracker.Email{Kind: tracker.EmailKindAlertConfirm, Recipient: f.Email, Subject: c.Subject,
			Body: c.Text(), HTML: c.HTML(), SubscriberID: &subscriberID, SubscriptionIDs: []int64{subID}}, "")
		return err
	})
}

// AlertLink is what a link in an alert email opens: the address and the subscriptions it acts on
// (for a manage link, every subscription of the address).
type AlertLink struct {
	Purpose       string
	SubscriberID  int64
	Email         string
	Subscriptions []tracker.Subscription
}

// alertLink finds the link with the token, of one of the purposes, that has not expired, and
// locks its address when tx is a transaction. It returns tracker.ErrNotFound if there is none.
func (s *Store) alertLink(ctx context.Context, q querier, token string, at time.Time, purposes ...string) (AlertLink, error) {
	var l AlertLink
	var subs []int64
	err := q.QueryRow(ctx, `SELECT t.purpose, t.subscriber_id, a.email, t.subscription_ids
		FROM alert_tokens t JOIN alert_subscribers a ON a.id = t.subscriber_id
		WHERE t.token_hash = $1 AND t.purpose = ANY($2) AND t.expires_at > $3`, hashToken(token), purposes, at).
		Scan(&l.Purpose, &l.SubscriberID, &l.Email, &subs)
	if noRows(err) {
		return l, tracker.ErrNotFound
	}
	if err != nil {
		return l, err
	}
	all := l.Purpose == alertManage
	rows, _ := q.Query(ctx, `SELECT s.id, s.scope, s.scope_id, s.frequency, s.created_at, s.confirmed_at
		FROM alert_subscriptions s WHERE s.subscriber_id = $1 AND ($3 OR s.id = ANY($2)) ORDER BY s.id`, l.SubscriberID, subs, all)
	l.Subscriptions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (tracker.Subscription, error) {
		var sub tracker.Subscription
		var scope, freq string
		err := row.Scan(&sub.ID, &scope, &sub.ScopeID, &freq, &sub.CreatedAt, &sub.ConfirmedAt)
		sub.Scope, sub.Frequency, sub.SubscriberID, sub.Email = tracker.AlertScope(scope), tracker.Frequency(freq), l.SubscriberID, l.Email
		return sub, err
	})
	if err != nil {
		return l, err
	}
	for i, sub := range l.Subscriptions {
		t, err := alertTarget(ctx, q, sub.Scope, sub.ScopeID)
		switch {
		case isNotFound(err):
			l.Subscriptions[i].Title = "Something no longer in the portal"
		case err != nil:
			return l, err
		default:
			l.Subscriptions[i].Title, l.Subscriptions[i].Link = t.Title, t.Path
		}
	}
	return l, nil
}

// AlertLink returns what the link with the token acts on, for the page it opens, if it is of one
// of the purposes ("confirm", "unsubscribe", "manage") and has not expired. It returns
// tracker.ErrNotFound otherwise.
func (s *Store) AlertLink(ctx context.Context, token string, purposes ...string) (AlertLink, error) {
	l, err := s.alertLink(ctx, s.pool, token, s.now(), purposes...)
	return l, storeError("alert link", err, nil)
}

// ConfirmAlert confirms the subscriptions of a confirm link: from now on changes are sent to
// them. The link then no longer works. It returns tracker.ErrNotFound if there is no such link or
// it has expired.
func (s *Store) ConfirmAlert(ctx context.Context, token string) (AlertLink, error) {
	var l AlertLink
	err := s.tx(ctx, "confirm alert", nil, func(tx pgx.Tx, at time.Time) error {
		var err error
		if l, err = s.alertLink(ctx, tx, token, at, alertConfirm); err != nil {
			return err
		}
		ids := subscriptionIDs(l.Subscriptions)
		if _, err := tx.Exec(ctx, `UPDATE alert_subscriptions SET confirmed_at = $2 WHERE id = ANY($1) AND confirmed_at IS NULL`, ids, at); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM alert_tokens WHERE token_hash = $1`, hashToken(token))
		return err
	})
	return l, err
}

func isNotFound(err error) bool {
	return noRows(err) || tracker.ErrorCode(err) == tracker.ENOTFOUND
}

func subscriptionIDs(subs []tracker.Subscription) []int64 {
	ids := make([]int64, len(subs))
	for i, s := range subs {
		ids[i] = s.ID
	}
	return ids
}

// Unsubscribe ends subscriptions through a link: an unsubscribe link ends those it was made for;
// a manage link ends the one with the ID (or, with ID 0, every one of the address). Emails
// waiting to be sent about them go too, and the address itself, with everything kept about it,
// when it follows nothing more. It returns tracker.ErrNotFound if there is no such link or it has
// expired.
func (s *Store) Unsubscribe(ctx context.Context, token string, subscriptionID int64) error {
	return s.tx(ctx, "unsubscribe", nil, func(tx pgx.Tx, at time.Time) error {
		l, err := s.alertLink(ctx, tx, token, at, alertUnsubscribe, alertManage)
		if err != nil {
			return err
		}
		ids := subscriptionIDs(l.Subscriptions)
		if l.Purpose == alertManage && subscriptionID != 0 {
			ids = []int64{subscriptionID}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM alert_subscriptions WHERE subscriber_id = $1 AND id = ANY($2)`, l.SubscriberID, ids); err != nil {
			return err
		}
		return tidySubscriber(ctx, tx, l.SubscriberID)
	})
}

// tidySubscriber deletes the address when it follows nothing more, with its emails in the
// outbox, and otherwise the emails waiting to be sent about subscriptions that have ended.
func tidySubscriber(ctx context.Context, tx pgx.Tx, subscriberID int64) error {
	tag, err := tx.Exec(ctx, `DELETE FROM alert_subscribers a WHERE id = $1
		AND NOT EXISTS (SELECT 1 FROM alert_subscriptions s WHERE s.subscriber_id = a.id)`, subscriberID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 1 {
		_, err = tx.Exec(ctx, `DELETE FROM outbox WHERE subscriber_id = $1`, subscriberID)
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM outbox e WHERE e.subscriber_id = $1 AND e.status = 'pending'
		AND NOT EXISTS (SELECT 1 FROM alert_subscriptions s WHERE s.id = ANY(e.subscription_ids))`, subscriberID)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM digest_items d WHERE d.subscriber_id = $1
		AND NOT EXISTS (SELECT 1 FROM alert_subscriptions s WHERE s.id = ANY(d.subscription_ids))`, subscriberID)
	return err
}

// SetAlertFrequency changes how often one subscription of a manage link's address is sent. It
// returns tracker.ErrNotFound if there is no such link, it has expired, or the address has no
// such subscription.
func (s *Store) SetAlertFrequency(ctx context.Context, token string, subscriptionID int64, f tracker.Frequency) error {
	return s.tx(ctx, "set alert frequency", nil, func(tx pgx.Tx, at time.Time) error {
		l, err := s.alertLink(ctx, tx, token, at, alertManage)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE alert_subscriptions SET frequency = $3 WHERE id = $1 AND subscriber_id = $2`,
			subscriptionID, l.SubscriberID, string(f))
		if err == nil && tag.RowsAffected() == 0 {
			return tracker.ErrNotFound
		}
		return err
	})
}

// DeleteStaleAlerts deletes subscriptions left unconfirmed for tracker.AlertUnconfirmedTTL, the
// addresses left following nothing, and expired links. It returns how many addresses went.
func (s *Store) DeleteStaleAlerts(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, "delete stale alerts", nil, func(tx pgx.Tx, at time.Time) error {
		rows, _ := tx.Query(ctx, `DELETE FROM alert_subscriptions WHERE confirmed_at IS NULL AND created_at < $1
			RETURNING subscriber_id`, at.Add(-tracker.AlertUnconfirmedTTL))
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			before, err := subscriberExists(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := tidySubscriber(ctx, tx, id); err != nil {
				return err
			}
			if after, err := subscriberExists(ctx, tx, id); err != nil {
				return err
			} else if before && !after {
				n++
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM alert_tokens WHERE expires_at < $1`, at)
		return err
	})
	return n, err
}

func subscriberExists(ctx context.Context, tx pgx.Tx, id int64) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM alert_subscribers WHERE id = $1)`, id).Scan(&ok)
	return ok, err
}
