package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const planColumns = `id, slug, title, period, strategy, published_on, source_url, licence, attribution,
	is_current, version`

func scanPlan(row pgx.CollectableRow) (tracker.Plan, error) {
	var p tracker.Plan
	var published *time.Time
	err := row.Scan(&p.ID, &p.Slug, &p.Title, &p.Period, &p.Strategy, &published, &p.SourceURL,
		&p.Licence, &p.Attribution, &p.IsCurrent, &p.Version)
	p.PublishedOn = published
	return p, err
}

// CurrentPlan returns the plan the portal shows by default. It returns tracker.ErrNotFound if no
// plan is current.
func (s *Store) CurrentPlan(ctx context.Context) (tracker.Plan, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+planColumns+` FROM plans WHERE is_current`)
	p, err := pgx.CollectExactlyOneRow(rows, scanPlan)
	if err != nil {
		return tracker.Plan{}, notFound(err, "current plan")
	}
	return p, nil
}

// PlanBySlug returns the plan with the slug. It returns tracker.ErrNotFound if there is none.
func (s *Store) PlanBySlug(ctx context.Context, slug string) (tracker.Plan, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+planColumns+` FROM plans WHERE slug = $1 AND retired_at IS NULL`, slug)
	p, err := pgx.CollectExactlyOneRow(rows, scanPlan)
	if err != nil {
		return tracker.Plan{}, notFound(err, fmt.Sprintf("plan %q", slug))
	}
	return p, nil
}

// Plans returns every plan that is not retired, newest period first.
func (s *Store) Plans(ctx context.Context) ([]tracker.Plan, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+planColumns+` FROM plans WHERE retired_at IS NULL ORDER BY period DESC`)
	plans, err := pgx.CollectRows(rows, scanPlan)
	if err != nil {
		return nil, fmt.Errorf("postgres: plans: %w", err)
	}
	return plans, nil
}

// Aims returns the aims of a plan in order.
func (s *Store) Aims(ctx context.Context, planID int64) ([]tracker.Aim, error) {
	rows, _ := s.pool.Query(ctx, `SELECT number, text FROM aims WHERE plan_id = $1 ORDER BY number`, planID)
	aims, err := pgx.CollectRows(rows, pgx.RowToStructByPos[tracker.Aim])
	if err != nil {
		return nil, fmt.Errorf("postgres: aims of plan %d: %w", planID, err)
	}
	return aims, nil
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
	if err != nil {
		return nil, fmt.Errorf("postgres: priorities of plan %d: %w", planID, err)
	}
	return ps, nil
}

// PriorityBySlug returns a priority area of a plan. It returns tracker.ErrNotFound if the plan has
// none with that slug.
func (s *Store) PriorityBySlug(ctx context.Context, planID int64, slug string) (tracker.Priority, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+priorityColumns+` FROM priorities
		WHERE plan_id = $1 AND slug = $2 AND retired_at IS NULL`, planID, slug)
	p, err := pgx.CollectExactlyOneRow(rows, scanPriority)
	if err != nil {
		return tracker.Priority{}, notFound(err, fmt.Sprintf("priority %q", slug))
	}
	return p, nil
}

// StatusCounts returns, for each priority area of a plan, how many commitments it has, how many
// have each current status and how many are overdue at now. Priority areas without commitments
// are present with zero counts; the plan-wide total is under priority number 0.
func (s *Store) StatusCounts(ctx context.Context, planID int64, now time.Time) (map[int]tracker.StatusCounts, error) {
	// One row for each priority area and status; the plan's totals are added up here, which
	// costs the database less than a second grouping.
	rows, _ := s.pool.Query(ctx, `
		SELECT p.number, coalesce(c.status, ''), count(c.priority_id),
		       count(c.priority_id) FILTER (WHERE coalesce(c.status, '') NOT IN ('delivered', 'withdrawn', 'carried_forward')
		                           AND coalesce(c.expected_month, c.due_month) < $2)
		FROM priorities p
		LEFT JOIN commitments c ON c.priority_id = p.id AND c.plan_id = $1 AND c.retired_at IS NULL
		WHERE p.plan_id = $1 AND p.retired_at IS NULL
		GROUP BY p.number, c.status`, planID, currentMonth(now))
	out := map[int]tracker.StatusCounts{0: {ByStatus: map[tracker.Status]int{}}}
	var number, n, overdue int
	var status string
	add := func(number int) {
		sc := out[number]
		if sc.ByStatus == nil {
			sc.ByStatus = map[tracker.Status]int{}
		}
		if n > 0 {
			sc.ByStatus[tracker.Status(status)] += n
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
		return nil, fmt.Errorf("postgres: status counts of plan %d: %w", planID, err)
	}
	return out, nil
}
