package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// PriorityByID returns a priority area that is not retired. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) PriorityByID(ctx context.Context, id int64) (tracker.Priority, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+priorityColumns+` FROM priorities WHERE id = $1 AND retired_at IS NULL`, id)
	p, err := pgx.CollectExactlyOneRow(rows, scanPriority)
	if err != nil {
		return tracker.Priority{}, notFound(err, fmt.Sprintf("priority %d", id))
	}
	return p, nil
}

// priorityRecord is what the audit log keeps of a priority area before and after a change.
func priorityRecord(p tracker.Priority) map[string]any {
	return map[string]any{"plan_id": p.PlanID, "number": p.Number, "slug": p.Slug, "name": p.Name,
		"tagline": p.Tagline, "heading": p.Heading, "intro": p.Intro, "source_url": p.SourceURL, "version": p.Version}
}

// priorityWriteError turns the errors of writing a priority area into ones fit for a form.
func priorityWriteError(err error, p tracker.Priority, op string) error {
	if isUniqueViolation(err) {
		if constraintName(err) == "priorities_plan_id_slug_key" {
			return tracker.Invalid("slug", "The plan already has a priority area with the address %s", p.Slug)
		}
		return tracker.Invalid("number", "The plan already has a priority area %d", p.Number)
	}
	var e *tracker.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// CreatePriority adds a priority area to a plan and audits it. It returns an EINVALID error about
// "number" or "slug" if the plan already has a priority area (even a retired one) with either.
func (s *Store) CreatePriority(ctx context.Context, actor tracker.Actor, p tracker.Priority) (tracker.Priority, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO priorities (plan_id, number, slug, name, tagline, heading, intro, source_url)
			VALUES (@plan, @number, @slug, @name, @tagline, nullif(@heading, ''), nullif(@intro, ''), nullif(@source, ''))
			RETURNING id, version`,
			pgx.NamedArgs{"plan": p.PlanID, "number": p.Number, "slug": p.Slug, "name": p.Name, "tagline": p.Tagline,
				"heading": p.Heading, "intro": p.Intro, "source": p.SourceURL}).Scan(&p.ID, &p.Version)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "priority.create", RecordType: "priority", RecordID: fmt.Sprint(p.ID),
			Details: map[string]any{"after": priorityRecord(p)}})
	})
	if err != nil {
		return tracker.Priority{}, priorityWriteError(err, p, "create priority")
	}
	return p, nil
}

// UpdatePriority saves staff's changes to a priority area. p.Version must be the version they
// started from: if it has changed since, it returns tracker.ErrConflict and changes nothing. It
// returns the same EINVALID errors as CreatePriority, and tracker.ErrNotFound if there is no such
// priority area.
func (s *Store) UpdatePriority(ctx context.Context, actor tracker.Actor, p tracker.Priority) (tracker.Priority, error) {
	before, err := s.PriorityByID(ctx, p.ID)
	if err != nil {
		return tracker.Priority{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, "priorities", p.ID, p.Version); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			UPDATE priorities SET number = @number, slug = @slug, name = @name, tagline = @tagline,
				heading = nullif(@heading, ''), intro = nullif(@intro, ''), source_url = nullif(@source, ''),
				version = version + 1, updated_at = now()
			WHERE id = @id RETURNING plan_id, version`,
			pgx.NamedArgs{"id": p.ID, "number": p.Number, "slug": p.Slug, "name": p.Name, "tagline": p.Tagline,
				"heading": p.Heading, "intro": p.Intro, "source": p.SourceURL}).Scan(&p.PlanID, &p.Version)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "priority.update", RecordType: "priority", RecordID: fmt.Sprint(p.ID),
			Details: map[string]any{"before": priorityRecord(before), "after": priorityRecord(p)}})
	})
	if err != nil {
		return tracker.Priority{}, priorityWriteError(err, p, fmt.Sprintf("update priority %d", p.ID))
	}
	return p, nil
}

// RetirePriority takes a priority area out of its plan. It returns an EINVALID error if commitments
// that are not retired are still in it, tracker.ErrConflict if it is no longer at version, and
// tracker.ErrNotFound if there is no such priority area.
func (s *Store) RetirePriority(ctx context.Context, actor tracker.Actor, id int64, version int) error {
	before, err := s.PriorityByID(ctx, id)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, "priorities", id, version); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE priority_id = $1 AND retired_at IS NULL`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return tracker.Invalid("priority", "The priority area still has %d commitments: move or retire them first", n)
		}
		if _, err := tx.Exec(ctx, `UPDATE priorities SET retired_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, AuditEntry{Action: "priority.retire", RecordType: "priority", RecordID: fmt.Sprint(id),
			Details: map[string]any{"before": priorityRecord(before)}})
	})
	if err != nil {
		return priorityWriteError(err, before, fmt.Sprintf("retire priority %d", id))
	}
	return nil
}
