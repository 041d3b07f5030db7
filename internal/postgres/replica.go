package postgres

import (
	"context"
	"errors"
	"time"
)

// ReplicaStatus is what a streaming replica says of itself (see Store.ReplicaStatus).
type ReplicaStatus struct {
	// Version is the data version it has replayed (see DataVersion).
	Version int64
	// Lag is how far its replay is behind what it has received from the primary: zero when it
	// has replayed everything received, otherwise the time since the last transaction it
	// replayed committed on the primary.
	Lag time.Duration
}

// ErrLagUnknown is returned by ReplicaStatus when a replica has neither received nor replayed
// anything since it started, and so cannot say how far behind it is.
var ErrLagUnknown = errors.New("postgres: replica status: the replica cannot yet say how far behind it is")

// ReplicaStatus reports the data version a read replica has replayed, and how far its replay is
// behind. On an idle primary the time of the last transaction replayed grows old without the
// replica falling behind, so the lag counts as zero whenever the replica has replayed all the
// WAL it has received (pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()), and is the age of
// that transaction (now() - pg_last_xact_replay_timestamp()) otherwise. A database that is not
// in recovery (a primary) has no lag. A replica cut off from its primary also counts as caught
// up: the data version, compared with the primary's, is what tells whether it is behind. It
// returns an EUNAVAILABLE error when the replica cannot be reached or does not answer in time,
// and ErrLagUnknown when it cannot say.
func (s *Store) ReplicaStatus(ctx context.Context) (ReplicaStatus, error) {
	var st ReplicaStatus
	var lag *float64
	err := s.pool.QueryRow(ctx, `
		SELECT (SELECT version FROM data_version),
		       CASE WHEN NOT pg_is_in_recovery() THEN 0
		            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
		            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
		       END::float8`).Scan(&st.Version, &lag)
	if err != nil {
		return ReplicaStatus{}, storeError("replica status", err, nil)
	}
	if lag == nil {
		return st, ErrLagUnknown
	}
	st.Lag = max(time.Duration(*lag*float64(time.Second)), 0)
	return st, nil
}
