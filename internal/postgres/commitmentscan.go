package postgres

// The columns of a commitment as the store reads them, and how a row of them is scanned.

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// commitmentColumns are a commitment's columns, from commitments c and priorities p, in the order
// commitmentTargets scans them.
const commitmentColumns = `c.id, c.plan_id, c.priority_id, p.number, p.slug, p.name, c.ref, c.ordinal, c.deliver,
	c.why, c.due_month, c.expected_month, coalesce(c.status, ''), coalesce(c.status_reason, ''),
	coalesce(c.source_url, ''), c.last_published_at, c.version, coalesce(c.carried_forward_plan, ''),
	c.carried_forward_plan_id, c.carried_forward_from, c.carried_forward_to, ` + lastReport

// lastReport is where a commitment's current status came from, as a row (tracker.LastReport,
// scanned by lastReportTarget): its latest published update, in publishedOrder, which the
// triggers of migration 00083 keep in commitment_last_reports as updates are published, with
// what the line shows of it (migration 00085), so that it is two lookups by key, neither in the
// updates. A row in PostgreSQL's binary format is read field by field, where JSON had to be
// parsed again; on a list page that was a twentieth of the processor time.
const lastReport = `(SELECT ROW(lr.published_at, coalesce(lr.source_period, ''), coalesce(o.name, ''))
	FROM commitment_last_reports lr
	LEFT JOIN organisations o ON o.id = lr.organisation_id
	WHERE lr.commitment_id = c.id)`

// lastReportTarget scans the row of lastReport into *r, and NULL, for a commitment with no
// published update, as nil: from the binary format field by field (pgtype.CompositeIndexScanner),
// or from the text format that the simple protocol, used through PgBouncer, gives.
type lastReportTarget struct{ r **tracker.LastReport }

// ScanText reads the row from PostgreSQL's text format, such as
// ("2026-12-01 10:00:00+00","",NES).
func (t lastReportTarget) ScanText(v pgtype.Text) error {
	if !v.Valid {
		return t.ScanNull()
	}
	fields := pgtype.NewCompositeTextScanner(nil, []byte(v.String))
	for i := 0; fields.Next(); i++ {
		var err error
		switch target := t.ScanIndex(i).(type) {
		case **time.Time:
			var at pgtype.Timestamptz
			if err = at.Scan(nullableText(fields.Bytes())); err == nil && at.Valid {
				*target = &at.Time
			}
		case *string:
			*target = string(fields.Bytes())
		default:
			err = fmt.Errorf("last report: unexpected field %d", i)
		}
		if err != nil {
			return err
		}
	}
	return fields.Err()
}

// nullableText is b as the text of a value, or nil for NULL (nil bytes).
func nullableText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// ScanNull is a commitment with no last report.
func (t lastReportTarget) ScanNull() error {
	*t.r = nil
	return nil
}

// ScanIndex is where field i of the row goes.
func (t lastReportTarget) ScanIndex(i int) any {
	if *t.r == nil {
		*t.r = &tracker.LastReport{}
	}
	switch r := *t.r; i {
	case 0:
		return &r.At
	case 1:
		return &r.Period
	case 2:
		return &r.By
	}
	return nil
}

const commitmentFrom = ` FROM commitments c JOIN priorities p ON p.id = c.priority_id`

// scanCommitment scans a row of the commitment columns.
func scanCommitment(row pgx.CollectableRow) (tracker.Commitment, error) {
	var c tracker.Commitment
	var due time.Time
	var expected *time.Time
	var status string
	err := row.Scan(commitmentTargets(&c, &due, &expected, &status)...)
	setScanned(&c, due, expected, status)
	return c, err
}

// commitmentTargets are where the commitment columns are scanned: into c, and the due and
// expected months and the status as they come, for the caller to make into c's.
func commitmentTargets(c *tracker.Commitment, due *time.Time, expected **time.Time, status *string) []any {
	return []any{&c.ID, &c.PlanID, &c.PriorityID, &c.PriorityNumber, &c.PrioritySlug, &c.PriorityName,
		&c.Ref, &c.Ordinal, &c.Deliver, &c.Why, due, expected, status, &c.StatusReason, &c.SourceURL,
		&c.LastPublishedAt, &c.Version, &c.CarriedForwardTo, &c.CarriedForwardPlanID,
		&c.CarriedForwardFromID, &c.CarriedForwardToID, lastReportTarget{&c.Reported}}
}

// setScanned gives c the due and expected months and the status scanned into commitmentTargets.
func setScanned(c *tracker.Commitment, due time.Time, expected *time.Time, status string) {
	c.Due = tracker.MonthOf(due)
	c.Expected = monthPtr(expected)
	c.Status = tracker.Status(status)
}

// collectCommitments reads rows of the commitment columns, as scanCommitments does, into a slice
// made for as many as a page holds (capacity, at most 256). Columns after the commitment's are
// scanned into extra, row after row.
func collectCommitments(rows pgx.Rows, capacity int, extra ...any) ([]tracker.Commitment, error) {
	out := make([]tracker.Commitment, 0, min(max(capacity, 0), 256))
	if err := scanCommitments(rows, extra, func(c tracker.Commitment) error {
		out = append(out, c)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// scanCommitments calls fn with each row of rows, of the commitment columns and then columns
// scanned into extra, in turn, and closes rows. Every row is scanned into one set of targets
// rather than a set made for each: a list page reads dozens, an export thousands. It stops at
// fn's first error and returns it.
func scanCommitments(rows pgx.Rows, extra []any, fn func(tracker.Commitment) error) error {
	defer rows.Close()
	var c tracker.Commitment
	var due time.Time
	var expected *time.Time
	var status string
	targets := append(commitmentTargets(&c, &due, &expected, &status), extra...)
	for rows.Next() {
		// Pointers start nil for each row, so that pgx makes new values for them rather than
		// writing into the last row's.
		c, expected = tracker.Commitment{}, nil
		if err := rows.Scan(targets...); err != nil {
			return err
		}
		setScanned(&c, due, expected, status)
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
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
