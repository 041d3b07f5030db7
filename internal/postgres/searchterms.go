package postgres

// Searches for plain words, answered from the words each commitment's search document holds.

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

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
// database in one round trip, and the lead lines of the page's commitments, by ID, in a second:
// finding the page again in the first would cost more than the round trip.
func (s *Store) searchOneWord(ctx context.Context, q CommitmentSearch, page *CommitmentPage, limit, offset int) error {
	from, args := s.oneWordFrom(q)
	args["offset"] = offset
	batch := &pgx.Batch{}
	queueCount(batch, q.Total, from, args, &page.Total)
	order := ` ORDER BY t.rank DESC, t.major, t.minor` + pageClause(limit, offset)
	batch.Queue(`SELECT `+commitmentColumns+` FROM (SELECT t.commitment_id AS id, t.rank, t.major, t.minor`+from+order+`) page
		JOIN commitments c ON c.id = page.id JOIN priorities p ON p.id = c.priority_id
		ORDER BY page.rank DESC, page.major, page.minor`, args).Query(func(rows pgx.Rows) error {
		var err error
		page.Commitments, err = collectCommitments(rows, limit)
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	return loadLeads(ctx, s.pool, page.Commitments, false)
}

// oneWordFrom is the FROM and WHERE of a search for one plain word, and their arguments.
func (s *Store) oneWordFrom(q CommitmentSearch) (string, pgx.NamedArgs) {
	filters := q
	filters.Text = ""
	where, args := filters.where(s.now())
	args["text"] = q.Text
	return s.keptFrom(q, ` FROM commitment_terms t`, `t.commitment_id`, where) + ` t.plan_id = @plan AND t.term = ` + termOf, args
}

// keptFrom is the FROM and the start of the WHERE of a search read from rows kept for the
// commitments in use only (commitment_terms, commitment_organisations): from, with its joins,
// and the conditions of where, ending in AND. The rows are joined with commitments only when
// where asks for more than the plan's commitments in use, which is what the kept rows are.
func (s *Store) keptFrom(q CommitmentSearch, from, id, where string) string {
	if plain, _ := (CommitmentSearch{PlanID: q.PlanID}).where(s.now()); where == plain {
		return from + ` WHERE`
	}
	return from + ` JOIN commitments c ON c.id = ` + id + where + ` AND`
}

// CountsApart reports whether SearchCommitments counts the search's results with a statement of
// their own, which a Total known already saves (CountSearch): a search for plain words, or for
// a lead organisation's commitments in order of ref. Other searches with text or a lead
// organisation count what they find as they rank or order it, at no further cost.
func (q CommitmentSearch) CountsApart() bool {
	return q.oneWord() || q.plainWordCount() > 0 || q.Text == "" && q.OrganisationID != 0 && q.byRef()
}

// CountSearch returns how many commitments a search for which CountsApart is true finds: what
// SearchCommitments counts, for a Total to be kept and given to it again.
func (s *Store) CountSearch(ctx context.Context, q CommitmentSearch) (int, error) {
	var from string
	var args pgx.NamedArgs
	switch n := q.plainWordCount(); {
	case q.oneWord():
		from, args = s.oneWordFrom(q)
	case n > 0:
		from, _, _, args = s.wordsFrom(q, n)
	case q.Text == "" && q.OrganisationID != 0:
		from, args = s.organisationFrom(q)
	default:
		return 0, fmt.Errorf("postgres: CountSearch of a search not counted apart: %q", q.Text)
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*)`+from, args).Scan(&n)
	return n, storeError("count search", err, nil)
}

// pageClause is the LIMIT and OFFSET of a page of a search from commitment_terms. On the first
// page, by far the most asked for, both are numbers in the statement rather than parameters: with
// a parameter for either, PostgreSQL never trusts its one generic plan of the statement to stop
// after the page, and plans it again for every request (about 1 ms for a one-word search with a
// status filter, as much as running it). Later pages pass the offset as a parameter, so that
// each is not a statement of its own.
func pageClause(limit, offset int) string {
	if offset == 0 {
		return ` LIMIT ` + strconv.Itoa(limit) + ` OFFSET 0`
	}
	return ` LIMIT ` + strconv.Itoa(limit) + ` OFFSET @offset`
}

// plainWords is search text of two or more words of letters alone, one space apart (as
// tracker.ParseSearchText leaves them): no phrase, operator or ref.
var plainWords = regexp.MustCompile(`^[A-Za-z]+( [A-Za-z]+)+$`)

// maxPlainWords is the most words searchWords looks up, one join each; longer text is searched
// by ranking every document found.
const maxPlainWords = 6

// plainWordCount is how many words a search by relevance for two or more plain words has, which
// searchWords answers; otherwise 0. "or" is an operator in web search syntax, not a word.
func (q CommitmentSearch) plainWordCount() int {
	if q.Sort != SortRelevance || !plainWords.MatchString(q.Text) {
		return 0
	}
	words := strings.Split(q.Text, " ")
	if len(words) > maxPlainWords {
		return 0
	}
	for _, w := range words {
		if strings.EqualFold(w, "or") {
			return 0
		}
	}
	return len(words)
}

// termsOf are the words of the search text as they are kept in commitment_terms: its lexemes,
// in order, without stop words and each once, so there may be fewer than the words typed.
const termsOf = `(tsvector_to_array(to_tsvector('english', @text)))`

// wordsFrom is the FROM and WHERE that find, from commitment_terms, the commitments a search for
// n plain words finds: web search syntax asks for every word, so those with a row for each word,
// a join of the words' rows, each read from the index commitment_terms_page. own is the condition
// that the commitment's own words hold every one of them (a word's rank is above 0 only where
// they hold it), where the WHERE of the search's filters on commitments c alone, and args the
// arguments of all three.
func (s *Store) wordsFrom(q CommitmentSearch, n int) (from, own, where string, args pgx.NamedArgs) {
	filters := q
	filters.Text = ""
	where, args = filters.where(s.now())
	args["text"] = q.Text
	var b strings.Builder
	b.WriteString(` FROM commitment_terms t1`)
	own = `t1.rank > 0`
	for i := 2; i <= n; i++ {
		// Text with fewer words once stemmed (stop words, a word twice) looks up its first word
		// again, which finds the same rows.
		t := `t` + strconv.Itoa(i)
		b.WriteString(` JOIN commitment_terms ` + t + ` ON ` + t + `.commitment_id = t1.commitment_id AND ` +
			t + `.plan_id = @plan AND ` + t + `.term = coalesce(` + termsOf + `[` + strconv.Itoa(i) + `], ` + termsOf + `[1])`)
		own += ` AND ` + t + `.rank > 0`
	}
	// Text of stop words alone has no terms, and finds nothing, as its empty query does.
	return s.keptFrom(q, b.String(), `t1.commitment_id`, where) + ` t1.plan_id = @plan AND t1.term = ` + termsOf + `[1]`, own, where, args
}

// searchWords fills in the page of a search for n plain words, and the number found, in exactly
// the order of SortRelevance (the ranking of every document found), without reading the
// commitments that cannot rank. ts_rank_cd of the commitment's own words for all the words is
// above 0 only where its own words hold every one of them (wordsFrom's own), and 0 for the
// rest, which follow by ref, as ranking them would put them; none is ever a ref. So the page
// is the commitments whose own words hold every word, ranked, followed by the others in order of
// ref: the others are read only for a page that goes past the first. The commitments whose own
// words hold every word are found in the index of their own words (commitments_search_document),
// which matches all the words at once: "cyber resilience" finds its 120 there in a fifth of a
// millisecond, where joining the 1,128 and 1,324 rows of each word's own commitments in
// commitment_terms took a millisecond. The others, and the count, unless known already
// (CountSearch), come from commitment_terms; the count goes in the same round trip.
func (s *Store) searchWords(ctx context.Context, q CommitmentSearch, n int, page *CommitmentPage, limit, offset int) error {
	from, own, where, args := s.wordsFrom(q, n)
	args["offset"] = offset
	batch := &pgx.Batch{}
	queueCount(batch, q.Total, from, args, &page.Total)
	batch.Queue(`WITH page AS (
			(SELECT c.id, `+relevance+` AS rank,
			        split_part(c.ref, '.', 1)::integer AS major, split_part(c.ref, '.', 2)::integer AS minor
			 FROM commitments c`+where+` AND c.search @@ `+searchQuery+`
			 ORDER BY 2 DESC, 3, 4)
			UNION ALL
			(SELECT t1.commitment_id, 0, t1.major, t1.minor`+from+` AND NOT (`+own+`) ORDER BY 3, 4)`+pageClause(limit, offset)+`)
		SELECT `+commitmentColumns+` FROM page
		JOIN commitments c ON c.id = page.id JOIN priorities p ON p.id = c.priority_id
		ORDER BY page.rank DESC, page.major, page.minor`, args).Query(func(rows pgx.Rows) error {
		var err error
		page.Commitments, err = collectCommitments(rows, limit)
		return err
	})
	return s.pool.SendBatch(ctx, batch).Close()
}
