package postgres

import (
	"context"
	"errors"
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
	if err != nil {
		return nil, fmt.Errorf("postgres: rounds: %w", err)
	}
	return rs, nil
}

// RoundByID returns a reporting round. It returns tracker.ErrNotFound if there is none.
func (s *Store) RoundByID(ctx context.Context, id int64) (tracker.Round, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+roundColumns+roundFrom+` WHERE r.id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, scanRound)
	if err != nil {
		return tracker.Round{}, notFound(err, fmt.Sprintf("round %d", id))
	}
	return r, nil
}

// OpenRound returns the round of a plan that is open on the UK day of now: opened and not closed.
// It returns tracker.ErrNotFound if there is none.
func (s *Store) OpenRound(ctx context.Context, planID int64, now time.Time) (tracker.Round, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+roundColumns+roundFrom+`
		WHERE r.plan_id = $1 AND r.closed_at IS NULL AND r.opens_on <= $2`, planID, tracker.Date(now))
	r, err := pgx.CollectExactlyOneRow(rows, scanRound)
	if err != nil {
		return tracker.Round{}, notFound(err, fmt.Sprintf("open round of plan %d", planID))
	}
	return r, nil
}

// UnclosedRounds returns every round, of plans that are not retired, that staff have not closed.
func (s *Store) UnclosedRounds(ctx context.Context) ([]tracker.Round, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+roundColumns+roundFrom+`
		WHERE r.closed_at IS NULL AND p.retired_at IS NULL ORDER BY r.id`)
	rs, err := pgx.CollectRows(rows, scanRound)
	if err != nil {
		return nil, fmt.Errorf("postgres: unclosed rounds: %w", err)
	}
	return rs, nil
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

// roundWriteError turns the errors of writing a round into ones fit for a form.
func roundWriteError(err error, r tracker.Round, op string) error {
	switch {
	case isUniqueViolation(err) && constraintName(err) == "reporting_rounds_one_open":
		return tracker.Invalid("plan", "The plan already has a round that is not closed: close it before opening another")
	case isUniqueViolation(err):
		return tracker.Invalid("name", "The plan already has a round called %s", r.Name)
	}
	var e *tracker.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// CreateRound opens a reporting round on a plan and audits it. It returns an EINVALID error about
// "plan" if the plan has a round that is not closed, and about "name" if one of its rounds has the
// name.
func (s *Store) CreateRound(ctx context.Context, actor tracker.Actor, r tracker.Round) (tracker.Round, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO reporting_rounds (plan_id, name, opens_on, deadline, remind_before, remind_after)
			SELECT id, @name, @opens, @deadline, @before, @after FROM plans WHERE id = @plan AND retired_at IS NULL
			RETURNING id, version, created_at`,
			pgx.NamedArgs{"plan": r.PlanID, "name": r.Name, "opens": r.Opens, "deadline": r.Deadline,
				"before": nonNilInts(r.RemindBefore), "after": nonNilInts(r.RemindAfter)}).Scan(&r.ID, &r.Version, &r.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return tracker.Invalid("plan", "Choose a plan")
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "round.create", RecordType: "round", RecordID: fmt.Sprint(r.ID),
			Details: map[string]any{"after": roundRecord(r)}})
	})
	if err != nil {
		return tracker.Round{}, roundWriteError(err, r, "create round")
	}
	return r, nil
}

// UpdateRound saves staff's changes to a round's name, deadline and reminders. r.Version must be
// the version they started from: if the round has changed since, it returns tracker.ErrConflict.
// A closed round cannot change (tracker.ErrConflict too). It returns the same EINVALID errors as
// CreateRound, and tracker.ErrNotFound if there is no such round.
func (s *Store) UpdateRound(ctx context.Context, actor tracker.Actor, r tracker.Round) (tracker.Round, error) {
	before, err := s.RoundByID(ctx, r.ID)
	if err != nil {
		return tracker.Round{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE reporting_rounds SET name = @name, deadline = @deadline, remind_before = @before,
				remind_after = @after, version = version + 1, updated_at = now()
			WHERE id = @id AND version = @version AND closed_at IS NULL
			RETURNING plan_id, opens_on, version`,
			pgx.NamedArgs{"id": r.ID, "version": r.Version, "name": r.Name, "deadline": r.Deadline,
				"before": nonNilInts(r.RemindBefore), "after": nonNilInts(r.RemindAfter)}).Scan(&r.PlanID, &r.Opens, &r.Version)
		if errors.Is(err, pgx.ErrNoRows) {
			return tracker.ErrConflict
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "round.update", RecordType: "round", RecordID: fmt.Sprint(r.ID),
			Details: map[string]any{"before": roundRecord(before), "after": roundRecord(r)}})
	})
	if err != nil {
		return tracker.Round{}, roundWriteError(err, r, fmt.Sprintf("update round %d", r.ID))
	}
	return r, nil
}

// CloseRound closes a round: no more reminders go out, and the plan may open another. It returns
// tracker.ErrConflict if the round is no longer at version or is closed already, and
// tracker.ErrNotFound if there is no such round.
func (s *Store) CloseRound(ctx context.Context, actor tracker.Actor, id int64, version int) error {
	before, err := s.RoundByID(ctx, id)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE reporting_rounds SET closed_at = now(), version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND closed_at IS NULL`, id, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return tracker.ErrConflict
		}
		after := before
		after.Version++
		now := s.now()
		after.ClosedAt = &now
		return audit(ctx, tx, actor, AuditEntry{Action: "round.close", RecordType: "round", RecordID: fmt.Sprint(id),
			Details: map[string]any{"before": roundRecord(before), "after": roundRecord(after)}})
	})
	if err != nil {
		return roundWriteError(err, before, fmt.Sprintf("close round %d", id))
	}
	return nil
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
		return nil, fmt.Errorf("postgres: reported in round %d: %w", r.ID, err)
	}
	return out, nil
}

// Coverage returns a round's coverage: each commitment of its plan that needs an update and
// whether it has had one in the round, and the same by lead organisation. It returns
// tracker.ErrNotFound if there is no such round.
func (s *Store) Coverage(ctx context.Context, roundID int64) (tracker.Coverage, error) {
	r, err := s.RoundByID(ctx, roundID)
	if err != nil {
		return tracker.Coverage{}, err
	}
	cs, err := s.Commitments(ctx, CommitmentFilter{PlanID: r.PlanID})
	if err != nil {
		return tracker.Coverage{}, err
	}
	reported, err := s.ReportedInRound(ctx, r)
	if err != nil {
		return tracker.Coverage{}, err
	}
	return tracker.CoverageOf(r, cs, reported), nil
}
