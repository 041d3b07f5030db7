package postgres

import (
	"context"
)

// DataVersion returns the version of the data the public pages show: a number that goes up with
// every committed change to plans, aims, priority areas, organisations, commitments or their lead
// lines, and with every update published (migrations 00060 and 00073). Work the public does not
// see leaves it alone: drafts, submissions and returns, sessions, sign-in throttles, accounts and
// the audit log, so that the public pages' ETags do not tell when such work happens. Read it before the data it stands for: a change committed in between then
// shows under the older version, which costs a reader one needless download but never a stale
// page. It returns an error only when the database cannot answer: an EUNAVAILABLE one when it
// cannot be reached or does not answer in time.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT version FROM data_version`).Scan(&v)
	return v, storeError("data version", err, nil)
}
