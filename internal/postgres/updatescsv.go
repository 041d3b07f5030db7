package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// The CSV of a plan's published updates is read with one COPY ... TO STDOUT (FORMAT binary) of
// the updates' own columns, in the order of their primary key, and each line of CSV is written
// in Go as the rows stream in: a million updates take seconds and no memory that grows with
// them. The database does no more than read the rows: the commitments' references, addresses
// and due months, and the organisations' names and codes, are read first (one row each) and
// looked up by id, rather than joined to each of the million rows, and no text is formatted in
// SQL. Each field is written byte for byte as the portal's CSV writer (Go's encoding/csv with CR
// LF line ends, after the formula guard of server.csvCell) would write it, which a test in
// internal/server checks. COPY's own CSV format is not used: it ends lines with LF only, quotes
// empty strings and not leading spaces, and knows nothing of formulas.

// copySignature begins the binary format of COPY.
const copySignature = "PGCOPY\n\xff\r\n\x00"

// updateCSVColumns are the columns COPY reads, in the order copyUpdatesCSV.row takes them.
const updateCSVColumns = `u.id, u.commitment_id, u.status, u.status_label, u.narrative, u.expected_month,
	u.organisation_id, u.source_title, u.published_at, u.source_period, u.source_url, u.evidence_url,
	u.status_reason, u.carried_forward_plan, u.timescale`

const updateCSVFields = 15

// csvCommitment is what a line of the CSV takes from its commitment, written as CSV already:
// the reference, the address and the due month, each followed by its comma.
type csvCommitment struct{ ref, url, due []byte }

// csvOrganisation is an organisation's name and code.
type csvOrganisation struct{ name, code []byte }

// CopyPublishedUpdatesCSV writes the line of CSV of every published update of a plan's
// commitments that are not retired, oldest first (as EachPublishedUpdate gives them), to w. The
// address of each commitment's page is urlOpen, its reference and urlClose: the rest of the
// address as the CSV has it, quoted or not. Everything is read within one read-only transaction,
// so that it shows the data as it was when the export began; only the connection's buffers and a
// line are held in memory, however many updates there are. The one COPY may run for as long as
// ctx allows (the export's own deadline) rather than the statement timeout of a page. It writes
// no header.
func (s *Store) CopyPublishedUpdatesCSV(ctx context.Context, planID int64, urlOpen, urlClose string, w io.Writer) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if deadline, ok := ctx.Deadline(); ok {
			ms := max(time.Until(deadline).Milliseconds(), 1)
			if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true)`, strconv.FormatInt(ms, 10)); err != nil {
				return err
			}
		}
		c := &copyUpdatesCSV{w: w, commitments: map[int64]csvCommitment{}, organisations: map[int64]csvOrganisation{}}
		rows, _ := tx.Query(ctx, `SELECT id, ref, to_char(due_month, 'YYYY-MM') FROM commitments
			WHERE plan_id = $1 AND retired_at IS NULL`, planID)
		var id int64
		var ref, due string
		if _, err := pgx.ForEachRow(rows, []any{&id, &ref, &due}, func() error {
			c.commitments[id] = csvCommitment{
				ref: append(appendCSVField(nil, ref), ','),
				url: append([]byte(urlOpen+ref+urlClose), ','),
				due: appendCSVField(nil, due),
			}
			return nil
		}); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT id, coalesce(name, ''), coalesce(code, '') FROM organisations`)
		var name, code string
		if _, err := pgx.ForEachRow(rows, []any{&id, &name, &code}, func() error {
			c.organisations[id] = csvOrganisation{name: []byte(name), code: []byte(code)}
			return nil
		}); err != nil {
			return err
		}
		if len(c.commitments) == 0 {
			return nil
		}
		_, err := tx.Conn().PgConn().CopyTo(ctx, c, `COPY (SELECT `+updateCSVColumns+` FROM updates u
			WHERE u.state = 'published' AND u.commitment_id IN (SELECT id FROM commitments
				WHERE plan_id = `+strconv.FormatInt(planID, 10)+` AND retired_at IS NULL)
			ORDER BY u.id) TO STDOUT (FORMAT binary)`)
		if err == nil {
			err = c.finish()
		}
		return err
	})
	var we writeError
	if errors.As(err, &we) {
		return we.err
	}
	if err != nil {
		return storeError(fmt.Sprintf("copy updates of plan %d", planID), err, nil)
	}
	return nil
}

// writeError is an error of the writer a COPY's rows go to, told apart from the database's.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

var errCopyFormat = errors.New("unexpected COPY binary data")

// copyRows takes the framing off COPY's binary format, giving each row's fields (nil for NULL)
// to row. Messages may split a row anywhere: what is left of one waits in pending for the next.
type copyRows struct {
	fields  int
	row     func(fields [][]byte) error
	pending []byte
	values  [][]byte
	header  bool
	ended   bool
	n       int
}

// Write takes the next bytes of the COPY.
func (c *copyRows) Write(p []byte) (int, error) {
	data := p
	if len(c.pending) > 0 {
		c.pending = append(c.pending, p...)
		data = c.pending
	}
	used, err := c.parse(data)
	if err != nil {
		return 0, err
	}
	rest := data[used:]
	if len(c.pending) > 0 {
		c.pending = append(c.pending[:0], rest...)
	} else if len(rest) > 0 {
		c.pending = append([]byte(nil), rest...)
	}
	return len(p), nil
}

// parse consumes every whole part of data, returning how many bytes it used.
func (c *copyRows) parse(data []byte) (int, error) {
	used := 0
	if !c.header {
		if len(data) < len(copySignature)+8 {
			return 0, nil
		}
		if string(data[:len(copySignature)]) != copySignature {
			return 0, errCopyFormat
		}
		ext := int(binary.BigEndian.Uint32(data[len(copySignature)+4:]))
		if len(data) < len(copySignature)+8+ext {
			return 0, nil
		}
		used = len(copySignature) + 8 + ext
		c.header = true
	}
rows:
	for used+2 <= len(data) && !c.ended {
		fields := int16(binary.BigEndian.Uint16(data[used:]))
		if fields == -1 {
			c.ended = true
			used += 2
			break
		}
		if int(fields) != c.fields {
			return 0, errCopyFormat
		}
		c.values = c.values[:0]
		at := used + 2
		for range c.fields {
			if at+4 > len(data) {
				break rows
			}
			n := int(int32(binary.BigEndian.Uint32(data[at:])))
			at += 4
			if n < 0 {
				if n != -1 {
					return 0, errCopyFormat
				}
				c.values = append(c.values, nil)
				continue
			}
			if at+n > len(data) {
				break rows
			}
			c.values = append(c.values, data[at:at+n:at+n])
			at += n
		}
		if err := c.row(c.values); err != nil {
			return 0, err
		}
		c.n++
		used = at
	}
	return used, nil
}

// finish checks that the COPY ended where its data says it does.
func (c *copyRows) finish() error {
	if !c.ended || len(c.pending) > 0 {
		return errCopyFormat
	}
	return nil
}

// copyUpdatesCSV writes the line of CSV of each row of updateCSVColumns.
type copyUpdatesCSV struct {
	copyRows
	w             io.Writer
	commitments   map[int64]csvCommitment
	organisations map[int64]csvOrganisation
	line          []byte
	months        map[int32][]byte
}

func (c *copyUpdatesCSV) Write(p []byte) (int, error) {
	if c.row == nil {
		c.fields, c.row = updateCSVFields, c.writeLine
	}
	return c.copyRows.Write(p)
}

// reportedBy is who the CSV says reported an update without an organisation or a source.
var reportedBy = []byte("Scottish Government")

// writeLine writes one update's line, columns in the order of server.updateCSVHeader: id,
// commitment_ref, commitment_url, status, status_label, narrative, expected_month, reported_by,
// organisation_code, published_at, source_title, source_period, source_url, evidence_url,
// status_reason, carried_forward_to, timescale, due_month.
func (c *copyUpdatesCSV) writeLine(f [][]byte) error {
	if len(f[0]) != 8 || len(f[1]) != 8 || (f[6] != nil && len(f[6]) != 8) {
		return errCopyFormat
	}
	cm, ok := c.commitments[int64(binary.BigEndian.Uint64(f[1]))]
	if !ok {
		return errCopyFormat
	}
	var org csvOrganisation
	if f[6] != nil {
		org = c.organisations[int64(binary.BigEndian.Uint64(f[6]))]
	}
	b := strconv.AppendInt(c.line[:0], int64(binary.BigEndian.Uint64(f[0])), 10)
	b = append(b, ',')
	b = append(b, cm.ref...)
	b = append(b, cm.url...)
	b = append(appendCSVField(b, f[2]), ',')
	b = append(appendCSVField(b, f[3]), ',')
	b = append(appendCSVField(b, f[4]), ',')
	month, err := c.month(f[5])
	if err != nil {
		return err
	}
	b = append(append(b, month...), ',')
	switch {
	case len(org.name) > 0:
		b = appendCSVField(b, org.name)
	case len(f[7]) > 0:
		b = appendCSVField(b, f[7])
	default:
		b = append(b, reportedBy...)
	}
	b = append(b, ',')
	b = append(appendCSVField(b, org.code), ',')
	if f[8] != nil {
		if len(f[8]) != 8 {
			return errCopyFormat
		}
		b = pgEpoch.Add(time.Duration(int64(binary.BigEndian.Uint64(f[8])))*time.Microsecond).UTC().
			AppendFormat(b, time.RFC3339)
	}
	b = append(appendCSVField(append(b, ','), f[7]), ',')
	for _, v := range f[9:] {
		b = append(appendCSVField(b, v), ',')
	}
	b = append(b, cm.due...)
	b = append(b, '\r', '\n')
	c.line = b
	if _, err := c.w.Write(b); err != nil {
		return writeError{err}
	}
	return nil
}

// pgEpoch is where PostgreSQL counts its dates and times from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// month returns a date in COPY's binary format (days from pgEpoch) as its month, YYYY-MM, or
// nothing for NULL.
func (c *copyUpdatesCSV) month(v []byte) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if len(v) != 4 {
		return nil, errCopyFormat
	}
	days := int32(binary.BigEndian.Uint32(v))
	if m, ok := c.months[days]; ok {
		return m, nil
	}
	if c.months == nil {
		c.months = map[int32][]byte{}
	}
	m := pgEpoch.AddDate(0, 0, int(days)).AppendFormat(nil, "2006-01")
	c.months[days] = m
	return m, nil
}

// appendCSVField appends the text v as the portal's CSV writer writes a cell: neutralised with an
// apostrophe where a spreadsheet would run it as a formula (tracker.FormulaStarts), then quoted
// where encoding/csv quotes it (it holds a comma, a quote, CR or LF, begins with a space as
// unicode.IsSpace has it, or is `\.`), with quotes doubled, carriage returns dropped and line
// feeds written CR LF.
func appendCSVField[T string | []byte](b []byte, v T) []byte {
	if len(v) == 0 {
		return b
	}
	formula := strings.IndexByte(tracker.FormulaStarts, v[0]) >= 0
	quote := false
	if !formula {
		r, _ := utf8.DecodeRuneInString(string(v[:min(len(v), utf8.UTFMax)]))
		quote = unicode.IsSpace(r) || string(v) == `\.`
	}
	if !quote {
		for i := 0; i < len(v); i++ {
			if ch := v[i]; ch == ',' || ch == '"' || ch == '\r' || ch == '\n' {
				quote = true
				break
			}
		}
	}
	if !quote {
		if formula {
			b = append(b, '\'')
		}
		return append(b, v...)
	}
	b = append(b, '"')
	if formula {
		b = append(b, '\'')
	}
	for i := 0; i < len(v); i++ {
		switch ch := v[i]; ch {
		case '"':
			b = append(b, '"', '"')
		case '\r':
		case '\n':
			b = append(b, '\r', '\n')
		default:
			b = append(b, ch)
		}
	}
	return append(b, '"')
}
