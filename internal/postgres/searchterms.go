package postgres

// A search for one plain word, answered from the words each commitment's search document holds.

import (
	"context"
	"regexp"

	"github.com/jackc/pgx/v5"
)

// plainWord is search text that is one word of letters alone: no phrase, operator or ref.
var plainWord = regexp.MustCompile(`^[A-Za-z]+$`)

// oneWord says whether the search is for one plain word by relevance, which the words kept in
// commitment_terms answer in the order the ranking of SortRelevance gives: a plain word is
// never a ref, so the order is the rank of the commitment's own words for the word, then ref.
func (q CommitmentSearch) oneWord() bool {
	return q.Sort == SortRelevance && plainWord.MatchString(q.Text)
}

// termOf is the one word of the search text as it is kept in commitment_terms: its lexeme.
const termOf = `(SELECT trim(both '''' FROM websearch_to_tsquery('english', @text)::text))`

// searchOneWord fills in the page of a search for one plain word, and the number found, from
// commitment_terms: the page is read in order from the index commitment_terms_page and stops
// after it, and without other filters the count reads the same index alone. Both go to the
// database in one round trip.
func (s *Store) searchOneWord(ctx context.Context, q CommitmentSearch, page *CommitmentPage, limit, offset int) error {
	filters := q
	filters.Text = ""
	where, args := filters.where(s.now())
	args["text"], args["limit"], args["offset"] = q.Text, limit, offset
	from := ` FROM commitment_terms t JOIN commitments c ON c.id = t.commitment_id` + where + ` AND`
	if plain, _ := (CommitmentSearch{PlanID: q.PlanID}).where(s.now()); where == plain {
		// Terms are kept for commitments in use only: nothing else to check.
		from = ` FROM commitment_terms t WHERE`
	}
	from += ` t.plan_id = @plan AND t.term = ` + termOf
	batch := &pgx.Batch{}
	batch.Queue(`SELECT count(*)`+from, args).QueryRow(func(row pgx.Row) error { return row.Scan(&page.Total) })
	batch.Queue(`SELECT `+commitmentColumns+` FROM (SELECT t.commitment_id AS id, t.rank, t.major, t.minor`+from+`
			ORDER BY t.rank DESC, t.major, t.minor LIMIT @limit OFFSET @offset) page
		JOIN commitments c ON c.id = page.id JOIN priorities p ON p.id = c.priority_id
		ORDER BY page.rank DESC, page.major, page.minor`, args).Query(func(rows pgx.Rows) error {
		var err error
		page.Commitments, err = pgx.CollectRows(rows, scanCommitment)
		return err
	})
	return s.pool.SendBatch(ctx, batch).Close()
}
