package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// CommitmentSort is the order of a search's results.
type CommitmentSort string

// The orders a search offers.
const (
	// SortRef orders by ref as people read it: 4.2 before 4.10.
	SortRef CommitmentSort = "ref"
	// SortDue orders by the month a commitment is now expected by, soonest first.
	SortDue CommitmentSort = "due"
	// SortUpdated puts the most recently published update first; commitments with none come last.
	SortUpdated CommitmentSort = "updated"
	// SortRelevance puts the best matches for the search text first: an exact ref, then by the
	// rank of the commitment's own words (what it will deliver, why, its lead lines: ts_rank_cd),
	// so that one found only through the narratives of its updates comes after those that say
	// the words, then by ref. Searches for plain words give exactly this order from the words
	// kept in commitment_terms (searchOneWord, searchWords).
	SortRelevance CommitmentSort = "relevance"
)

// CommitmentSearch selects and orders the commitments of a plan, as the public finder and the
// open data exports ask for them. Zero fields select everything.
type CommitmentSearch struct {
	PlanID int64
	// Text is what a reader typed, in web search syntax ("quoted phrases", or, -not), matched with
	// English stemming against what the commitment will deliver, why, its lead lines and the
	// narratives of its published updates. Text with the shape of a ref, such as "4.2", also
	// matches that commitment exactly.
	Text       string
	PriorityID int64
	// Statuses selects commitments with any of the statuses; tracker.NoUpdate selects those with
	// no update yet.
	Statuses       []tracker.Status
	OrganisationID int64
	// DueFrom and DueTo, when set, bound the month each commitment is now expected by, inclusive.
	DueFrom, DueTo *tracker.Month
	// Overdue selects overdue commitments only (tracker.IsOverdue now by the store's clock).
	Overdue bool
	// NotOverdue leaves overdue commitments out.
	NotOverdue bool
	// UpdateDue selects commitments due an update only (tracker.UpdateDue now by the store's
	// clock).
	UpdateDue bool
	Sort      CommitmentSort
	// Total, when set, is how many commitments a search without text, or one for which
	// CountsApart is true, selects, known already (see CountFromMonths and CountSearch):
	// SearchCommitments then does not count them again.
	Total *int
}

// CommitmentPage is one page of a search's results and how many there are in all.
type CommitmentPage struct {
	Commitments []tracker.Commitment
	Total       int
}

// refOrder orders commitments by ref as people read it. The expressions match the index
// commitments_plan_ref_order.
const refOrder = `split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer`

// closedStatuses are the statuses under which a commitment is never overdue: the complement of
// tracker.Status.Open, passed to SQL so that the rule lives in one place.
func closedStatuses() []string {
	var out []string
	for _, s := range tracker.Statuses {
		if !s.Open() {
			out = append(out, string(s))
		}
	}
	return out
}

// where returns the conditions of the search at now and their arguments. Every condition is on
// commitments c (lead organisations through a semi-join), so a count needs no other table.
func (q CommitmentSearch) where(now time.Time) (string, pgx.NamedArgs) {
	w := whereAll(pgx.NamedArgs{"plan": q.PlanID}, `c.retired_at IS NULL`, `c.plan_id = @plan`)
	if q.Text != "" {
		// The whole document, own words and narratives, through its index (commitments_matching);
		// c.search, the own words alone, only ranks.
		match := `SELECT unnest(commitments_matching(websearch_to_tsquery('english', @text)))`
		if tracker.ValidRef(q.Text) {
			match += ` UNION ALL SELECT r.id FROM commitments r WHERE r.plan_id = @plan AND r.ref = @text`
		}
		w.and(`c.id IN (`+match+`)`, pgx.NamedArgs{"text": q.Text})
	}
	andSet(w, q.PriorityID, "priority", `c.priority_id = @priority`)
	if len(q.Statuses) > 0 {
		var named []string
		none := false
		for _, s := range q.Statuses {
			if s == tracker.NoUpdate {
				none = true
			} else {
				named = append(named, string(s))
			}
		}
		cond := `c.status = ANY (@statuses)`
		switch {
		case none && len(named) > 0:
			cond = `(c.status = ANY (@statuses) OR c.status IS NULL)`
		case none:
			cond = `c.status IS NULL`
		}
		w.and(cond, pgx.NamedArgs{"statuses": named})
	}
	andSet(w, q.OrganisationID, "org", `c.id IN (SELECT l.commitment_id FROM commitment_lead_organisations clo
		JOIN commitment_leads l ON l.id = clo.lead_id WHERE clo.organisation_id = @org)`)
	if q.DueFrom != nil {
		w.and(`coalesce(c.expected_month, c.due_month) >= @due_from`, pgx.NamedArgs{"due_from": q.DueFrom.First()})
	}
	if q.DueTo != nil {
		w.and(`coalesce(c.expected_month, c.due_month) <= @due_to`, pgx.NamedArgs{"due_to": q.DueTo.First()})
	}
	if q.Overdue {
		w.and(overdueWhere, pgx.NamedArgs{"month": currentMonth(now), "closed": closedStatuses()})
	}
	if q.NotOverdue {
		w.and(`NOT (`+overdueWhere+`)`, pgx.NamedArgs{"month": currentMonth(now), "closed": closedStatuses()})
	}
	if q.UpdateDue {
		w.and(updateDueWhere, pgx.NamedArgs{"cutoff": tracker.UpdateDueCutoff(now), "closed": closedStatuses()})
	}
	return w.sql(), w.args
}

// searchQuery is the search text as a text search query, in a subquery so that it is parsed
// once, not once for each commitment it is matched with or ranks.
const searchQuery = `(SELECT websearch_to_tsquery('english', @text))`

// relevance is how well a commitment c answers the search text, SortRelevance's order after a
// ref: the rank of its own words for the query.
const relevance = `ts_rank_cd(c.search, ` + searchQuery + `)`

// orderBy returns the ORDER BY clause of the search's sort, always ending in ref so that pages
// never overlap.
func (q CommitmentSearch) orderBy() string {
	switch q.Sort {
	case SortDue:
		return ` ORDER BY coalesce(c.expected_month, c.due_month), ` + refOrder
	case SortUpdated:
		return ` ORDER BY c.last_published_at DESC NULLS LAST, ` + refOrder
	case SortRelevance:
		if q.Text != "" {
			return ` ORDER BY c.ref = @text DESC, ` + relevance + ` DESC, ` + refOrder
		}
	}
	return ` ORDER BY ` + refOrder
}

// SearchCommitments returns the page of the search's results at offset, at most limit long, with
// their lead lines, and how many results there are in all. An offset beyond the results gives an
// empty page with the true total.
func (s *Store) SearchCommitments(ctx context.Context, q CommitmentSearch, limit, offset int) (CommitmentPage, error) {
	where, args := q.where(s.now())
	args["limit"] = limit
	args["offset"] = offset
	var page CommitmentPage
	if q.oneWord() {
		// With the page's lead lines.
		if err := s.searchOneWord(ctx, q, &page, limit, offset); err != nil {
			return CommitmentPage{}, storeError("search commitments", err, nil)
		}
		return page, nil
	} else if n := q.plainWordCount(); n > 0 {
		if err := s.searchWords(ctx, q, n, &page, limit, offset); err != nil {
			return CommitmentPage{}, storeError("search commitments", err, nil)
		}
	} else if q.Text != "" {
		// A text search finds its commitments through the search index and must rank every
		// one of them, so one statement finds, ranks and counts them from narrow rows, and only
		// the page is read in full.
		if err := s.pageWithTotal(ctx, `WITH found AS MATERIALIZED (
				SELECT c.id, row_number() OVER (`+q.orderBy()+`) AS n, count(*) OVER () AS total
				FROM commitments c`+where+`)
			SELECT `+commitmentColumns+`, f.total FROM found f JOIN commitments c ON c.id = f.id
			JOIN priorities p ON p.id = c.priority_id
			WHERE f.n > @offset AND f.n <= @offset::bigint + @limit::bigint ORDER BY f.n`, where, args, offset, &page); err != nil {
			return CommitmentPage{}, storeError("search commitments", err, nil)
		}
	} else if q.OrganisationID != 0 && q.byRef() {
		if err := s.searchOrganisation(ctx, q, &page, limit, offset); err != nil {
			return CommitmentPage{}, storeError("search commitments", err, nil)
		}
	} else if q.OrganisationID != 0 && q.Total == nil {
		// A lead organisation's commitments in another order than ref are found through its
		// lead lines, every one of them before they can be put in order: one statement finds,
		// orders and counts them, rather than a count finding them all again.
		if err := s.pageWithTotal(ctx, `SELECT `+commitmentColumns+`, f.total FROM (
				SELECT c.id, count(*) OVER () AS total FROM commitments c`+where+q.orderBy()+` LIMIT @limit OFFSET @offset) f
			JOIN commitments c ON c.id = f.id JOIN priorities p ON p.id = c.priority_id`+q.orderBy(), where, args, offset, &page); err != nil {
			return CommitmentPage{}, storeError("search commitments", err, nil)
		}
	} else {
		// Without text, the count reads an index alone and the page reads its rows in order from
		// another, stopping after the page: both go to the database in one round trip.
		batch := &pgx.Batch{}
		if q.Total != nil {
			page.Total = *q.Total
		} else {
			batch.Queue(`SELECT count(*) FROM commitments c`+where, args).QueryRow(func(row pgx.Row) error {
				return row.Scan(&page.Total)
			})
		}
		// The page is found from narrow rows first, so that the rows before it are never read
		// in full. Its LIMIT and OFFSET are numbers in the statement on the first page
		// (pageClause), so that PostgreSQL keeps one plan of it rather than planning it again
		// for every request.
		batch.Queue(`SELECT `+commitmentColumns+` FROM (SELECT c.id FROM commitments c`+where+q.orderBy()+pageClause(limit, offset)+`) page
			JOIN commitments c ON c.id = page.id JOIN priorities p ON p.id = c.priority_id`+q.orderBy(), args).
			Query(func(rows pgx.Rows) error {
				var err error
				page.Commitments, err = collectCommitments(rows, limit)
				return err
			})
		if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
			return CommitmentPage{}, storeError("search commitments", err, nil)
		}
	}
	// The page's lead lines, by ID, in a round trip of their own: finding the page again in the
	// page's round trip cost more (as much as the page itself for a list of one status).
	if err := loadLeads(ctx, s.pool, page.Commitments, false); err != nil {
		return CommitmentPage{}, err
	}
	return page, nil
}

// pageWithTotal reads into page the commitments that sql selects, each row ending with how many
// commitments the search finds in all, and that number. When the page is past the end, no row
// carries it, and it is counted by where (on the first page, there are none).
func (s *Store) pageWithTotal(ctx context.Context, sql, where string, args pgx.NamedArgs, offset int, page *CommitmentPage) error {
	rows, _ := s.pool.Query(ctx, sql, args)
	var err error
	limit, _ := args["limit"].(int)
	page.Commitments, err = collectCommitments(rows, limit, &page.Total)
	if err != nil {
		return err
	}
	if len(page.Commitments) == 0 && offset > 0 {
		return s.pool.QueryRow(ctx, `SELECT count(*) FROM commitments c`+where, args).Scan(&page.Total)
	}
	return nil
}

// exportLeads aggregates a commitment's lead lines, in order, each with the codes of the
// organisations it names that are not retired, as JSON: [{"line": "...", "codes": ["NES"]}].
const exportLeads = `coalesce((SELECT json_agg(json_build_object('line', l.line, 'codes',
		ARRAY(SELECT o.code FROM commitment_lead_organisations clo JOIN organisations o ON o.id = clo.organisation_id
		      WHERE clo.lead_id = l.id AND o.retired_at IS NULL ORDER BY clo.position)) ORDER BY l.position)
	FROM commitment_leads l WHERE l.commitment_id = c.id), '[]')`

type exportLead struct {
	Line  string   `json:"line"`
	Codes []string `json:"codes"`
}

// EachCommitment calls fn with every commitment the search selects, in its order, with its lead
// lines and the codes of the organisations they name, as rows arrive from the database: the
// results are never all held in memory. It stops at fn's first error and returns it.
func (s *Store) EachCommitment(ctx context.Context, q CommitmentSearch, fn func(tracker.Commitment) error) error {
	where, args := q.where(s.now())
	rows, err := s.pool.Query(ctx, `SELECT `+commitmentColumns+`, `+exportLeads+commitmentFrom+where+q.orderBy(), args)
	if err != nil {
		return storeError("export commitments", err, nil)
	}
	var leads []exportLead
	var fnErr error
	err = scanCommitments(rows, []any{&leads}, func(c tracker.Commitment) error {
		for _, l := range leads {
			line := tracker.LeadLine{Text: l.Line}
			for _, code := range l.Codes {
				line.Organisations = append(line.Organisations, tracker.Organisation{Code: code})
			}
			c.Leads = append(c.Leads, line)
		}
		leads = nil // the next row's are read afresh, not into these
		fnErr = fn(c)
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	return storeError("export commitments", err, nil)
}

// OpenData is the version of a plan's open data: its commitments, priority areas, the
// organisations and the published updates.
type OpenData struct {
	// Version is the data version (see DataVersion): it goes up with every committed change.
	Version int64
	// Changed is when the plan's open data last changed, as the rows' updated_at record it.
	Changed time.Time
	// UpdateDueChanged is the latest instant up to OpenDataVersion's cutoff at which a
	// commitment became due an update, or zero if none has: what a list filtered on "update due"
	// depends on besides the data.
	UpdateDueChanged time.Time
}

// OpenDataVersion returns the version of a plan's open data, for ETag and Last-Modified headers,
// with the cutoff of "update due" (tracker.UpdateDueCutoff) now by the store's clock. It reads the
// data version first and otherwise only indexes' ends and the plan's own row, so it is cheap at
// any size. It returns tracker.ErrNotFound if there is no such plan.
func (s *Store) OpenDataVersion(ctx context.Context, planID int64) (OpenData, error) {
	cutoff := tracker.UpdateDueCutoff(s.now())
	var d OpenData
	var changed [5]*time.Time
	var lastPublished *time.Time
	err := s.pool.QueryRow(ctx, `
		SELECT (SELECT version FROM data_version), pl.updated_at,
		       (SELECT max(updated_at) FROM commitments WHERE plan_id = pl.id),
		       (SELECT max(updated_at) FROM priorities WHERE plan_id = pl.id),
		       (SELECT max(updated_at) FROM organisations),
		       (SELECT max(updated_at) FROM updates WHERE state = 'published'),
		       (SELECT max(last_published_at) FROM commitments
		        WHERE plan_id = pl.id AND retired_at IS NULL AND last_published_at < $2)
		FROM plans pl WHERE pl.id = $1`, planID, cutoff).
		Scan(&d.Version, &changed[0], &changed[1], &changed[2], &changed[3], &changed[4], &lastPublished)
	if err != nil {
		return OpenData{}, storeError(fmt.Sprintf("open data version of plan %d", planID), err, nil)
	}
	for _, t := range changed {
		if t != nil && t.After(d.Changed) {
			d.Changed = *t
		}
	}
	if lastPublished != nil {
		d.UpdateDueChanged = lastPublished.Add(tracker.UpdateDueAfter)
	}
	return d, nil
}

// MonthCount is how many commitments are expected by a month with a status.
type MonthCount struct {
	Month  tracker.Month
	Status tracker.Status
	Count  int
}

// ExpectedMonthCounts counts a plan's commitments, or a priority area's when priorityID is not
// zero, by the month each is now expected by and its status, in month order.
func (s *Store) ExpectedMonthCounts(ctx context.Context, planID, priorityID int64) ([]MonthCount, error) {
	// A priority area's are counted with its own condition, so that its statement reads only the
	// area's entries of commitments_plan_cover rather than the whole plan's.
	area, args := ``, []any{planID}
	if priorityID != 0 {
		area, args = ` AND c.priority_id = $2`, append(args, priorityID)
	}
	rows, _ := s.pool.Query(ctx, `
		SELECT coalesce(c.expected_month, c.due_month), coalesce(c.status, ''), count(*)
		FROM commitments c
		WHERE c.plan_id = $1 AND c.retired_at IS NULL`+area+`
		GROUP BY 1, 2 ORDER BY 1, 2`, args...)
	var m time.Time
	var status string
	var n int
	var out []MonthCount
	_, err := pgx.ForEachRow(rows, []any{&m, &status, &n}, func() error {
		out = append(out, MonthCount{Month: tracker.MonthOf(m), Status: tracker.Status(status), Count: n})
		return nil
	})
	if err != nil {
		return nil, storeError(fmt.Sprintf("expected month counts of plan %d", planID), err, nil)
	}
	return out, nil
}

// LeadOrganisations returns the organisations that lead at least one commitment of the plan, by
// name.
func (s *Store) LeadOrganisations(ctx context.Context, planID int64) ([]tracker.Organisation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+organisationColumns+` FROM organisations o
		WHERE o.retired_at IS NULL AND EXISTS (
			SELECT 1 FROM commitment_lead_organisations clo
			JOIN commitment_leads l ON l.id = clo.lead_id
			JOIN commitments c ON c.id = l.commitment_id
			WHERE clo.organisation_id = o.id AND c.plan_id = $1 AND c.retired_at IS NULL)
		ORDER BY o.name`, planID)
	os, err := pgx.CollectRows(rows, scanOrganisation)
	if err != nil {
		return nil, storeError(fmt.Sprintf("lead organisations of plan %d", planID), err, nil)
	}
	return os, nil
}
