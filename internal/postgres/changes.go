package postgres

import (
	"context"
	"fmt"
	"time"
)

// changedThroughPortal is the SQL expression of when a row of commitments or priorities (r) of
// plan pl last changed through the portal: when it was last changed, if it has been since it
// was added (every change made through the portal raises its version, publishing an update on
// a commitment included); otherwise when it was added, if it was added after the plan itself.
// The rows a plan was loaded with, from a migration or with the plan, have neither: their time
// is the plan's publication, not the day the database was filled. updated_at alone would not
// do: the search columns' upkeep touches it without a change anyone sees.
const changedThroughPortal = `CASE WHEN r.version > 1 THEN r.updated_at
	WHEN r.created_at > pl.created_at THEN r.created_at END`

// commitmentChanged selects when the commitment $1 last changed through the portal, in what the
// public sees of it: an update on it published, its text or lead lines amended, or it carried
// forward; null when it has not changed since the plan it belongs to was loaded. Its page reads
// it (CommitmentRecord).
const commitmentChanged = `SELECT greatest(` + changedThroughPortal + `, r.last_published_at)
	FROM commitments r JOIN plans pl ON pl.id = r.plan_id WHERE r.id = $1`

// PlanChanges is when the public data of a plan last changed.
type PlanChanges struct {
	// At is the latest change made through the portal to the plan, its priority areas or
	// commitments (updates published on them included), or to an organisation: nil if there has
	// been none since the plan was loaded.
	At *time.Time
	// ReportedIn is the latest period of the progress on its commitments taken from published
	// plans, such as "2025-26", or "" if there is none.
	ReportedIn string
}

// PlanChanged returns when the public data of a plan last changed. A commitment or priority area
// retired counts as a change. It reads every commitment of the plan, through indexes, and each
// one's published updates taken from plans (which have no publication time), so it suits a page
// kept per data version. It returns tracker.ErrNotFound if there is no such plan.
func (s *Store) PlanChanged(ctx context.Context, planID int64) (PlanChanges, error) {
	var c PlanChanges
	err := s.pool.QueryRow(ctx, `
		SELECT greatest(
			CASE WHEN pl.version > 1 THEN pl.updated_at END,
			(SELECT max(`+changedThroughPortal+`) FROM commitments r WHERE r.plan_id = pl.id),
			(SELECT max(r.last_published_at) FROM commitments r WHERE r.plan_id = pl.id),
			(SELECT max(`+changedThroughPortal+`) FROM priorities r WHERE r.plan_id = pl.id),
			(SELECT max(o.updated_at) FROM organisations o WHERE o.version > 1)),
			coalesce((SELECT max(x.period) FROM commitments c CROSS JOIN LATERAL (
			              SELECT max(u.source_period) AS period FROM updates u
			              WHERE u.commitment_id = c.id AND u.state = 'published' AND u.published_at IS NULL) x
			          WHERE c.plan_id = pl.id AND c.retired_at IS NULL), '')
		FROM plans pl WHERE pl.id = $1 AND pl.retired_at IS NULL`, planID).Scan(&c.At, &c.ReportedIn)
	return c, storeError(fmt.Sprintf("when plan %d changed", planID), err, nil)
}
