package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

const updateColumns = `u.id, u.commitment_id, c.ref, u.state, u.status, coalesce(u.status_label, ''),
	coalesce(u.narrative, ''), u.expected_month, coalesce(u.timescale, ''), coalesce(u.evidence_url, ''),
	coalesce(u.status_reason, ''), coalesce(u.base_version, 0), u.author_id, coalesce(a.name, ''),
	u.organisation_id, coalesce(o.code, ''), coalesce(o.name, ''), coalesce(u.source_title, ''),
	coalesce(u.source_period, ''), coalesce(u.source_url, ''), coalesce(u.review_note, ''),
	coalesce(r.name, ''), u.submitted_at, u.returned_at, u.published_at, u.created_at, u.updated_at,
	u.version, coalesce(u.carried_forward_plan, ''), u.carried_forward_plan_id, coalesce(u.base_submission, 0),
	coalesce(u.submission, 0), coalesce(u.published_version, 0), u.reviewer_id, coalesce(u.on_track_reason, '')`

const updateFrom = ` FROM updates u
	JOIN commitments c ON c.id = u.commitment_id
	LEFT JOIN users a ON a.id = u.author_id
	LEFT JOIN users r ON r.id = u.reviewer_id
	LEFT JOIN organisations o ON o.id = u.organisation_id`

// publishedOrder puts the newest published update first: portal updates in the order they were
// published, by the commitment version each made (the order the commitment's lock gave them,
// whatever the clocks of the instances that published them said), then reports taken from plans
// by the plan's period (they have no publication time).
const publishedOrder = ` ORDER BY u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST, u.source_period DESC NULLS LAST, u.id DESC`

func scanUpdate(row pgx.CollectableRow) (tracker.Update, error) {
	return scanUpdateWith(row)
}

// scanUpdateWith scans the update columns and then, into extra, any columns that follow them.
func scanUpdateWith(row pgx.CollectableRow, extra ...any) (tracker.Update, error) {
	var u tracker.Update
	var state, status string
	var expected *time.Time
	targets := []any{&u.ID, &u.CommitmentID, &u.CommitmentRef, &state, &status, &u.StatusLabel,
		&u.Narrative, &expected, &u.Timescale, &u.EvidenceURL, &u.StatusReason, &u.BaseVersion,
		&u.AuthorID, &u.AuthorName, &u.OrganisationID, &u.OrganisationCode, &u.OrganisationName,
		&u.SourceTitle, &u.SourcePeriod, &u.SourceURL, &u.ReviewNote, &u.ReviewerName,
		&u.SubmittedAt, &u.ReturnedAt, &u.PublishedAt, &u.CreatedAt, &u.UpdatedAt, &u.Version,
		&u.CarriedForwardTo, &u.CarriedForwardPlanID, &u.BaseSubmission, &u.Submission, &u.PublishedVersion,
		&u.ReviewerID, &u.OnTrackReason}
	err := row.Scan(append(targets, extra...)...)
	u.State = tracker.UpdateState(state)
	u.Status = tracker.Status(status)
	u.Expected = monthPtr(expected)
	return u, err
}

// PublishedUpdates returns the published history of a commitment, newest first.
func (s *Store) PublishedUpdates(ctx context.Context, commitmentID int64) ([]tracker.Update, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+updateColumns+updateFrom+`
		WHERE u.commitment_id = $1 AND u.state = 'published'`+publishedOrder, commitmentID)
	us, err := pgx.CollectRows(rows, scanUpdate)
	return us, storeError(fmt.Sprintf("published updates of commitment %d", commitmentID), err, nil)
}

// History is a page of a commitment's published history, newest first (see CommitmentRecord).
type History struct {
	Updates []tracker.Update
	// Total is how many published updates the commitment has in all (0 when the page is past the
	// last), and LatestPeriod the latest period any of them reports (tracker.LatestReportedPeriod
	// of the whole history).
	Total        int
	LatestPeriod string
}

// publishedPage selects the published updates of the commitment $1 after the first $3, newest
// first, at most $2 of them, each with how many there are in all and the latest period any
// reports. The page's updates are found, in order, from the commitment's own rows before
// anything is joined to them, and the whole history is counted in the same statement: work
// that grows with the page rather than the history.
const publishedPage = `SELECT ` + updateColumns + `, page.total, page.latest
	FROM (SELECT u.id, u.published_version, u.published_at, u.source_period,
	             count(*) OVER () AS total, max(coalesce(u.source_period, '')) OVER () AS latest
	      FROM updates u WHERE u.commitment_id = $1 AND u.state = 'published'` + publishedOrder + `
	      LIMIT $2 OFFSET $3) page
	JOIN updates u ON u.id = page.id
	JOIN commitments c ON c.id = u.commitment_id
	LEFT JOIN users a ON a.id = u.author_id
	LEFT JOIN users r ON r.id = u.reviewer_id
	LEFT JOIN organisations o ON o.id = u.organisation_id` + publishedOrder

func collectHistory(rows pgx.Rows) (History, error) {
	var h History
	var err error
	h.Updates, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (tracker.Update, error) {
		return scanUpdateWith(row, &h.Total, &h.LatestPeriod)
	})
	return h, err
}
