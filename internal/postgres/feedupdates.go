package postgres

// Published updates as feeds and downloads read them.

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// PublishedUpdate is a published update with what a reader of a feed needs to know of its
// commitment.
type PublishedUpdate struct {
	tracker.Update
	Deliver      string
	PrioritySlug string
	// Due is the commitment's deadline, which the update's expected month revises where they
	// differ. Only EachPublishedUpdate fills it in.
	Due tracker.Month
}

// UpdateFilter selects the published updates of a plan, of one of its priority areas or of one
// commitment.
type UpdateFilter struct {
	PlanID       int64
	PriorityID   int64
	CommitmentID int64
	// OrganisationID selects the updates on the commitments the organisation leads.
	OrganisationID int64
}

func (f UpdateFilter) where() (string, pgx.NamedArgs) {
	w := whereAll(pgx.NamedArgs{"plan": f.PlanID}, `u.state = 'published'`, `c.plan_id = @plan`, `c.retired_at IS NULL`)
	andSet(w, f.PriorityID, "priority", `c.priority_id = @priority`)
	andSet(w, f.CommitmentID, "commitment", `u.commitment_id = @commitment`)
	andSet(w, f.OrganisationID, "organisation", `c.id IN (SELECT l.commitment_id FROM commitment_leads l
			JOIN commitment_lead_organisations clo ON clo.lead_id = l.id WHERE clo.organisation_id = @organisation)`)
	return w.sql(), w.args
}

const publishedUpdateFrom = updateFrom + ` JOIN priorities p ON p.id = c.priority_id`

// withExtra scans a row of update columns followed by more, into scanUpdate's destinations and
// then extra's.
type withExtra struct {
	pgx.CollectableRow
	extra []any
}

// Scan scans the row into dest and then the extra destinations.
func (w withExtra) Scan(dest ...any) error {
	return w.CollectableRow.Scan(append(dest, w.extra...)...)
}

func scanPublishedUpdate(row pgx.CollectableRow) (PublishedUpdate, error) {
	var u PublishedUpdate
	var err error
	u.Update, err = scanUpdate(withExtra{row, []any{&u.Deliver, &u.PrioritySlug}})
	return u, err
}

// exportChunk is how many updates EachPublishedUpdate reads with each query, so that no one
// statement runs for long however many there are. A variable so that tests can make it small.
var exportChunk = 50000

// exportUpdateColumns are what the open data tells of an update: none of the names of people,
// review notes or workflow of the full row.
const exportUpdateColumns = `u.id, u.commitment_id, c.ref, u.state, u.status, coalesce(u.status_label, ''),
	coalesce(u.narrative, ''), u.expected_month, coalesce(u.evidence_url, ''), u.organisation_id,
	coalesce(o.code, ''), coalesce(o.name, ''), coalesce(u.source_title, ''), coalesce(u.source_period, ''),
	coalesce(u.source_url, ''), u.published_at, c.deliver, p.slug, coalesce(u.status_reason, ''),
	coalesce(u.carried_forward_plan, ''), coalesce(u.timescale, ''), c.due_month`

// EachPublishedUpdate calls fn with every published update f selects, oldest first (in the order
// they were recorded), as they arrive from the database: they are never all held in memory. The
// updates are read in chunks, each by its own short statement, within one read-only transaction
// so that together they show the data as it was when the export began. Only published updates
// are ever read, and only the fields the open data publishes are filled in. It stops at fn's
// first error and returns it.
func (s *Store) EachPublishedUpdate(ctx context.Context, f UpdateFilter, fn func(PublishedUpdate) error) error {
	where, args := f.where()
	args["limit"] = exportChunk
	query := `SELECT ` + exportUpdateColumns + ` FROM updates u
		JOIN commitments c ON c.id = u.commitment_id
		JOIN priorities p ON p.id = c.priority_id
		LEFT JOIN organisations o ON o.id = u.organisation_id` + where + ` AND u.id > @after ORDER BY u.id LIMIT @limit`
	var fnErr error
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var after int64
		for {
			args["after"] = after
			rows, err := tx.Query(ctx, query, args)
			if err != nil {
				return err
			}
			n := 0
			for rows.Next() {
				var u PublishedUpdate
				var state, status string
				var expected *time.Time
				var due time.Time
				if err := rows.Scan(&u.ID, &u.CommitmentID, &u.CommitmentRef, &state, &status, &u.StatusLabel,
					&u.Narrative, &expected, &u.EvidenceURL, &u.OrganisationID, &u.OrganisationCode,
					&u.OrganisationName, &u.SourceTitle, &u.SourcePeriod, &u.SourceURL, &u.PublishedAt,
					&u.Deliver, &u.PrioritySlug, &u.StatusReason, &u.CarriedForwardTo, &u.Timescale, &due); err != nil {
					rows.Close()
					return err
				}
				u.State, u.Status, u.Expected = tracker.UpdateState(state), tracker.Status(status), monthPtr(expected)
				u.Due = tracker.MonthOf(due)
				n++
				after = u.ID
				if fnErr = fn(u); fnErr != nil {
					rows.Close()
					return fnErr
				}
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n < exportChunk {
				return nil
			}
		}
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return storeError("export updates", err, nil)
	}
	return nil
}

// FeedUpdates returns the latest published updates f selects that have a publication time, newest
// first, at most limit of them. Reports taken from a published plan have no publication time and
// are left out: a feed must not invent one.
func (s *Store) FeedUpdates(ctx context.Context, f UpdateFilter, limit int) ([]PublishedUpdate, error) {
	where, args := f.where()
	args["limit"] = limit
	rows, _ := s.pool.Query(ctx, `SELECT `+updateColumns+`, c.deliver, p.slug`+publishedUpdateFrom+where+
		` AND u.published_at IS NOT NULL ORDER BY u.published_at DESC, u.id DESC LIMIT @limit`, args)
	us, err := pgx.CollectRows(rows, scanPublishedUpdate)
	if err != nil {
		return nil, storeError("feed updates", err, nil)
	}
	return us, nil
}
