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
	// WithRetiredOrganisations keeps retired organisations in the lead lines, for staff editing
	// them; public pages leave them out, so that they neither link to nor name a retired body
	// as a lead.
	WithRetiredOrganisations bool
	// Limit, when set, returns at most that many commitments, after skipping Offset of them, in
	// the list's order: a page of a long list.
	Limit, Offset int
	// Total, when set, is how many commitments the filter selects, known already (as a priority
	// area's, from its counts by month and status): CommitmentsPage does not count them again.
	Total *int
}

// Commitments returns the commitments that are not retired and match f, ordered by priority area
// and position, each with its lead lines.
func (s *Store) Commitments(ctx context.Context, f CommitmentFilter) ([]tracker.Commitment, error) {
	return commitments(ctx, s.pool, f)
}

// commitments is Commitments through q, which may be a transaction.
func commitments(ctx context.Context, q querier, f CommitmentFilter) ([]tracker.Commitment, error) {
	var cs []tracker.Commitment
	var leads pageLeads
	batch := &pgx.Batch{}
	queueCommitments(batch, f, &cs, &leads, nil)
	if err := q.SendBatch(ctx, batch).Close(); err != nil {
		return nil, storeError("commitments", err, nil)
	}
	if err := leads.addTo(ctx, q, cs, f.WithRetiredOrganisations); err != nil {
		return nil, err
	}
	return cs, nil
}

// queueCommitments queues in batch the statements that read the commitments the filter selects,
// in order, into *out, and their lead lines into *leads: both in the batch's one round trip, the
// lead lines found by the same condition as the commitments rather than by their IDs, which are
// not known until the first is read. Each statement sees the data as it is when it starts, so a
// change committed between the two can make them find different commitments: leads.addTo sees
// that, and reads the lead lines again by ID.
//
// With total set, each row of a page also carries how many commitments the filter selects, into
// *total: for a filter that finds every one of them before it can order them anyway.
func queueCommitments(batch *pgx.Batch, f CommitmentFilter, out *[]tracker.Commitment, leads *pageLeads, total *int) {
	w := commitmentWhere(f)
	sql := `SELECT ` + commitmentColumns + commitmentFrom + w.sql() + ` ORDER BY p.number, c.ordinal`
	ids := `SELECT c.id` + commitmentFrom + w.sql()
	var extra []any
	if f.Limit > 0 {
		// The page's commitments are found first, from narrow rows (an index alone, for a
		// priority area), so that the rows skipped before it are never read in full.
		ids += ` ORDER BY p.number, c.ordinal LIMIT @limit OFFSET @offset`
		counted, count := ``, ``
		if total != nil {
			counted, count = `, count(*) OVER () AS total`, `, page.total`
			extra = []any{total}
		}
		sql = `SELECT ` + commitmentColumns + count + ` FROM (SELECT c.id, p.number, c.ordinal` + counted + commitmentFrom + w.sql() +
			` ORDER BY p.number, c.ordinal LIMIT @limit OFFSET @offset) page
			JOIN commitments c ON c.id = page.id JOIN priorities p ON p.id = c.priority_id
			ORDER BY page.number, page.ordinal`
		w.args["limit"], w.args["offset"] = f.Limit, max(f.Offset, 0)
	}
	batch.Queue(sql, w.args).Query(func(rows pgx.Rows) error {
		var err error
		*out, err = collectCommitments(rows, f.Limit, extra...)
		return err
	})
	// A lead organisation's commitments are found through its lead lines: finding them again
	// costs more than a round trip, so theirs are read by ID once the page is read.
	if f.OrganisationID == 0 {
		queueLeads(batch, ids, w.args, f.WithRetiredOrganisations, leads)
	}
}

// queueLeads queues in batch the statement that reads into *leads the lead lines of the
// commitments whose IDs the statement ids selects, as id, with args: the condition that finds a
// page of commitments, for leads.addTo to give to the page's commitments, or a list of IDs.
func queueLeads(batch *pgx.Batch, ids string, args pgx.NamedArgs, withRetired bool, leads *pageLeads) {
	all := pgx.NamedArgs{"with_retired": withRetired}
	for k, v := range args {
		all[k] = v
	}
	// Each commitment found has a row, with no line when it has none, so that the commitments
	// this statement found can be told from the page's.
	batch.Queue(`SELECT ids.id, l.position, l.line, o.id, o.code, o.name, o.as_written, o.retired_at
		FROM (`+ids+`) ids
		LEFT JOIN commitment_leads l ON l.commitment_id = ids.id
		LEFT JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
		LEFT JOIN organisations o ON o.id = clo.organisation_id AND (o.retired_at IS NULL OR @with_retired)
		ORDER BY ids.id, l.position, clo.position`, all).
		Query(func(rows pgx.Rows) error {
			var err error
			*leads, err = readLeadRows(rows)
			return err
		})
}

// CommitmentsPage returns the page of commitments that Commitments returns for the filter, with
// how many there are without its Limit (f.Total when set), in one round trip.
func (s *Store) CommitmentsPage(ctx context.Context, f CommitmentFilter) ([]tracker.Commitment, int, error) {
	var cs []tracker.Commitment
	var leads pageLeads
	var total int
	batch := &pgx.Batch{}
	countRows := f.Total == nil && f.OrganisationID != 0 && f.Limit > 0
	countWhere := commitmentWhere(f)
	count := `SELECT count(*)` + commitmentFrom + countWhere.sql()
	switch {
	case f.Total != nil:
		total = *f.Total
	case countRows:
		// A lead organisation's commitments are found through its lead lines, every one of
		// them before they can be put in order: the page's statement counts them as it goes.
		queueCommitments(batch, f, &cs, &leads, &total)
	default:
		batch.Queue(count, countWhere.args).QueryRow(func(row pgx.Row) error { return row.Scan(&total) })
	}
	if !countRows {
		queueCommitments(batch, f, &cs, &leads, nil)
	}
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, 0, storeError("page of commitments", err, nil)
	}
	if countRows && len(cs) == 0 && f.Offset > 0 {
		// No row carried the count: the page is past the end.
		if err := s.pool.QueryRow(ctx, count, countWhere.args).Scan(&total); err != nil {
			return nil, 0, storeError("page of commitments", err, nil)
		}
	}
	if err := leads.addTo(ctx, s.pool, cs, f.WithRetiredOrganisations); err != nil {
		return nil, 0, err
	}
	return cs, total, nil
}

// commitmentWhere is the condition of the filter.
func commitmentWhere(f CommitmentFilter) *where {
	w := whereAll(nil, `c.retired_at IS NULL`)
	andSet(w, f.PlanID, "plan", `c.plan_id = @plan`)
	andSet(w, f.PriorityID, "priority", `c.priority_id = @priority`)
	andSet(w, f.Ref, "ref", `c.ref = @ref`)
	if f.IDs != nil {
		w.and(`c.id = ANY(@ids)`, pgx.NamedArgs{"ids": f.IDs})
	}
	andSet(w, f.OrganisationID, "org", `EXISTS (SELECT 1 FROM commitment_leads l
		JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
		WHERE l.commitment_id = c.id AND clo.organisation_id = @org)`)
	return w
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
// query by their IDs. Retired organisations are left out unless withRetired.
func loadLeads(ctx context.Context, q querier, cs []tracker.Commitment, withRetired bool) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	leads := pageLeads{}
	batch := &pgx.Batch{}
	queueLeads(batch, `SELECT unnest(@ids::bigint[]) AS id`, pgx.NamedArgs{"ids": ids}, withRetired, &leads)
	if err := q.SendBatch(ctx, batch).Close(); err != nil {
		return storeError("lead lines", err, nil)
	}
	leads.fill(cs)
	return nil
}

// pageLeads are the lead lines of commitments, by commitment, in order.
type pageLeads map[int64][]tracker.LeadLine

// readLeadRows reads rows of a commitment's ID, a lead line's position and text (null for a
// commitment with none) and an organisation it names (null for none), in order.
func readLeadRows(rows pgx.Rows) (pageLeads, error) {
	leads := pageLeads{}
	var commitmentID int64
	var position *int
	var line *string
	var orgID *int64
	var code, name *string
	var asWritten []string
	var retiredAt *time.Time
	lastPos := map[int64]int{}
	_, err := pgx.ForEachRow(rows, []any{&commitmentID, &position, &line, &orgID, &code, &name, &asWritten, &retiredAt}, func() error {
		ls := leads[commitmentID]
		if position == nil {
			leads[commitmentID] = ls
			return nil
		}
		if lastPos[commitmentID] != *position {
			ls = append(ls, tracker.LeadLine{Text: *line})
			lastPos[commitmentID] = *position
		}
		if orgID != nil {
			l := &ls[len(ls)-1]
			l.Organisations = append(l.Organisations, tracker.Organisation{
				ID: *orgID, Code: *code, Name: *name, AsWritten: slices.Clone(asWritten), RetiredAt: retiredAt})
		}
		leads[commitmentID] = ls
		return nil
	})
	return leads, storeError("lead lines", err, nil)
}

// fill gives each commitment of cs its lead lines.
func (leads pageLeads) fill(cs []tracker.Commitment) {
	for i := range cs {
		cs[i].Leads = leads[cs[i].ID]
	}
}

// addTo gives each commitment of cs its lead lines, when they were read for exactly those
// commitments; otherwise (none were read, or a change came between the two reads) it reads them
// by ID.
func (leads pageLeads) addTo(ctx context.Context, q querier, cs []tracker.Commitment, withRetired bool) error {
	same := leads != nil && len(leads) == len(cs)
	for _, c := range cs {
		if _, ok := leads[c.ID]; !ok {
			same = false
		}
	}
	if !same {
		return loadLeads(ctx, q, cs, withRetired)
	}
	leads.fill(cs)
	return nil
}

// CommitmentForEdit returns a commitment that is not retired, with its lead lines naming retired
// organisations too, as staff edit it. It returns tracker.ErrNotFound if there is none.
func (s *Store) CommitmentForEdit(ctx context.Context, id int64) (tracker.Commitment, error) {
	return commitmentForEdit(ctx, s.pool, id)
}

func commitmentForEdit(ctx context.Context, q querier, id int64) (tracker.Commitment, error) {
	cs, err := commitments(ctx, q, CommitmentFilter{IDs: []int64{id}, WithRetiredOrganisations: true})
	if err != nil {
		return tracker.Commitment{}, err
	}
	if len(cs) == 0 {
		return tracker.Commitment{}, tracker.ErrNotFound
	}
	return cs[0], nil
}

// RetiredRefs returns the refs of a plan's retired commitments, which new commitments may not
// take.
func (s *Store) RetiredRefs(ctx context.Context, planID int64) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT ref FROM commitments WHERE plan_id = $1 AND retired_at IS NOT NULL ORDER BY ref`, planID)
	refs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return refs, storeError(fmt.Sprintf("retired refs of plan %d", planID), err, nil)
}

// commitmentRecord is what the audit log keeps of a commitment before and after a change.
func commitmentRecord(c tracker.Commitment) map[string]any {
	leads := make([]map[string]any, len(c.Leads))
	for i, l := range c.Leads {
		codes := make([]string, len(l.Organisations))
		for j, o := range l.Organisations {
			codes[j] = o.Code
		}
		leads[i] = map[string]any{"line": l.Text, "organisations": codes}
	}
	return map[string]any{"ref": c.Ref, "priority_id": c.PriorityID, "deliver": c.Deliver, "why": c.Why,
		"leads": leads, "due": c.Due.String(), "source_url": c.SourceURL, "version": c.Version}
}

// commitmentsOf is how a commitment is read and audited.
var commitmentsOf = record[tracker.Commitment]{table: commitmentsTable, kind: "commitment", read: commitmentForEdit,
	audit: commitmentRecord, id: func(c tracker.Commitment) int64 { return c.ID }}

// commitmentViolations says what the violated constraints of writing c in a form mean; a missing
// priority area is one not in the plan.
func commitmentViolations(c tracker.Commitment) violations {
	return violations{commitmentsRefKey: tracker.ErrCommitmentRefTaken(c.Ref), noRow: tracker.ErrPriorityNotInPlan}
}

// insertCommitment adds a commitment to a plan in tx, with its lead lines, and returns it as
// stored. The priority area must be one of the plan's that is not retired; the ordinal follows the
// ref.
func insertCommitment(ctx context.Context, tx pgx.Tx, at time.Time, planID int64, c tracker.Commitment) (tracker.Commitment, error) {
	err := tx.QueryRow(ctx, `
		INSERT INTO commitments (plan_id, priority_id, ref, ordinal, deliver, why, due_month, source_url, carried_forward_from,
			status, created_at, updated_at)
		SELECT p.plan_id, p.id, @ref, @ordinal, @deliver, @why, @due, nullif(@source, ''), @from, nullif(@status, ''), @at, @at
		FROM priorities p WHERE p.id = @priority AND p.plan_id = @plan AND p.retired_at IS NULL
		RETURNING id, version`,
		pgx.NamedArgs{"plan": planID, "priority": c.PriorityID, "ref": c.Ref, "ordinal": tracker.RefOrdinal(c.Ref),
			"deliver": c.Deliver, "why": nonNil(c.Why), "due": c.Due.First(), "source": c.SourceURL,
			"from": c.CarriedForwardFromID, "status": string(c.Status), "at": at}).Scan(&c.ID, &c.Version)
	if err != nil {
		return c, err
	}
	c.PlanID, c.Ordinal = planID, tracker.RefOrdinal(c.Ref)
	if err := writeLeads(ctx, tx, c.ID, c.Leads); err != nil {
		return c, err
	}
	// A new commitment is public at once: the alerts of its plan, area and organisations hear of it.
	return c, recordAlertEvent(ctx, tx, at, "commitment", c.ID, nil, map[string]any{})
}

// updateCommitment changes what staff edit of a commitment in tx, which has locked its row at
// c.Version, and returns it at its new version. It returns pgx.ErrNoRows if the priority area is
// not one of the plan's in use. The lead lines are written first: their search upkeep touches
// the commitment's row, and the row's own update, last, keeps at as the time it changed.
func updateCommitment(ctx context.Context, tx pgx.Tx, at time.Time, c tracker.Commitment) (tracker.Commitment, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM commitment_leads WHERE commitment_id = $1`, c.ID); err != nil {
		return c, err
	}
	if err := writeLeads(ctx, tx, c.ID, c.Leads); err != nil {
		return c, err
	}
	err := tx.QueryRow(ctx, `
		UPDATE commitments c SET priority_id = p.id, ref = @ref, ordinal = @ordinal, deliver = @deliver, why = @why,
			due_month = @due, source_url = nullif(@source, ''), version = c.version + 1, updated_at = @at
		FROM priorities p
		WHERE c.id = @id AND p.id = @priority AND p.plan_id = c.plan_id AND p.retired_at IS NULL
		RETURNING c.plan_id, c.version`,
		pgx.NamedArgs{"id": c.ID, "priority": c.PriorityID, "ref": c.Ref,
			"ordinal": tracker.RefOrdinal(c.Ref), "deliver": c.Deliver, "why": nonNil(c.Why), "due": c.Due.First(),
			"source": c.SourceURL, "at": at}).Scan(&c.PlanID, &c.Version)
	if err != nil {
		return c, err
	}
	c.Ordinal = tracker.RefOrdinal(c.Ref)
	return c, nil
}

// writeLeads adds a commitment's lead lines and the organisations each names, in order.
func writeLeads(ctx context.Context, tx pgx.Tx, commitmentID int64, leads []tracker.LeadLine) error {
	for i, l := range leads {
		var leadID int64
		if err := tx.QueryRow(ctx, `INSERT INTO commitment_leads (commitment_id, position, line) VALUES ($1, $2, $3) RETURNING id`,
			commitmentID, i+1, l.Text).Scan(&leadID); err != nil {
			return fmt.Errorf("lead line %d: %w", i+1, err)
		}
		for j, o := range l.Organisations {
			if _, err := tx.Exec(ctx, `INSERT INTO commitment_lead_organisations (lead_id, organisation_id, position) VALUES ($1, $2, $3)`,
				leadID, o.ID, j+1); err != nil {
				return fmt.Errorf("lead line %d organisation %s: %w", i+1, o.Code, err)
			}
		}
	}
	return nil
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// CreateCommitment adds a commitment to a plan, with its lead lines, and audits it. The priority
// area must belong to the plan. It returns tracker.ErrCommitmentRefTaken if the plan already has
// the ref (retired commitments keep theirs) and tracker.ErrPriorityNotInPlan if the priority area
// is not the plan's.
func (s *Store) CreateCommitment(ctx context.Context, actor tracker.Actor, planID int64, c tracker.Commitment) (tracker.Commitment, error) {
	return create(ctx, s, actor, commitmentsOf, "create commitment", commitmentViolations(c),
		map[string]any{"plan_id": planID}, func(tx pgx.Tx, at time.Time) (tracker.Commitment, error) {
			return insertCommitment(ctx, tx, at, planID, c)
		})
}

// UpdateCommitment saves staff's changes to a commitment: its ref, priority area, what it will
// deliver, why, lead lines, due month and source. c.Version must be the version they started
// from: if the commitment has changed since, it returns tracker.ErrConflict and changes nothing.
// It returns the errors of CreateCommitment, and tracker.ErrNotFound if there is no such
// commitment.
func (s *Store) UpdateCommitment(ctx context.Context, actor tracker.Actor, c tracker.Commitment) (tracker.Commitment, error) {
	return s.AmendCommitment(ctx, actor, c, tracker.Amendment{})
}

// RetireCommitment takes a commitment out of its plan's public pages, keeping it and its history.
// It returns tracker.ErrConflict if the commitment is no longer at version, and
// tracker.ErrNotFound if there is no such commitment.
// The audit log keeps the reason given for it, unless it is empty.
func (s *Store) RetireCommitment(ctx context.Context, actor tracker.Actor, id int64, version int, reason string) error {
	_, err := change(ctx, s, actor, commitmentsOf, edit{id: id, version: version, action: "retire",
		op: fmt.Sprintf("retire commitment %d", id), removes: true, details: reasonDetails(reason)},
		func(tx pgx.Tx, at time.Time, before tracker.Commitment) (tracker.Commitment, error) {
			_, err := tx.Exec(ctx, `UPDATE commitments SET retired_at = $2, version = version + 1, updated_at = $2
				WHERE id = $1`, id, at)
			return before, err
		})
	return err
}
