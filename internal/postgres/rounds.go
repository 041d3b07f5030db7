package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const roundColumns = `r.id, r.plan_id, p.slug, r.name, r.opens_on, r.deadline, r.remind_before, r.remind_after,
	r.closed_at, (SELECT min(n.opens_on) FROM reporting_rounds n
	              WHERE n.plan_id = r.plan_id AND (n.opens_on, n.id) > (r.opens_on, r.id)),
	r.version, r.created_at`

const roundFrom = ` FROM reporting_rounds r JOIN plans p ON p.id = r.plan_id`

func scanRound(row pgx.CollectableRow) (tracker.Round, error) {
	var r tracker.Round
	err := row.Scan(&r.ID, &r.PlanID, &r.PlanSlug, &r.Name, &r.Opens, &r.Deadline, &r.RemindBefore, &r.RemindAfter,
		&r.ClosedAt, &r.Ends, &r.Version, &r.CreatedAt)
	return r, err
}

// Rounds returns the reporting rounds of every plan that is not retired, newest first.
func (s *Store) Rounds(ctx context.Context) ([]tracker.Round, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+roundColumns+roundFrom+` WHERE p.retired_at IS NULL
		ORDER BY r.opens_on DESC, r.id DESC`)
	rs, err := pgx.CollectRows(rows, scanRound)
	return rs, storeError("rounds", err, nil)
}

// RoundByID returns a reporting round. It returns tracker.ErrNotFound if there is none.
func (s *Store) RoundByID(ctx context.Context, id int64) (tracker.Round, error) {
	return rounds.read(ctx, s.pool, id)
}

// OpenRound returns the round of a plan that is open on today's date in the UK by the store's
// clock: opened and not closed. It returns tracker.ErrNotFound if there is none.
func (s *Store) OpenRound(ctx context.Context, planID int64) (tracker.Round, error) {
	return one(ctx, s.pool, fmt.Sprintf("open round of plan %d", planID), scanRound,
		`SELECT `+roundColumns+roundFrom+`
		WHERE r.plan_id = $1 AND r.closed_at IS NULL AND r.opens_on <= $2`, planID, tracker.Date(s.now()))
}

// UnclosedRounds returns every round, of plans that are not retired, that staff have not closed.
func (s *Store) UnclosedRounds(ctx context.Context) ([]tracker.Round, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+roundColumns+roundFrom+`
		WHERE r.closed_at IS NULL AND p.retired_at IS NULL ORDER BY r.id`)
	rs, err := pgx.CollectRows(rows, scanRound)
	return rs, storeError("unclosed rounds", err, nil)
}

// roundRecord is what the audit log keeps of a round before and after a change.
func roundRecord(r tracker.Round) map[string]any {
	return map[string]any{"plan_id": r.PlanID, "name": r.Name, "opens_on": r.Opens.Format(time.DateOnly),
		"deadline": r.Deadline.Format(time.DateOnly), "remind_before": nonNilInts(r.RemindBefore),
		"remind_after": nonNilInts(r.RemindAfter), "closed": r.Closed(), "version": r.Version}
}

func nonNilInts(ns []int) []int {
	if ns == nil {
		return []int{}
	}
	return ns
}

// rounds is how a round is read and audited.
var rounds = record[tracker.Round]{table: roundsTable, kind: "round", audit: roundRecord,
	read: readByID("round", scanRound, `SELECT `+roundColumns+roundFrom+` WHERE r.id = $1`),
	id:   func(r tracker.Round) int64 { return r.ID }}

// roundViolations says what the violated constraints of writing r mean.
func roundViolations(r tracker.Round) violations {
	return violations{roundsOneOpen: tracker.ErrRoundNotClosed, roundsNameKey: tracker.ErrRoundNameTaken(r.Name)}
}

// CreateRound opens a reporting round on a plan and audits it. It returns tracker.ErrRoundPlan if
// the plan does not exist or is retired, tracker.ErrRoundNotClosed if it has a round that is not
// closed, and tracker.ErrRoundNameTaken if one of its rounds has the name.
func (s *Store) CreateRound(ctx context.Context, actor tracker.Actor, r tracker.Round) (tracker.Round, error) {
	on := roundViolations(r)
	on[noRow] = tracker.ErrRoundPlan
	return create(ctx, s, actor, rounds, "create round", on, nil, func(tx pgx.Tx, at time.Time) (tracker.Round, error) {
		err := tx.QueryRow(ctx, `
			INSERT INTO reporting_rounds (plan_id, name, opens_on, deadline, remind_before, remind_after, created_at, updated_at)
			SELECT id, @name, @opens, @deadline, @before, @after, @at, @at FROM plans WHERE id = @plan AND retired_at IS NULL
			RETURNING id, version, created_at`,
			roundArgs(r, pgx.NamedArgs{"plan": r.PlanID, "opens": r.Opens, "at": at})).Scan(&r.ID, &r.Version, &r.CreatedAt)
		return r, err
	})
}

// UpdateRound saves staff's changes to a round's name, deadline and reminders. r.Version must be
// the version they started from: if the round has changed since, it returns tracker.ErrConflict.
// A closed round cannot change (tracker.ErrConflict too). It returns tracker.ErrRoundNameTaken as
// CreateRound does, and tracker.ErrNotFound if there is no such round.
func (s *Store) UpdateRound(ctx context.Context, actor tracker.Actor, r tracker.Round) (tracker.Round, error) {
	return update(ctx, s, actor, rounds, &r, r.Version, roundViolations(r), `
		UPDATE reporting_rounds SET name = @name, deadline = @deadline, remind_before = @before,
			remind_after = @after, version = version + 1, updated_at = @at
		WHERE id = @id RETURNING plan_id, opens_on, version`, roundArgs(r, pgx.NamedArgs{}), &r.PlanID, &r.Opens, &r.Version)
}

// CloseRound closes a round: no more reminders go out, and the plan may open another. The round
// and its audit entry record the same time, by the store's clock. It returns tracker.ErrConflict
// if the round is no longer at version or is closed already, and tracker.ErrNotFound if there is
// no such round.
// The audit log keeps the reason given for it, unless it is empty.
func (s *Store) CloseRound(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	_, err := change(ctx, s, actor, rounds, edit{id: id, version: version, action: "close",
		op: fmt.Sprintf("close round %d", id), details: reasonDetails(reason)},
		func(tx pgx.Tx, at time.Time, before tracker.Round) (tracker.Round, error) {
			after := before
			err := tx.QueryRow(ctx, `UPDATE reporting_rounds SET closed_at = $2, version = version + 1, updated_at = $2
				WHERE id = $1 RETURNING closed_at, version`, id, at).Scan(&after.ClosedAt, &after.Version)
			return after, err
		})
	return err
}

// ReportedInRound returns, for each commitment of the round's plan reported on in the round, when
// it was first reported: the earliest time an update on it that is now submitted or published was
// submitted or published from the start of the round's first day until the plan's next round
// opened.
func (s *Store) ReportedInRound(ctx context.Context, r tracker.Round) (map[int64]time.Time, error) {
	var ends *time.Time
	if r.Ends != nil {
		e := tracker.DayStart(*r.Ends)
		ends = &e
	}
	rows, _ := s.pool.Query(ctx, `
		SELECT u.commitment_id, min(t.at)
		FROM updates u
		JOIN commitments c ON c.id = u.commitment_id
		CROSS JOIN LATERAL (VALUES (u.submitted_at), (u.published_at)) AS t (at)
		WHERE c.plan_id = $1 AND u.state IN ('submitted', 'published')
		  AND t.at >= $2 AND ($3::timestamptz IS NULL OR t.at < $3)
		GROUP BY u.commitment_id`, r.PlanID, tracker.DayStart(r.Opens), ends)
	out := map[int64]time.Time{}
	var id int64
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error { out[id] = at; return nil }); err != nil {
		return nil, storeError(fmt.Sprintf("reported in round %d", r.ID), err, nil)
	}
	return out, nil
}

// roundArgs adds the named arguments CreateRound and UpdateRound write a round with to args.
func roundArgs(r tracker.Round, args pgx.NamedArgs) pgx.NamedArgs {
	args["name"], args["deadline"] = r.Name, r.Deadline
	args["before"], args["after"] = nonNilInts(r.RemindBefore), nonNilInts(r.RemindAfter)
	return args
}
