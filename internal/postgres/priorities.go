package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// PriorityByID returns a priority area that is not retired. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) PriorityByID(ctx context.Context, id int64) (tracker.Priority, error) {
	return priorities.read(ctx, s.pool, id)
}

// priorityRecord is what the audit log keeps of a priority area before and after a change.
func priorityRecord(p tracker.Priority) map[string]any {
	return map[string]any{"plan_id": p.PlanID, "number": p.Number, "slug": p.Slug, "name": p.Name,
		"tagline": p.Tagline, "heading": p.Heading, "intro": p.Intro, "source_url": p.SourceURL, "version": p.Version}
}

// priorities is how a priority area is read and audited.
var priorities = record[tracker.Priority]{table: prioritiesTable, kind: "priority",
	read:  readByID("priority", scanPriority, `SELECT `+priorityColumns+` FROM priorities WHERE id = $1 AND retired_at IS NULL`),
	audit: priorityRecord, id: func(p tracker.Priority) int64 { return p.ID }}

// priorityViolations says what the violated constraints of writing p mean.
func priorityViolations(p tracker.Priority) violations {
	return violations{prioritiesSlugKey: tracker.ErrPrioritySlugTaken(p.Slug),
		prioritiesNumberKey: tracker.ErrPriorityNumberTaken(p.Number)}
}

// CreatePriority adds a priority area to a plan and audits it. It returns
// tracker.ErrPriorityNumberTaken or tracker.ErrPrioritySlugTaken if the plan already has a
// priority area (even a retired one) with the number or slug.
func (s *Store) CreatePriority(ctx context.Context, actor tracker.Actor, p tracker.Priority) (tracker.Priority, error) {
	return create(ctx, s, actor, priorities, "create priority", priorityViolations(p), nil, func(tx pgx.Tx, at time.Time) (tracker.Priority, error) {
		err := tx.QueryRow(ctx, `
			INSERT INTO priorities (plan_id, number, slug, name, tagline, heading, intro, source_url, created_at, updated_at)
			VALUES (@plan, @number, @slug, @name, @tagline, nullif(@heading, ''), nullif(@intro, ''), nullif(@source, ''), @at, @at)
			RETURNING id, version`,
			priorityArgs(p, pgx.NamedArgs{"plan": p.PlanID, "at": at})).Scan(&p.ID, &p.Version)
		return p, err
	})
}

// UpdatePriority saves staff's changes to a priority area. p.Version must be the version they
// started from: if it has changed since, it returns tracker.ErrConflict and changes nothing. It
// returns the errors of CreatePriority for a number or slug taken, and tracker.ErrNotFound if
// there is no such priority area.
func (s *Store) UpdatePriority(ctx context.Context, actor tracker.Actor, p tracker.Priority) (tracker.Priority, error) {
	return update(ctx, s, actor, priorities, &p, p.Version, priorityViolations(p), `
		UPDATE priorities SET number = @number, slug = @slug, name = @name, tagline = @tagline,
			heading = nullif(@heading, ''), intro = nullif(@intro, ''), source_url = nullif(@source, ''),
			version = version + 1, updated_at = @at
		WHERE id = @id RETURNING plan_id, version`, priorityArgs(p, pgx.NamedArgs{}), &p.PlanID, &p.Version)
}

// RetirePriority takes a priority area out of its plan. It returns tracker.ErrPriorityInUse if
// commitments that are not retired are still in it, tracker.ErrConflict if it is no longer at
// version, and tracker.ErrNotFound if there is no such priority area.
// The audit log keeps the reason given for it, unless it is empty.
func (s *Store) RetirePriority(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	_, err := change(ctx, s, actor, priorities, edit{id: id, version: version, action: "retire",
		op: fmt.Sprintf("retire priority %d", id), removes: true, details: reasonDetails(reason)},
		func(tx pgx.Tx, at time.Time, before tracker.Priority) (tracker.Priority, error) {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM commitments WHERE priority_id = $1 AND retired_at IS NULL`, id).Scan(&n); err != nil {
				return before, err
			}
			if n > 0 {
				return before, tracker.ErrPriorityInUse(n)
			}
			_, err := tx.Exec(ctx, `UPDATE priorities SET retired_at = $2, version = version + 1, updated_at = $2 WHERE id = $1`, id, at)
			return before, err
		})
	return err
}

// priorityArgs adds the named arguments CreatePriority and UpdatePriority write a priority area
// with to args.
func priorityArgs(p tracker.Priority, args pgx.NamedArgs) pgx.NamedArgs {
	args["number"], args["slug"], args["name"], args["tagline"] = p.Number, p.Slug, p.Name, p.Tagline
	args["heading"], args["intro"], args["source"] = p.Heading, p.Intro, p.SourceURL
	return args
}
