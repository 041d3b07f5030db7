package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Coverage returns a round's coverage, with its plan: each commitment of the plan that needs an
// update, whether it has had one in the round and how far its update in the round has got, and
// the same by lead organisation, with each organisation's active partner accounts (who are
// reminded). It returns tracker.ErrNotFound if there is no such round, or its plan is retired.
func (s *Store) Coverage(ctx context.Context, roundID int64) (tracker.Coverage, error) {
	r, err := s.RoundByID(ctx, roundID)
	if err != nil {
		return tracker.Coverage{}, err
	}
	plan, err := s.PlanByID(ctx, r.PlanID)
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
	us, err := s.RoundUpdates(ctx, r)
	if err != nil {
		return tracker.Coverage{}, err
	}
	cov := tracker.CoverageOf(plan, r, cs, reported).WithUpdates(us)
	ids := make([]int64, len(cov.Organisations))
	for i, o := range cov.Organisations {
		ids[i] = o.Organisation.ID
	}
	partners, err := s.Partners(ctx, ids)
	if err != nil {
		return tracker.Coverage{}, err
	}
	orgs, err := s.AllOrganisations(ctx)
	if err != nil {
		return tracker.Coverage{}, err
	}
	return cov.WithPartners(orgs, partners), nil
}

// roundWindow returns the start of a round's first day and, if the plan's next round has
// opened, the start of that one's: updates between them belong to the round.
func roundWindow(r tracker.Round) (time.Time, *time.Time) {
	var ends *time.Time
	if r.Ends != nil {
		e := tracker.DayStart(*r.Ends)
		ends = &e
	}
	return tracker.DayStart(r.Opens), ends
}

// RoundUpdates returns the updates on the commitments of the round's plan that show where each
// stands in the round: drafts saved, updates returned, and updates submitted or published, in
// the round (from the start of its first day until the plan's next round opened). An update
// now submitted or published counts, as in ReportedInRound, when it was submitted or published
// in the round; a draft when it was last saved in it; a returned update when it was returned in
// it.
func (s *Store) RoundUpdates(ctx context.Context, r tracker.Round) ([]tracker.RoundUpdate, error) {
	from, ends := roundWindow(r)
	rows, _ := s.pool.Query(ctx, `
		SELECT u.id, u.commitment_id, u.state, coalesce(o.id, 0), coalesce(o.code, ''), coalesce(o.name, ''), t.at
		FROM updates u
		JOIN commitments c ON c.id = u.commitment_id
		LEFT JOIN organisations o ON o.id = u.organisation_id
		CROSS JOIN LATERAL (SELECT CASE u.state
			WHEN 'draft' THEN u.updated_at
			WHEN 'returned' THEN u.returned_at
			WHEN 'submitted' THEN u.submitted_at
			ELSE (SELECT max(x) FROM (VALUES (u.submitted_at), (u.published_at)) AS v (x)
			      WHERE x >= $2 AND ($3::timestamptz IS NULL OR x < $3)) END) AS t (at)
		WHERE c.plan_id = $1 AND c.retired_at IS NULL
		  AND t.at >= $2 AND ($3::timestamptz IS NULL OR t.at < $3)
		ORDER BY u.id`, r.PlanID, from, ends)
	us, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tracker.RoundUpdate, error) {
		var u tracker.RoundUpdate
		err := row.Scan(&u.ID, &u.CommitmentID, &u.State, &u.Organisation.ID, &u.Organisation.Code, &u.Organisation.Name, &u.At)
		return u, err
	})
	return us, storeError(fmt.Sprintf("updates in round %d", r.ID), err, nil)
}

// Partners returns the active (not disabled) partner accounts of the organisations, by
// organisation ID, each organisation's in the order they were made.
func (s *Store) Partners(ctx context.Context, organisationIDs []int64) (map[int64][]tracker.Partner, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, email, name, password_hash IS NULL, organisation_id FROM users
		WHERE role = 'partner' AND disabled_at IS NULL AND organisation_id = ANY($1) ORDER BY id`, organisationIDs)
	out := map[int64][]tracker.Partner{}
	var p tracker.Partner
	var org int64
	_, err := pgx.ForEachRow(rows, []any{&p.UserID, &p.Email, &p.Name, &p.Invited, &org}, func() error {
		out[org] = append(out[org], p)
		return nil
	})
	if err != nil {
		return nil, storeError("partners", err, nil)
	}
	return out, nil
}
