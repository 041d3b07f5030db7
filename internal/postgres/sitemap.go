package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Sitemap is what the public pages are about, and when what each shows last changed: every plan
// that is not retired, with its priority areas and commitments, and the organisations.
type Sitemap struct {
	// Plans are the plans, the current one first, then the newest period first.
	Plans []SitemapPlan
	// Organisations are the organisations that are not retired, by code. Their pages show the
	// current plan: none when no plan is current.
	Organisations []Dated
}

// SitemapPlan is a plan with its priority areas (by number) and commitments (by priority area and
// position). Changed is the latest change to the plan, its priority areas, commitments (published
// updates change their commitment) or the organisations.
type SitemapPlan struct {
	Plan        tracker.Plan // ID, Slug and IsCurrent only
	Changed     time.Time
	Priorities  []Dated // by slug
	Commitments []Dated // by ref
}

// Dated is a record's key (a slug, ref or code) and when what its page shows last changed.
type Dated struct {
	Key     string
	Changed time.Time
}

// Sitemap returns the public pages' subjects with their dates of change. A priority area changes
// with its commitments; an organisation with the commitments of the current plan it leads.
func (s *Store) Sitemap(ctx context.Context) (Sitemap, error) {
	var sm Sitemap
	byID := map[int64]int{}
	rows, _ := s.pool.Query(ctx, `
		SELECT pl.id, pl.slug, pl.is_current, greatest(pl.updated_at,
		       (SELECT max(updated_at) FROM priorities WHERE plan_id = pl.id),
		       (SELECT max(updated_at) FROM commitments WHERE plan_id = pl.id),
		       (SELECT max(updated_at) FROM organisations))
		FROM plans pl WHERE pl.retired_at IS NULL ORDER BY pl.is_current DESC, pl.period DESC`)
	var p SitemapPlan
	_, err := pgx.ForEachRow(rows, []any{&p.Plan.ID, &p.Plan.Slug, &p.Plan.IsCurrent, &p.Changed}, func() error {
		byID[p.Plan.ID] = len(sm.Plans)
		sm.Plans = append(sm.Plans, p)
		return nil
	})
	if err != nil {
		return Sitemap{}, storeError("sitemap plans", err, nil)
	}

	planDated := func(what, sql string, list func(*SitemapPlan) *[]Dated) error {
		var planID int64
		var d Dated
		rows, _ := s.pool.Query(ctx, sql)
		_, err := pgx.ForEachRow(rows, []any{&planID, &d.Key, &d.Changed}, func() error {
			if i, ok := byID[planID]; ok {
				l := list(&sm.Plans[i])
				*l = append(*l, d)
			}
			return nil
		})
		return storeError("sitemap "+what, err, nil)
	}
	if err := planDated("priorities", `
		SELECT p.plan_id, p.slug, greatest(p.updated_at, max(c.updated_at))
		FROM priorities p JOIN plans pl ON pl.id = p.plan_id AND pl.retired_at IS NULL
		LEFT JOIN commitments c ON c.priority_id = p.id
		WHERE p.retired_at IS NULL
		GROUP BY p.id ORDER BY p.plan_id, p.number`,
		func(p *SitemapPlan) *[]Dated { return &p.Priorities }); err != nil {
		return Sitemap{}, err
	}
	if err := planDated("commitments", `
		SELECT c.plan_id, c.ref, c.updated_at
		FROM commitments c JOIN priorities p ON p.id = c.priority_id
		JOIN plans pl ON pl.id = c.plan_id AND pl.retired_at IS NULL
		WHERE c.retired_at IS NULL
		ORDER BY c.plan_id, p.number, c.ordinal`,
		func(p *SitemapPlan) *[]Dated { return &p.Commitments }); err != nil {
		return Sitemap{}, err
	}

	if len(sm.Plans) == 0 || !sm.Plans[0].Plan.IsCurrent {
		return sm, nil
	}
	rows, _ = s.pool.Query(ctx, `
		SELECT o.code, greatest(o.updated_at, max(c.updated_at))
		FROM organisations o
		LEFT JOIN commitment_lead_organisations clo ON clo.organisation_id = o.id
		LEFT JOIN commitment_leads l ON l.id = clo.lead_id
		LEFT JOIN commitments c ON c.id = l.commitment_id AND c.plan_id = $1
		WHERE o.retired_at IS NULL
		GROUP BY o.id ORDER BY o.code`, sm.Plans[0].Plan.ID)
	var d Dated
	_, err = pgx.ForEachRow(rows, []any{&d.Key, &d.Changed}, func() error {
		sm.Organisations = append(sm.Organisations, d)
		return nil
	})
	if err != nil {
		return Sitemap{}, storeError("sitemap organisations", err, nil)
	}
	return sm, nil
}
