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
	// The first character is tested by its code (ascii gives the code point), and the rest by
	// byte searches: regular expressions would be many times slower, each call converting the
	// whole text to wide characters first.
	formula := `ascii(` + x + `) IN (61, 43, 45, 64, 9, 13)` // = + - @ tab CR
	return `CASE WHEN ` + x + ` = '' THEN ''
		WHEN strpos(` + x + `, ',') > 0 OR strpos(` + x + `, '"') > 0 OR strpos(` + x + `, E'\n') > 0
				OR strpos(` + x + `, E'\r') > 0
			THEN '"' || CASE WHEN ` + formula + ` THEN '''' ELSE '' END
				|| replace(replace(replace(` + x + `, '"', '""'), E'\r', ''), E'\n', E'\r\n') || '"'
		WHEN ` + formula + ` THEN '''' || ` + x + `
		WHEN ascii(` + x + `) IN (32, 11, 12, 133, 160, 5760, 8232, 8233, 8239, 8287, 12288)
				OR ascii(` + x + `) BETWEEN 8192 AND 8202 OR ` + x + ` = E'\\.'
			THEN '"' || ` + x + ` || '"'
		ELSE ` + x + ` END`
}

// updateCSVLine is a published update's line of the CSV, columns in the order of
// server.updateCSVHeader, from the columns of updateCSVRows. Fields whose form is fixed (numbers,
// references, statuses, months and times) never need quoting or the formula guard, and the
// commitment's address is its reference between url_open and url_close, the rest of the address
// as the CSV writes it. No field is ever NULL, which concat_ws would leave out.
var updateCSVLine = `concat_ws(',', ` + strings.Join([]string{
	`id::text`, `ref`, `url_open || ref || url_close`, `status`,
	csvTextField(`status_label`), csvTextField(`narrative`), `expected_month`, csvTextField(`reported_by`),
	csvTextField(`organisation_code`), `published_at`, csvTextField(`source_title`), csvTextField(`source_period`),
	csvTextField(`source_url`), csvTextField(`evidence_url`), csvTextField(`status_reason`),
	csvTextField(`carried_forward_to`), csvTextField(`timescale`), `due_month`,
}, `, `) + `) || E'\r\n'`

// updateCSVRows are the fields of updateCSVLine, as text that is never NULL, computed once a row.
const updateCSVRows = `SELECT u.id, c.ref, u.status::text AS status, coalesce(u.status_label, '') AS status_label,
		coalesce(u.narrative, '') AS narrative, coalesce(to_char(u.expected_month, 'YYYY-MM'), '') AS expected_month,
		coalesce(nullif(o.name, ''), nullif(u.source_title, ''), 'Scottish Government') AS reported_by,
		coalesce(o.code, '') AS organisation_code,
		coalesce(to_char(u.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS published_at,
		coalesce(u.source_title, '') AS source_title, coalesce(u.source_period, '') AS source_period,
		coalesce(u.source_url, '') AS source_url, coalesce(u.evidence_url, '') AS evidence_url,
		coalesce(u.status_reason, '') AS status_reason, coalesce(u.carried_forward_plan, '') AS carried_forward_to,
		coalesce(u.timescale, '') AS timescale, to_char(c.due_month, 'YYYY-MM') AS due_month
	FROM updates u
	JOIN commitments c ON c.id = u.commitment_id
	LEFT JOIN organisations o ON o.id = u.organisation_id`

// CopyPublishedUpdatesCSV writes the line of CSV of every published update of a plan's
// commitments that are not retired, oldest first (as EachPublishedUpdate gives them), to w. The
// address of each commitment's page is urlOpen, its reference and urlClose: the rest of the
// address as the CSV has it, quoted or not. The updates are copied in chunks, each by its own
// short statement, within one read-only transaction so that together they show the data as it
// was when the export began; only the connection's buffers are held in memory, however many
// there are. It writes no header.
func (s *Store) CopyPublishedUpdatesCSV(ctx context.Context, planID int64, urlOpen, urlClose string, w io.Writer) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		// COPY takes no parameters: the address goes in settings of the transaction.
		if _, err := tx.Exec(ctx, `SELECT set_config('delivery_tracker.export_url_open', $1, true),
			set_config('delivery_tracker.export_url_close', $2, true)`, urlOpen, urlClose); err != nil {
			return err
		}
		conn := tx.Conn().PgConn()
		var after int64
		for {
			rows := &copyCSV{w: w, last: after}
			_, err := conn.CopyTo(ctx, rows, `COPY (SELECT id, `+updateCSVLine+` FROM (`+updateCSVRows+`
				WHERE u.state = 'published' AND c.plan_id = `+strconv.FormatInt(planID, 10)+`
				  AND c.retired_at IS NULL AND u.id > `+strconv.FormatInt(after, 10)+`
				ORDER BY u.id LIMIT `+strconv.Itoa(exportChunk)+`) u,
				(SELECT current_setting('delivery_tracker.export_url_open') AS url_open,
				        current_setting('delivery_tracker.export_url_close') AS url_close) url
				ORDER BY id) TO STDOUT (FORMAT binary)`)
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
