package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Bringing retired records back: an organisation or a plan retired by mistake, or needed again.

// RetiredPlans returns the plans that are retired, the most recently retired first.
func (s *Store) RetiredPlans(ctx context.Context) ([]tracker.Plan, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+planColumns+` FROM plans WHERE retired_at IS NOT NULL
		ORDER BY retired_at DESC, id DESC`)
	ps, err := pgx.CollectRows(rows, scanPlan)
	return ps, storeError("retired plans", err, nil)
}

// RetiredPlanBySlug returns the retired plan with the slug. It returns tracker.ErrNotFound if
// there is no such plan or it is not retired.
func (s *Store) RetiredPlanBySlug(ctx context.Context, slug string) (tracker.Plan, error) {
	return one(ctx, s.pool, fmt.Sprintf("retired plan %q", slug), scanPlan,
		`SELECT `+planColumns+` FROM plans WHERE slug = $1 AND retired_at IS NOT NULL`, slug)
}

// RestoreOrganisation brings a retired organisation back into use: public pages show it again
// and it can be named as a lead. It returns tracker.ErrConflict if the organisation is no longer
// at version or is not retired, and tracker.ErrNotFound if there is no such organisation. The
// audit log keeps the reason given, unless it is empty.
func (s *Store) RestoreOrganisation(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	return s.restore(ctx, actor, organisationsTable.name, organisations.kind, id, version, reason)
}

// RestorePlan brings a retired plan back into the portal, not as the current plan. It returns
// tracker.ErrConflict if the plan is no longer at version or is not retired, and
// tracker.ErrNotFound if there is no such plan. The audit log keeps the reason given, unless it
// is empty.
func (s *Store) RestorePlan(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	return s.restore(ctx, actor, plansTable.name, plans.kind, id, version, reason)
}

// restore clears retired_at of the row id of the table, locked at version, and audits it as
// kind + ".restore".
func (s *Store) restore(ctx context.Context, actor tracker.Actor, tableName, kind string, id int64, version int, reason string) error {
	t := pgx.Identifier{tableName}.Sanitize()
	return s.tx(ctx, fmt.Sprintf("restore %s %d", kind, id), nil, func(tx pgx.Tx, at time.Time) error {
		var current int
		var retired *time.Time
		err := tx.QueryRow(ctx, `SELECT version, retired_at FROM `+t+` WHERE id = $1 FOR UPDATE`, id).Scan(&current, &retired)
		if noRows(err) {
			return tracker.ErrNotFound
		}
		if err != nil {
			return err
		}
		if current != version || retired == nil {
			return tracker.ErrConflict
		}
		if _, err := tx.Exec(ctx, `UPDATE `+t+` SET retired_at = NULL, version = version + 1, updated_at = $2 WHERE id = $1`, id, at); err != nil {
			return err
		}
		details := reasonDetails(reason)
		details["before"] = map[string]any{"retired": true, "retired_at": retired.UTC().Format(time.RFC3339)}
		details["after"] = map[string]any{"retired": false, "retired_at": nil}
		return audit(ctx, tx, actor, at, AuditEntry{Action: kind + ".restore", RecordType: kind, RecordID: RecordRef(id), Details: details})
	})
}
