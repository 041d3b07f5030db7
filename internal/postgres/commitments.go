package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// CommitmentFilter selects commitments. Zero fields select everything.
type CommitmentFilter struct {
	PlanID         int64
	PriorityID     int64
	OrganisationID int64
	Ref            string
	IDs            []int64
}

const commitmentColumns = `c.id, c.plan_id, c.priority_id, p.number, p.slug, p.name, c.ref, c.ordinal, c.deliver,
	c.why, c.due_month, c.expected_month, coalesce(c.status, ''), coalesce(c.status_reason, ''),
	coalesce(c.source_url, ''), c.last_published_at, c.version, coalesce(c.carried_forward_plan, ''),
	c.carried_forward_plan_id`

const commitmentFrom = ` FROM commitments c JOIN priorities p ON p.id = c.priority_id`

func scanCommitment(row pgx.CollectableRow) (tracker.Commitment, error) {
	return scanCommitmentWith(row)
}

// scanCommitmentWith scans the commitment columns and then, into extra, any columns that follow
// them.
func scanCommitmentWith(row pgx.CollectableRow, extra ...any) (tracker.Commitment, error) {
	var c tracker.Commitment
	var due time.Time
	var expected *time.Time
	var status string
	targets := []any{&c.ID, &c.PlanID, &c.PriorityID, &c.PriorityNumber, &c.PrioritySlug, &c.PriorityName,
		&c.Ref, &c.Ordinal, &c.Deliver, &c.Why, &due, &expected, &status, &c.StatusReason, &c.SourceURL,
		&c.LastPublishedAt, &c.Version, &c.CarriedForwardTo, &c.CarriedForwardPlanID}
	err := row.Scan(append(targets, extra...)...)
	c.Due = tracker.MonthOf(due)
	c.Expected = monthPtr(expected)
	c.Status = tracker.Status(status)
	return c, err
}

func monthPtr(t *time.Time) *tracker.Month {
	if t == nil {
		return nil
	}
	m := tracker.MonthOf(*t)
	return &m
}

func monthDate(m *tracker.Month) *time.Time {
	if m == nil {
		return nil
	}
	t := m.First()
	return &t
}

// Commitments returns the commitments that are not retired and match f, ordered by priority area
// and position, each with its lead lines.
func (s *Store) Commitments(ctx context.Context, f CommitmentFilter) ([]tracker.Commitment, error) {
	args := pgx.NamedArgs{}
	where := ` WHERE c.retired_at IS NULL`
	if f.PlanID != 0 {
		where += ` AND c.plan_id = @plan`
		args["plan"] = f.PlanID
	}
	if f.PriorityID != 0 {
		where += ` AND c.priority_id = @priority`
		args["priority"] = f.PriorityID
	}
	if f.Ref != "" {
		where += ` AND c.ref = @ref`
		args["ref"] = f.Ref
	}
	if f.IDs != nil {
		where += ` AND c.id = ANY(@ids)`
		args["ids"] = f.IDs
	}
	if f.OrganisationID != 0 {
		where += ` AND EXISTS (SELECT 1 FROM commitment_leads l
			JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
			WHERE l.commitment_id = c.id AND clo.organisation_id = @org)`
		args["org"] = f.OrganisationID
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+where+` ORDER BY p.number, c.ordinal`, args)
	cs, err := pgx.CollectRows(rows, scanCommitment)
	if err != nil {
		return nil, fmt.Errorf("postgres: commitments: %w", err)
	}
	if err := s.loadLeads(ctx, cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// CommitmentByRef returns the commitment of a plan with the ref, such as "4.2", with its lead
// lines. It returns tracker.ErrNotFound if the plan has no such commitment.
func (s *Store) CommitmentByRef(ctx context.Context, planID int64, ref string) (tracker.Commitment, error) {
	cs, err := s.Commitments(ctx, CommitmentFilter{PlanID: planID, Ref: ref})
	if err != nil {
		return tracker.Commitment{}, err
	}
	if len(cs) == 0 {
		return tracker.Commitment{}, tracker.ErrNotFound
	}
	return cs[0], nil
}

// CommitmentByID returns the commitment with its lead lines. It returns tracker.ErrNotFound if
// there is none.
func (s *Store) CommitmentByID(ctx context.Context, id int64) (tracker.Commitment, error) {
	cs, err := s.Commitments(ctx, CommitmentFilter{IDs: []int64{id}})
	if err != nil {
		return tracker.Commitment{}, err
	}
	if len(cs) == 0 {
		return tracker.Commitment{}, tracker.ErrNotFound
	}
	return cs[0], nil
}

// loadLeads fills in the lead lines of each commitment, and the organisations each names, in one
// query.
func (s *Store) loadLeads(ctx context.Context, cs []tracker.Commitment) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	index := make(map[int64]int, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
		index[c.ID] = i
	}
	rows, _ := s.pool.Query(ctx, `
		SELECT l.commitment_id, l.position, l.line, o.id, o.code, o.name, o.as_written
		FROM commitment_leads l
		LEFT JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
		LEFT JOIN organisations o ON o.id = clo.organisation_id
		WHERE l.commitment_id = ANY($1)
		ORDER BY l.commitment_id, l.position, clo.position`, ids)
	var commitmentID int64
	var position int
	var line string
	var orgID *int64
	var code, name *string
	var asWritten []string
	lastPos := map[int64]int{}
	_, err := pgx.ForEachRow(rows, []any{&commitmentID, &position, &line, &orgID, &code, &name, &asWritten}, func() error {
		c := &cs[index[commitmentID]]
		if lastPos[commitmentID] != position {
			c.Leads = append(c.Leads, tracker.LeadLine{Text: line})
			lastPos[commitmentID] = position
		}
		if orgID != nil {
			l := &c.Leads[len(c.Leads)-1]
			l.Organisations = append(l.Organisations, tracker.Organisation{
				ID: *orgID, Code: *code, Name: *name, AsWritten: slices.Clone(asWritten)})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: lead lines: %w", err)
	}
	return nil
}
