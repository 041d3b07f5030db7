package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const planColumns = `id, slug, title, period, strategy, published_on, source_url, licence, attribution,
	is_current, previous_id, version`

func scanPlan(row pgx.CollectableRow) (tracker.Plan, error) {
	var p tracker.Plan
	var published *time.Time
	err := row.Scan(&p.ID, &p.Slug, &p.Title, &p.Period, &p.Strategy, &published, &p.SourceURL,
		&p.Licence, &p.Attribution, &p.IsCurrent, &p.PreviousID, &p.Version)
	p.PublishedOn = published
	return p, err
}

// CurrentPlan returns the plan the portal shows by default. It returns tracker.ErrNotFound if no
// plan is current.
func (s *Store) CurrentPlan(ctx context.Context) (tracker.Plan, error) {
	return one(ctx, s.pool, "current plan", scanPlan, `SELECT `+planColumns+` FROM plans WHERE is_current`)
}

// PlanBySlug returns the plan with the slug. It returns tracker.ErrNotFound if there is none.
func (s *Store) PlanBySlug(ctx context.Context, slug string) (tracker.Plan, error) {
	return one(ctx, s.pool, fmt.Sprintf("plan %q", slug), scanPlan,
		`SELECT `+planColumns+` FROM plans WHERE slug = $1 AND retired_at IS NULL`, slug)
}

// Plans returns every plan that is not retired, newest period first.
func (s *Store) Plans(ctx context.Context) ([]tracker.Plan, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+planColumns+` FROM plans WHERE retired_at IS NULL ORDER BY period DESC`)
	plans, err := pgx.CollectRows(rows, scanPlan)
	return plans, storeError("plans", err, nil)
}

// Aims returns the aims of a plan in order.
func (s *Store) Aims(ctx context.Context, planID int64) ([]tracker.Aim, error) {
	rows, _ := s.pool.Query(ctx, `SELECT number, text FROM aims WHERE plan_id = $1 ORDER BY number`, planID)
	aims, err := pgx.CollectRows(rows, pgx.RowToStructByPos[tracker.Aim])
	return aims, storeError(fmt.Sprintf("aims of plan %d", planID), err, nil)
}

const priorityColumns = `id, plan_id, number, slug, name, tagline, coalesce(heading, ''), coalesce(intro, ''),
	coalesce(source_url, ''), version`

func scanPriority(row pgx.CollectableRow) (tracker.Priority, error) {
	var p tracker.Priority
	err := row.Scan(&p.ID, &p.PlanID, &p.Number, &p.Slug, &p.Name, &p.Tagline, &p.Heading, &p.Intro,
		&p.SourceURL, &p.Version)
	return p, err
}

// Priorities returns the priority areas of a plan in order.
func (s *Store) Priorities(ctx context.Context, planID int64) ([]tracker.Priority, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+priorityColumns+` FROM priorities
		WHERE plan_id = $1 AND retired_at IS NULL ORDER BY number`, planID)
	ps, err := pgx.CollectRows(rows, scanPriority)
	return ps, storeError(fmt.Sprintf("priorities of plan %d", planID), err, nil)
}

// PriorityBySlug returns a priority area of a plan. It returns tracker.ErrNotFound if the plan has
// none with that slug.
func (s *Store) PriorityBySlug(ctx context.Context, planID int64, slug string) (tracker.Priority, error) {
	return one(ctx, s.pool, fmt.Sprintf("priority %q", slug), scanPriority,
		`SELECT `+priorityColumns+` FROM priorities
		WHERE plan_id = $1 AND slug = $2 AND retired_at IS NULL`, planID, slug)
}

// StatusCounts returns, for each priority area of a plan, how many commitments it has, how many
// have each current status and how many are overdue by the store's clock. Priority areas without
// commitments are present with zero counts; the plan-wide total is under priority number 0.
func (s *Store) StatusCounts(ctx context.Context, planID int64) (map[int]tracker.StatusCounts, error) {
	// One row for each priority area and status; the plan's totals are added up here, which
	// costs the database less than a second grouping.
	rows, _ := s.pool.Query(ctx, `
		SELECT p.number, coalesce(c.status, ''), count(c.priority_id),
		       count(c.priority_id) FILTER (WHERE `+overdueWhere+`)
		FROM priorities p
		LEFT JOIN commitments c ON c.priority_id = p.id AND c.plan_id = @plan AND c.retired_at IS NULL
		WHERE p.plan_id = @plan AND p.retired_at IS NULL
		GROUP BY p.number, c.status`, pgx.NamedArgs{"plan": planID, "month": currentMonth(s.now()), "closed": closedStatuses()})
	out := map[int]tracker.StatusCounts{0: {ByStatus: map[tracker.Status]int{}, OverdueByStatus: map[tracker.Status]int{}}}
	var number, n, overdue int
	var status string
	add := func(number int) {
		sc := out[number]
		if sc.ByStatus == nil {
			sc.ByStatus = map[tracker.Status]int{}
		}
		if sc.OverdueByStatus == nil {
			sc.OverdueByStatus = map[tracker.Status]int{}
		}
		if n > 0 {
			sc.ByStatus[tracker.Status(status)] += n
		}
		if overdue > 0 {
			sc.OverdueByStatus[tracker.Status(status)] += overdue
		}
		sc.Total += n
		sc.Overdue += overdue
		out[number] = sc
	}
	_, err := pgx.ForEachRow(rows, []any{&number, &status, &n, &overdue}, func() error {
		add(number)
		add(0)
		return nil
	})
	if err != nil {
		return nil, storeError(fmt.Sprintf("status counts of plan %d", planID), err, nil)
	}
	return out, nil
}

// PlanByID returns a plan that is not retired. It returns tracker.ErrNotFound if there is none.
func (s *Store) PlanByID(ctx context.Context, id int64) (tracker.Plan, error) {
	return plans.read(ctx, s.pool, id)
}

// planRecord is what the audit log keeps of a plan before and after a change.
func planRecord(p tracker.Plan) map[string]any {
	var published any
	if p.PublishedOn != nil {
		published = p.PublishedOn.Format(time.DateOnly)
	}
	return map[string]any{"slug": p.Slug, "title": p.Title, "period": p.Period, "strategy": p.Strategy,
		"published_on": published, "source_url": p.SourceURL, "licence": p.Licence, "attribution": p.Attribution,
		"is_current": p.IsCurrent, "previous_id": p.PreviousID, "version": p.Version}
}

// plans is how a plan is read and audited.
var plans = record[tracker.Plan]{table: plansTable, kind: "plan", audit: planRecord,
	read: readByID("plan", scanPlan, `SELECT `+planColumns+` FROM plans WHERE id = $1 AND retired_at IS NULL`),
	id:   func(p tracker.Plan) int64 { return p.ID }}

// planViolations says what the violated constraints of writing p mean.
func planViolations(p tracker.Plan) violations {
	return violations{plansSlugKey: tracker.ErrPlanSlugTaken(p.Slug), plansOneCurrent: tracker.ErrConflict}
}

// NewPlan is a plan staff create, with where it comes from.
type NewPlan struct {
	Plan tracker.Plan
	// PreviousID is the plan it follows (zero for none): its commitments may be carried forward.
	PreviousID int64
	// CopyPriorities copies the previous plan's priority areas and aims into the new plan.
	CopyPriorities bool
}

// CreatePlan adds a plan, not current, copying the previous plan's priority areas and aims when
// asked, and audits it. It returns tracker.ErrPlanSlugTaken if a plan (even a retired one) has the
// slug, and tracker.ErrNotFound if the previous plan does not exist.
func (s *Store) CreatePlan(ctx context.Context, actor tracker.Actor, n NewPlan) (tracker.Plan, error) {
	details := map[string]any{}
	return create(ctx, s, actor, plans, "create plan", planViolations(n.Plan), details, func(tx pgx.Tx, at time.Time) (tracker.Plan, error) {
		p := n.Plan
		var previous *int64
		if n.PreviousID != 0 {
			if err := tx.QueryRow(ctx, `SELECT id FROM plans WHERE id = $1 AND retired_at IS NULL`, n.PreviousID).Scan(&previous); err != nil {
				return p, err
			}
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO plans (slug, title, period, strategy, published_on, source_url, licence, attribution, previous_id,
				created_at, updated_at)
			VALUES (@slug, @title, @period, @strategy, @published, @source, @licence, @attribution, @previous, @at, @at)
			RETURNING id, is_current, version`,
			planArgs(p, pgx.NamedArgs{"previous": previous, "at": at})).Scan(&p.ID, &p.IsCurrent, &p.Version)
		if err != nil {
			return p, err
		}
		p.PreviousID = previous
		copied := 0
		if n.CopyPriorities && previous != nil {
			tag, err := tx.Exec(ctx, `
				INSERT INTO priorities (plan_id, number, slug, name, tagline, heading, intro, source_url, created_at, updated_at)
				SELECT $1, number, slug, name, tagline, heading, intro, source_url, $3, $3 FROM priorities
				WHERE plan_id = $2 AND retired_at IS NULL ORDER BY number`, p.ID, *previous, at)
			if err != nil {
				return p, fmt.Errorf("copy priority areas: %w", err)
			}
			copied = int(tag.RowsAffected())
			if _, err := tx.Exec(ctx, `INSERT INTO aims (plan_id, number, text) SELECT $1, number, text FROM aims
				WHERE plan_id = $2 ORDER BY number`, p.ID, *previous); err != nil {
				return p, fmt.Errorf("copy aims: %w", err)
			}
		}
		details["priorities_copied"] = copied
		return p, nil
	})
}

// UpdatePlan saves staff's changes to a plan's slug, title, period, strategy, publication date,
// source, licence and attribution. p.Version must be the version they started from: if the plan
// has changed since, it returns tracker.ErrConflict and changes nothing. It returns
// tracker.ErrPlanSlugTaken as CreatePlan does, and tracker.ErrNotFound if there is no such plan.
func (s *Store) UpdatePlan(ctx context.Context, actor tracker.Actor, p tracker.Plan) (tracker.Plan, error) {
	return update(ctx, s, actor, plans, &p, p.Version, planViolations(p), `
		UPDATE plans SET slug = @slug, title = @title, period = @period, strategy = @strategy,
			published_on = @published, source_url = @source, licence = @licence, attribution = @attribution,
			version = version + 1, updated_at = @at
		WHERE id = @id RETURNING is_current, previous_id, version`, planArgs(p, pgx.NamedArgs{}), &p.IsCurrent, &p.PreviousID, &p.Version)
}

// RetirePlan takes a plan that is not current out of the portal, keeping everything in it. It
// returns tracker.ErrRetireCurrentPlan if the plan is the current one, tracker.ErrConflict if it is
// no longer at version, and tracker.ErrNotFound if there is no such plan.
// The audit log keeps the reason given for it, unless it is empty.
func (s *Store) RetirePlan(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	_, err := change(ctx, s, actor, plans, edit{id: id, version: version, action: "retire",
		op: fmt.Sprintf("retire plan %d", id), removes: true, details: reasonDetails(reason)},
		func(tx pgx.Tx, at time.Time, before tracker.Plan) (tracker.Plan, error) {
			var current bool
			if err := tx.QueryRow(ctx, `SELECT is_current FROM plans WHERE id = $1`, id).Scan(&current); err != nil {
				return before, err
			}
			if current {
				return before, tracker.ErrRetireCurrentPlan
			}
			_, err := tx.Exec(ctx, `UPDATE plans SET retired_at = $2, version = version + 1, updated_at = $2 WHERE id = $1`, id, at)
			return before, err
		})
	return err
}

// planArgs adds the named arguments CreatePlan and UpdatePlan write a plan with to args.
func planArgs(p tracker.Plan, args pgx.NamedArgs) pgx.NamedArgs {
	args["slug"], args["title"], args["period"], args["strategy"] = p.Slug, p.Title, p.Period, p.Strategy
	args["published"], args["source"], args["licence"], args["attribution"] = p.PublishedOn, p.SourceURL, p.Licence, p.Attribution
	return args
}
