package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// organisationFrom is the FROM and WHERE that find, from commitment_organisations, the
// commitments of a lead organisation that a search without text selects, and their arguments.
func (s *Store) organisationFrom(q CommitmentSearch) (string, pgx.NamedArgs) {
	filters := q
	filters.OrganisationID = 0
	where, args := filters.where(s.now())
	args["org"] = q.OrganisationID
	return s.keptFrom(q, ` FROM commitment_organisations co`, `co.commitment_id`, where) +
		` co.organisation_id = @org AND co.plan_id = @plan`, args
}

// searchOrganisation fills in the page of a search without text for a lead organisation's
// commitments in order of ref, and the number found unless known already (CountSearch). The
// page is read in order from the index commitment_organisations_page, which migration 00089's
// triggers keep, and stops after it: rather than finding every one of the organisation's
// commitments through its lead lines to put them in order. Both go in one round trip.
func (s *Store) searchOrganisation(ctx context.Context, q CommitmentSearch, page *CommitmentPage, limit, offset int) error {
	from, args := s.organisationFrom(q)
	args["offset"] = offset
	batch := &pgx.Batch{}
	queueCount(batch, q.Total, from, args, &page.Total)
	batch.Queue(`SELECT `+commitmentColumns+` FROM (SELECT co.commitment_id AS id, co.major, co.minor`+from+
		` ORDER BY co.major, co.minor`+pageClause(limit, offset)+`) page
		JOIN commitments c ON c.id = page.id JOIN priorities p ON p.id = c.priority_id
		ORDER BY page.major, page.minor`, args).Query(func(rows pgx.Rows) error {
		var err error
		page.Commitments, err = collectCommitments(rows, limit)
		return err
	})
	return s.pool.SendBatch(ctx, batch).Close()
}

// queueCount queues in batch the count of the commitments that from finds, into *total, unless
// known already: then it is known.
func queueCount(batch *pgx.Batch, known *int, from string, args pgx.NamedArgs, total *int) {
	if known != nil {
		*total = *known
		return
	}
	batch.Queue(`SELECT count(*)`+from, args).QueryRow(func(row pgx.Row) error { return row.Scan(total) })
}

// byRef reports whether a search without text is in order of ref.
func (q CommitmentSearch) byRef() bool { return q.Sort != SortDue && q.Sort != SortUpdated }
