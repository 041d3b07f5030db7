package postgres

// Turning published changes into alert emails, and sending daily summaries. A change is recorded
// (alert_events) in the transaction that publishes it, so that only what is published is ever
// told of, and each is later turned, in one transaction of its own, into an email to each
// address whose confirmed alerts it touches, or a line of their daily summary, and marked done:
// each is told once, and a failure leaves it to be tried again.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/notify"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// recordAlertEvent records a published change for the alerts, in the transaction that makes it.
func recordAlertEvent(ctx context.Context, tx pgx.Tx, at time.Time, kind string, commitmentID int64, updateID *int64, details map[string]any) error {
	doc, err := json.Marshal(details)
	if err != nil {
		return err
	}
	// As text, cast in SQL: through a transaction pooler, parameters carry no types.
	_, err = tx.Exec(ctx, `INSERT INTO alert_events (kind, commitment_id, update_id, details, created_at)
		VALUES ($1, $2, $3, $4::text::jsonb, $5)`, kind, commitmentID, updateID, string(doc), at)
	return err
}

// matched is an address whose confirmed alerts a change touches.
type matched struct {
	subscriberID int64
	email        string
	immediate    []int64
	daily        []int64
	about        []string
}

// ProcessAlertEvent turns the oldest published change not yet told of into alert emails and
// digest lines, and marks it done, in one transaction. It reports false when there was none.
func (s *Store) ProcessAlertEvent(ctx context.Context) (bool, error) {
	found := false
	err := s.tx(ctx, "process alert event", nil, func(tx pgx.Tx, at time.Time) error {
		var id, commitmentID int64
		var kind string
		var updateID *int64
		var details map[string]string
		var created time.Time
		err := tx.QueryRow(ctx, `SELECT id, kind, commitment_id, update_id, details, created_at FROM alert_events
			WHERE done_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).Scan(&id, &kind, &commitmentID, &updateID, &details, &created)
		if noRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		ch, err := s.change(ctx, tx, commitmentID, updateID, details)
		if err != nil {
			return err
		}
		if ch != nil {
			if err := s.tellSubscribers(ctx, tx, at, id, created, *ch); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE alert_events SET done_at = $2 WHERE id = $1`, id, at)
		return err
	})
	return found, err
}

// change reads what an alert event tells of: the commitment and, for an update, the update as
// published. It returns nil when there is nothing public to tell: the commitment or its plan has
// been retired, or the update is not published.
func (s *Store) change(ctx context.Context, tx pgx.Tx, commitmentID int64, updateID *int64, details map[string]string) (*notify.Change, error) {
	rows, _ := tx.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = $1 AND c.retired_at IS NULL`, commitmentID)
	c, err := pgx.CollectExactlyOneRow(rows, scanCommitment)
	if noRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	plan, err := plans.read(ctx, tx, c.PlanID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := loadLeads(ctx, tx, []tracker.Commitment{c}, false); err != nil {
		return nil, err
	}
	ch := &notify.Change{BaseURL: s.baseURL, Plan: plan, Commitment: c,
		StatusBefore: details["status_before"], ExpectedBefore: details["expected_before"], ExpectedAfter: details["expected_after"]}
	if updateID != nil {
		rows, _ := tx.Query(ctx, `SELECT `+updateColumns+updateFrom+` WHERE u.id = $1 AND u.state = 'published'`, *updateID)
		u, err := pgx.CollectExactlyOneRow(rows, scanUpdate)
		if noRows(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		ch.Update = &u
	}
	return ch, nil
}

// tellSubscribers queues the change for every address with an alert it touches that was
// confirmed before it was published: one email to an address however many of its alerts it
// touches, or one line of its daily summary.
func (s *Store) tellSubscribers(ctx context.Context, tx pgx.Tx, at time.Time, eventID int64, created time.Time, ch notify.Change) error {
	rows, _ := tx.Query(ctx, `SELECT s.id, s.subscriber_id, a.email, s.scope, s.scope_id, s.frequency
		FROM alert_subscriptions s JOIN alert_subscribers a ON a.id = s.subscriber_id
		WHERE s.confirmed_at IS NOT NULL AND s.confirmed_at <= $1 AND (
			(s.scope = 'plan' AND s.scope_id = $2) OR (s.scope = 'priority' AND s.scope_id = $3)
			OR (s.scope = 'commitment' AND s.scope_id = $4)
			OR (s.scope = 'organisation' AND s.scope_id IN (SELECT clo.organisation_id FROM commitment_leads l
				JOIN commitment_lead_organisations clo ON clo.lead_id = l.id WHERE l.commitment_id = $4)))
		ORDER BY s.subscriber_id, s.id`, created, ch.Plan.ID, ch.Commitment.PriorityID, ch.Commitment.ID)
	type row struct {
		id, subscriber, scopeID int64
		email, scope, freq      string
	}
	var all []row
	var r row
	if _, err := pgx.ForEachRow(rows, []any{&r.id, &r.subscriber, &r.email, &r.scope, &r.scopeID, &r.freq}, func() error {
		all = append(all, r)
		return nil
	}); err != nil {
		return err
	}
	var ms []*matched
	for _, r := range all {
		if len(ms) == 0 || ms[len(ms)-1].subscriberID != r.subscriber {
			ms = append(ms, &matched{subscriberID: r.subscriber, email: r.email})
		}
		m := ms[len(ms)-1]
		if tracker.Frequency(r.freq) == tracker.FrequencyDaily {
			m.daily = append(m.daily, r.id)
		} else {
			m.immediate = append(m.immediate, r.id)
			t, err := alertTarget(ctx, tx, tracker.AlertScope(r.scope), r.scopeID)
			if err != nil && !isNotFound(err) {
				return err
			}
			m.about = append(m.about, t.Title)
		}
	}
	for _, m := range ms {
		key := fmt.Sprintf("alert:event:%d:subscriber:%d", eventID, m.subscriberID)
		if len(m.immediate) > 0 {
			links, err := s.alertLinks(ctx, tx, at, m.subscriberID, m.immediate)
			if err != nil {
				return err
			}
			c := notify.Alert(ch, m.about, links)
			id := m.subscriberID
			if _, err := enqueue(ctx, tx, at, tracker.Email{Kind: tracker.EmailKindAlert, Recipient: m.email, Subject: c.Subject,
				Body: c.Text(), HTML: c.HTML(), ListUnsubscribe: links.Unsubscribe, SubscriberID: &id,
				SubscriptionIDs: m.immediate}, key); err != nil {
				return err
			}
			continue
		}
		line := notify.AlertLine(ch)
		if _, err := tx.Exec(ctx, `INSERT INTO digest_items (subscriber_id, subscription_ids, kind, dedupe_key, subject, body, link, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
			m.subscriberID, m.daily, tracker.EmailKindAlert, key, line.Subject, line.Body, line.Link, at); err != nil {
			return err
		}
	}
	return nil
}

// alertLinks makes the unsubscribe link for the subscriptions and the manage link of the address.
func (s *Store) alertLinks(ctx context.Context, tx pgx.Tx, at time.Time, subscriberID int64, subs []int64) (notify.Links, error) {
	unsub, err := newAlertToken(ctx, tx, at, subscriberID, alertUnsubscribe, subs, tracker.AlertLinkTTL)
	if err != nil {
		return notify.Links{}, err
	}
	manage, err := newAlertToken(ctx, tx, at, subscriberID, alertManage, nil, tracker.AlertLinkTTL)
	if err != nil {
		return notify.Links{}, err
	}
	return notify.Links{Unsubscribe: notify.UnsubscribeLink(s.baseURL, unsub), Manage: notify.ManageLink(s.baseURL, manage)}, nil
}

// SendDigests queues the daily summary of each person, and each alert address, with lines
// waiting from before the start of the current UK day: one email each, with a key per person
// and day, and the lines it holds deleted with it. It returns how many it queued.
func (s *Store) SendDigests(ctx context.Context) (int, error) {
	dayStart := tracker.DayStart(tracker.InUK(s.now()))
	rows, _ := s.pool.Query(ctx, `SELECT DISTINCT user_id, subscriber_id FROM digest_items WHERE created_at < $1`, dayStart)
	type who struct{ user, subscriber *int64 }
	ws, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (who, error) {
		var w who
		return w, row.Scan(&w.user, &w.subscriber)
	})
	if err != nil {
		return 0, storeError("digests due", err, nil)
	}
	n := 0
	for _, w := range ws {
		sent := false
		err := s.tx(ctx, "send digest", nil, func(tx pgx.Tx, at time.Time) error {
			var err error
			sent, err = s.sendDigest(ctx, tx, at, dayStart, w.user, w.subscriber)
			return err
		})
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

func (s *Store) sendDigest(ctx context.Context, tx pgx.Tx, at, dayStart time.Time, userID, subscriberID *int64) (bool, error) {
	rows, _ := tx.Query(ctx, `SELECT id, subject, body, link, coalesce(subscription_ids, '{}') FROM digest_items
		WHERE user_id IS NOT DISTINCT FROM $1 AND subscriber_id IS NOT DISTINCT FROM $2 AND created_at < $3
		ORDER BY created_at, id FOR UPDATE SKIP LOCKED`, userID, subscriberID, dayStart)
	var ids, subs []int64
	var items []notify.DigestItem
	var id int64
	var it notify.DigestItem
	var itemSubs []int64
	if _, err := pgx.ForEachRow(rows, []any{&id, &it.Subject, &it.Body, &it.Link, &itemSubs}, func() error {
		ids, items = append(ids, id), append(items, it)
		subs = append(subs, itemSubs...)
		return nil
	}); err != nil || len(items) == 0 {
		return false, err
	}
	day := tracker.InUK(dayStart).Format(time.DateOnly)
	var e tracker.Email
	var key string
	if userID != nil {
		var p person
		err := tx.QueryRow(ctx, `SELECT id, email, name FROM users WHERE id = $1 AND disabled_at IS NULL`, *userID).Scan(&p.ID, &p.Email, &p.Name)
		if noRows(err) {
			_, err = tx.Exec(ctx, `DELETE FROM digest_items WHERE id = ANY($1)`, ids)
			return false, err
		}
		if err != nil {
			return false, err
		}
		c := notify.Digest(s.baseURL, p.Name, items)
		e = tracker.Email{Kind: tracker.EmailKindDigest, Recipient: p.Email, Subject: c.Subject, Body: c.Text(), HTML: c.HTML(), UserID: userID}
		key = fmt.Sprintf("digest:user:%d:%s", *userID, day)
	} else {
		var email string
		if err := tx.QueryRow(ctx, `SELECT email FROM alert_subscribers WHERE id = $1`, *subscriberID).Scan(&email); err != nil {
			return false, err
		}
		subs = uniq(subs)
		links, err := s.alertLinks(ctx, tx, at, *subscriberID, subs)
		if err != nil {
			return false, err
		}
		c := notify.AlertDigest(items, links)
		e = tracker.Email{Kind: tracker.EmailKindAlertDigest, Recipient: email, Subject: c.Subject, Body: c.Text(), HTML: c.HTML(),
			ListUnsubscribe: links.Unsubscribe, SubscriberID: subscriberID, SubscriptionIDs: subs}
		key = fmt.Sprintf("digest:subscriber:%d:%s", *subscriberID, day)
	}
	added, err := enqueue(ctx, tx, at, e, key)
	if err != nil || !added {
		// A summary for the day has gone already: these lines wait for the next.
		return false, err
	}
	_, err = tx.Exec(ctx, `DELETE FROM digest_items WHERE id = ANY($1)`, ids)
	return true, err
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
