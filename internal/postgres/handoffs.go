package postgres

// Emails at the hand-offs of reporting, queued in the transaction of the change they tell of: an
// update submitted (to the reviewers), returned (to its organisation's partners), published (to
// them too), and a partner's reply to a return note (to the reviewer who wrote it). Each goes at
// once through the outbox, or as a line of the person's daily summary, as they chose.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/notify"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// person is someone an email goes to.
type person struct {
	ID    int64
	Email string
	Name  string
}

func people(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]person, error) {
	rows, _ := tx.Query(ctx, sql, args...)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (person, error) {
		var p person
		return p, row.Scan(&p.ID, &p.Email, &p.Name)
	})
}

// reviewers are the active staff and administrators, but for the one who acted.
func reviewers(ctx context.Context, tx pgx.Tx, except *int64) ([]person, error) {
	return people(ctx, tx, `SELECT id, email, name FROM users
		WHERE role IN ('staff', 'admin') AND disabled_at IS NULL AND id IS DISTINCT FROM $1 ORDER BY id`, except)
}

// partnersOf are the active partners of the organisation, but for the one who acted.
func partnersOf(ctx context.Context, tx pgx.Tx, orgID *int64, except *int64) ([]person, error) {
	if orgID == nil {
		return nil, nil
	}
	return people(ctx, tx, `SELECT id, email, name FROM users
		WHERE role = 'partner' AND organisation_id = $1 AND disabled_at IS NULL AND id IS DISTINCT FROM $2 ORDER BY id`,
		*orgID, except)
}

// queueForUser queues an email of the kind to a person in tx: into the outbox at once, or as a
// line of their daily summary, as they chose for the kind. key makes it idempotent.
func queueForUser(ctx context.Context, tx pgx.Tx, at time.Time, p person, kind string, c notify.Content, key string) error {
	var freq string
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT frequency FROM email_preferences WHERE user_id = $1 AND kind = $2), 'immediate')`,
		p.ID, kind).Scan(&freq); err != nil {
		return err
	}
	if tracker.Frequency(freq) == tracker.FrequencyDaily {
		line := digestLine(c)
		_, err := tx.Exec(ctx, `INSERT INTO digest_items (user_id, kind, dedupe_key, subject, body, link, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING`,
			p.ID, kind, key, line.Subject, line.Body, line.Link, at)
		return err
	}
	id := p.ID
	_, err := enqueue(ctx, tx, at, tracker.Email{Kind: kind, Recipient: p.Email, Subject: c.Subject, Body: c.Text(),
		HTML: c.HTML(), UserID: &id}, key)
	return err
}

// digestLine is an email shortened to a line of a daily summary: its subject, its first sentence
// and its first link.
func digestLine(c notify.Content) notify.DigestItem {
	it := notify.DigestItem{Subject: c.Subject}
	for _, p := range c.Paras {
		if it.Body == "" && p.Text != "" {
			it.Body = p.Text
		}
		if it.Link == "" && p.Link != "" {
			it.Link = p.Link
		}
	}
	return it
}

// handoff gathers what a hand-off email says about an update, with its review note.
func (s *Store) handoff(ctx context.Context, tx pgx.Tx, updateID int64) (notify.Handoff, error) {
	rows, _ := tx.Query(ctx, `SELECT `+updateColumns+updateFrom+` WHERE u.id = $1`, updateID)
	u, err := pgx.CollectExactlyOneRow(rows, scanUpdate)
	if err != nil {
		return notify.Handoff{}, fmt.Errorf("update %d: %w", updateID, err)
	}
	rows, _ = tx.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = $1`, u.CommitmentID)
	c, err := pgx.CollectExactlyOneRow(rows, scanCommitment)
	if err != nil {
		return notify.Handoff{}, fmt.Errorf("commitment %d: %w", u.CommitmentID, err)
	}
	plan, err := plans.read(ctx, tx, c.PlanID)
	if isNotFound(err) {
		// A retired plan's commitment: its pages are gone, and links go to the portal's own.
		plan, err = tracker.Plan{ID: c.PlanID, IsCurrent: true}, nil
	}
	if err != nil {
		return notify.Handoff{}, err
	}
	return notify.Handoff{BaseURL: s.baseURL, Plan: plan, Commitment: c, Update: u, Note: u.ReviewNote}, nil
}

// handoffEmail is a kind of email at a hand-off of reporting: who it goes to (but the one who
// acted), the key that queues it once to a person, and what it says.
type handoffEmail struct {
	kind  string
	to    func(ctx context.Context, tx pgx.Tx, h notify.Handoff, except *int64) ([]person, error)
	key   func(h notify.Handoff, p person) string
	write func(notify.Handoff) notify.Content
}

var (
	// submittedEmail tells the reviewers that the update was submitted for review.
	submittedEmail = handoffEmail{kind: tracker.EmailKindSubmitted, write: notify.Submitted,
		to: func(ctx context.Context, tx pgx.Tx, _ notify.Handoff, except *int64) ([]person, error) {
			return reviewers(ctx, tx, except)
		},
		key: func(h notify.Handoff, p person) string {
			return fmt.Sprintf("submitted:update:%d:submission:%d:user:%d", h.Update.ID, h.Update.Submission, p.ID)
		}}
	// returnedEmail tells the partners of the update's organisation that it was returned, with
	// the note.
	returnedEmail = handoffEmail{kind: tracker.EmailKindReturned, write: notify.Returned, to: organisationPartners,
		key: func(h notify.Handoff, p person) string {
			return fmt.Sprintf("returned:update:%d:version:%d:user:%d", h.Update.ID, h.Update.Version, p.ID)
		}}
	// publishedEmail tells the partners of the update's organisation that it was published,
	// with the public link.
	publishedEmail = handoffEmail{kind: tracker.EmailKindPublished, write: notify.Published, to: organisationPartners,
		key: func(h notify.Handoff, p person) string {
			return fmt.Sprintf("published:update:%d:user:%d", h.Update.ID, p.ID)
		}}
)

// organisationPartners are the active partners of the update's organisation, but for the one
// who acted.
func organisationPartners(ctx context.Context, tx pgx.Tx, h notify.Handoff, except *int64) ([]person, error) {
	return partnersOf(ctx, tx, h.Update.OrganisationID, except)
}

// queueHandoff queues the email of the kind about the update to each person it goes to, in tx:
// the transaction of the change it tells of, at its time.
func (s *Store) queueHandoff(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, updateID int64, e handoffEmail) error {
	h, err := s.handoff(ctx, tx, updateID)
	if err != nil {
		return err
	}
	to, err := e.to(ctx, tx, h, actor.UserID())
	if err != nil {
		return err
	}
	return queueToEach(ctx, tx, at, h, to, e)
}

// queueToEach queues the email e writes to each person.
func queueToEach(ctx context.Context, tx pgx.Tx, at time.Time, h notify.Handoff, to []person, e handoffEmail) error {
	for _, p := range to {
		h.To = p.Name
		if err := queueForUser(ctx, tx, at, p, e.kind, e.write(h), e.key(h, p)); err != nil {
			return fmt.Errorf("queue %s email: %w", e.kind, err)
		}
	}
	return nil
}

// QueueReply tells the reviewer who returned the update that a partner (from, such as "Pat Kerr
// of NES") replied to the return note, in tx: the transaction that records the reply, at its
// time. replyID tells replies apart, so that each is told once. It queues nothing when the
// update has no reviewer or the reviewer's account is disabled.
func (s *Store) QueueReply(ctx context.Context, tx pgx.Tx, at time.Time, updateID, replyID int64, from, reply string) error {
	h, err := s.handoff(ctx, tx, updateID)
	if err != nil || h.Update.ReviewerID == nil {
		return err
	}
	h.From, h.Note = from, reply
	to, err := people(ctx, tx, `SELECT id, email, name FROM users WHERE id = $1 AND disabled_at IS NULL`, *h.Update.ReviewerID)
	if err != nil {
		return err
	}
	return queueToEach(ctx, tx, at, h, to, handoffEmail{kind: tracker.EmailKindReply, write: notify.Reply,
		key: func(h notify.Handoff, p person) string {
			return fmt.Sprintf("reply:update:%d:reply:%d:user:%d", h.Update.ID, replyID, p.ID)
		}})
}

// queueAnswer tells the partners of the update's organisation that staff answered (answer) in
// the conversation about its return note, in tx: the transaction that records the answer, at its
// time. answerID tells answers apart, so that each is told once.
func (s *Store) queueAnswer(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, updateID, answerID int64, answer string) error {
	return s.queueHandoff(ctx, tx, actor, at, updateID, handoffEmail{kind: tracker.EmailKindAnswer, to: organisationPartners,
		write: func(h notify.Handoff) notify.Content {
			h.Note = answer
			return notify.Answer(h)
		},
		key: func(h notify.Handoff, p person) string {
			return fmt.Sprintf("answer:update:%d:answer:%d:user:%d", h.Update.ID, answerID, p.ID)
		}})
}

// QueueResetLink makes a password reset link (or, to a user who has not set a password yet, a new
// invitation) for the active account with the address and queues the email carrying it, in one
// transaction, so that a restart cannot lose it. It returns false, and does nothing, when no
// active account has the address.
func (s *Store) QueueResetLink(ctx context.Context, actor tracker.Actor, email string, link func(token string) string) (bool, error) {
	queued := false
	err := s.tx(ctx, "queue password reset link", nil, func(tx pgx.Tx, at time.Time) error {
		var u person
		var hasPassword bool
		err := tx.QueryRow(ctx, `SELECT id, email, name, password_hash IS NOT NULL FROM users
			WHERE lower(email) = lower($1) AND disabled_at IS NULL`, tracker.NormaliseEmail(email)).
			Scan(&u.ID, &u.Email, &u.Name, &hasPassword)
		if noRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		purpose := tracker.TokenReset
		if !hasPassword {
			purpose = tracker.TokenInvite
		}
		token, err := createToken(ctx, tx, actor, at, purpose, &u.ID)
		if err != nil {
			return err
		}
		c := notify.ResetLink(u.Name, purpose, link(token))
		id := u.ID
		queued, err = enqueue(ctx, tx, at, tracker.Email{Kind: tracker.EmailKindReset, Recipient: u.Email, Subject: c.Subject,
			Body: c.Text(), HTML: c.HTML(), UserID: &id}, "")
		return err
	})
	return queued, err
}
