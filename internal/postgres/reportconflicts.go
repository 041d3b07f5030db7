package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// What a report form is told when it was based on an out-of-date view (see SaveReport).

// submittedSince returns the updates of the commitment, other than open, submitted for review
// after the submission mark seen, oldest first.
func submittedSince(ctx context.Context, tx pgx.Tx, commitmentID, seen int64, open *tracker.Update) ([]tracker.Update, error) {
	var except int64
	if open != nil {
		except = open.ID
	}
	rows, _ := tx.Query(ctx, `SELECT `+updateColumns+updateFrom+`
		WHERE u.commitment_id = $1 AND u.state = 'submitted' AND u.submission > $2 AND u.id <> $3
		ORDER BY u.submission`, commitmentID, seen, except)
	return pgx.CollectRows(rows, scanUpdate)
}

// conflict gathers what changed since the form was opened into a *tracker.ConflictError: the
// updates published since its version, the submissions since its mark, and the author's update
// as it is now.
func conflict(ctx context.Context, tx pgx.Tx, msg string, c tracker.Commitment, base tracker.ReportBase,
	open *tracker.Update, since []tracker.Update) error {
	rows, _ := tx.Query(ctx, `SELECT `+updateColumns+updateFrom+`
		WHERE u.commitment_id = $1 AND u.state = 'published' AND u.published_version > $2`+publishedOrder,
		c.ID, base.Version)
	published, err := pgx.CollectRows(rows, scanUpdate)
	if err != nil {
		return err
	}
	if since == nil {
		if since, err = submittedSince(ctx, tx, c.ID, base.Seen, open); err != nil {
			return err
		}
	}
	var mark int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(submission), 0) FROM updates WHERE commitment_id = $1`, c.ID).Scan(&mark); err != nil {
		return err
	}
	ce := &tracker.ConflictError{Message: msg, Commitment: c, Published: published, Submitted: since, Seen: mark}
	if open != nil && (open.ID != base.UpdateID || open.Version != base.UpdateVersion) {
		ce.Current = open
	}
	return ce
}

// reportError gives a conflict that a reporting transaction returned (through storeError) its
// commitment's lead lines; other errors pass as they are.
func (s *Store) reportError(ctx context.Context, err error) error {
	var ce *tracker.ConflictError
	if errors.As(err, &ce) && ce.Commitment.ID != 0 {
		if full, ferr := s.CommitmentByID(ctx, ce.Commitment.ID); ferr == nil {
			ce.Commitment = full
		}
	}
	return err
}
