package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The CSV of a plan's published updates is made by PostgreSQL and streamed to the writer with
// COPY ... TO STDOUT, so that a million updates take seconds and no memory that grows with them:
// each row's line of CSV is built in SQL, byte for byte as the portal's CSV writer (Go's
// encoding/csv with CRLF line ends, after the formula guard of server.csvCell) would write it,
// which a test in internal/server checks. COPY's own CSV format cannot be used: it ends lines
// with LF only, quotes empty strings and not leading spaces. Instead each row is (id, line) in
// COPY's binary format, whose framing copyCSV takes off.

// csvTextField returns SQL that writes the text expression x (never NULL) as a CSV field:
// neutralised with an apostrophe where a spreadsheet would run it as a formula (it begins with
// =, +, -, @, a tab or a carriage return), then quoted where encoding/csv quotes it (it holds a
// comma, a quote, CR or LF, begins with a space as unicode.IsSpace has it, or is `\.`), with
// quotes doubled, carriage returns dropped and line feeds written CR LF.
func csvTextField(x string) string {
	const formula = `'^[=+@\t\r-]'`
	return `CASE WHEN ` + x + ` ~ '[",\r\n]' THEN '"' || CASE WHEN ` + x + ` ~ ` + formula + ` THEN '''' ELSE '' END
			|| replace(replace(replace(` + x + `, '"', '""'), E'\r', ''), E'\n', E'\r\n') || '"'
		WHEN ` + x + ` ~ ` + formula + ` THEN '''' || ` + x + `
		WHEN ` + x + ` ~ '^[ \t\n\v\f\r\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]' OR ` + x + ` = '\.'
			THEN '"' || ` + x + ` || '"'
		ELSE ` + x + ` END`
}

// updateCSVLine is a published update's line of the CSV, columns in the order of
// server.updateCSVHeader. Fields whose form is fixed (numbers, references, statuses, months and
// times) never need quoting or the formula guard.
var updateCSVLine = strings.Join([]string{
	`u.id::text`,
	`c.ref`,
	csvTextField(`((SELECT current_setting('delivery_tracker.export_commitment_url')) || c.ref)`),
	`u.status::text`,
	csvTextField(`coalesce(u.status_label, '')`),
	csvTextField(`coalesce(u.narrative, '')`),
	`coalesce(to_char(u.expected_month, 'YYYY-MM'), '')`,
	csvTextField(`coalesce(nullif(o.name, ''), nullif(u.source_title, ''), 'Scottish Government')`),
	csvTextField(`coalesce(o.code, '')`),
	`coalesce(to_char(u.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '')`,
	csvTextField(`coalesce(u.source_title, '')`),
	csvTextField(`coalesce(u.source_period, '')`),
	csvTextField(`coalesce(u.source_url, '')`),
	csvTextField(`coalesce(u.evidence_url, '')`),
	csvTextField(`coalesce(u.status_reason, '')`),
	csvTextField(`coalesce(u.carried_forward_plan, '')`),
	csvTextField(`coalesce(u.timescale, '')`),
	`to_char(c.due_month, 'YYYY-MM')`,
}, ` || ',' || `) + ` || E'\r\n'`

// CopyPublishedUpdatesCSV writes the line of CSV of every published update of a plan's
// commitments that are not retired, oldest first (as EachPublishedUpdate gives them), to w;
// commitmentURL begins the address of each commitment's page, which its reference ends. The
// updates are copied in chunks, each by its own short statement, within one read-only
// transaction so that together they show the data as it was when the export began; only the
// connection's buffers are held in memory, however many there are. It writes no header.
func (s *Store) CopyPublishedUpdatesCSV(ctx context.Context, planID int64, commitmentURL string, w io.Writer) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// COPY takes no parameters: the address goes in a setting of the transaction.
		if _, err := tx.Exec(ctx, `SELECT set_config('delivery_tracker.export_commitment_url', $1, true)`, commitmentURL); err != nil {
			return err
		}
		conn := tx.Conn().PgConn()
		var after int64
		for {
			rows := &copyCSV{w: w, last: after}
			_, err := conn.CopyTo(ctx, rows, `COPY (SELECT u.id, `+updateCSVLine+`
				FROM updates u
				JOIN commitments c ON c.id = u.commitment_id
				LEFT JOIN organisations o ON o.id = u.organisation_id
				WHERE u.state = 'published' AND c.plan_id = `+strconv.FormatInt(planID, 10)+`
				  AND c.retired_at IS NULL AND u.id > `+strconv.FormatInt(after, 10)+`
				ORDER BY u.id LIMIT `+strconv.Itoa(exportChunk)+`) TO STDOUT (FORMAT binary)`)
			if err == nil {
				err = rows.finish()
			}
			if err != nil {
				return err
			}
			if rows.n < exportChunk {
				return nil
			}
			after = rows.last
		}
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

// copySignature begins the binary format of COPY.
const copySignature = "PGCOPY\n\xff\r\n\x00"

// copyCSV takes the framing off COPY's binary format of rows (id bigint, line text), writing
// each line to w and keeping the last id. Messages may split a row anywhere: what is left of one
// waits in pending for the next.
type copyCSV struct {
	w       io.Writer
	pending []byte
	header  bool
	ended   bool
	n       int
	last    int64
}

var errCopyFormat = errors.New("unexpected COPY binary data")

// Write takes the next bytes of the COPY.
func (c *copyCSV) Write(p []byte) (int, error) {
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
func (c *copyCSV) parse(data []byte) (int, error) {
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
	for used+2 <= len(data) && !c.ended {
		fields := int16(binary.BigEndian.Uint16(data[used:]))
		if fields == -1 {
			c.ended = true
			used += 2
			break
		}
		if fields != 2 {
			return 0, errCopyFormat
		}
		// id: length 8 and a bigint; then the line's length and bytes.
		if used+2+4+8+4 > len(data) {
			break
		}
		if binary.BigEndian.Uint32(data[used+2:]) != 8 {
			return 0, errCopyFormat
		}
		id := int64(binary.BigEndian.Uint64(data[used+6:]))
		n := int(int32(binary.BigEndian.Uint32(data[used+14:])))
		if n < 0 {
			return 0, errCopyFormat
		}
		end := used + 18 + n
		if end > len(data) {
			break
		}
		if _, err := c.w.Write(data[used+18 : end]); err != nil {
			return 0, writeError{err}
		}
		c.n++
		c.last = id
		used = end
	}
	return used, nil
}

// finish checks that the COPY ended where its data says it does.
func (c *copyCSV) finish() error {
	if !c.ended || len(c.pending) > 0 {
		return errCopyFormat
	}
	return nil
}
