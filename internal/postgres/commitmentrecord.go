package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// CommitmentRecord is what a commitment's public page shows besides the commitment itself.
type CommitmentRecord struct {
	// History is the page of its published history asked for.
	History History
	// Amendments are the changes staff made to its text, newest first.
	Amendments []tracker.Amendment
	// Changed is when it last changed through the portal in what the public sees of it, nil when
	// it has not since its plan was loaded (see commitmentChanged).
	Changed *time.Time
}

// CommitmentRecord returns a page of a commitment's published history (as PublishedUpdatesPage),
// its amendments and when it last changed, in one round trip.
func (s *Store) CommitmentRecord(ctx context.Context, commitmentID int64, limit, offset int) (CommitmentRecord, error) {
	var r CommitmentRecord
	batch := &pgx.Batch{}
	batch.Queue(publishedPage, commitmentID, limit, offset).Query(func(rows pgx.Rows) error {
		var err error
		r.History, err = collectHistory(rows)
		return err
	})
	batch.Queue(amendmentsOf, commitmentID).Query(func(rows pgx.Rows) error {
		var err error
		r.Amendments, err = pgx.CollectRows(rows, scanAmendment)
		return err
	})
	batch.Queue(commitmentChanged, commitmentID).QueryRow(func(row pgx.Row) error { return row.Scan(&r.Changed) })
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return CommitmentRecord{}, storeError(fmt.Sprintf("record of commitment %d", commitmentID), err, nil)
	}
	return r, nil
}
