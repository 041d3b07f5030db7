package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Reading from a replica. Public pages, downloads and feeds for visitors who are not signed in
// read through s.reads, the one place that chooses the database: the replica while it is
// healthy and has replayed the data version the request is served at, the primary otherwise.
// Everything else (signed-in pages, forms, every write, sessions, the data version itself, which
// is heard from the primary) uses the primary. Because the replica is used only at a data
// version it has replayed, a publish is never hidden by a replica that has not caught up: pages
// read from the primary until it has.

// ReplicaCheckInterval is how often a Replica checks the replica's health and data version.
const ReplicaCheckInterval = time.Second

// DefaultMaxReplicaLag is the lag beyond which a replica is skipped unless configured.
const DefaultMaxReplicaLag = 5 * time.Second

// replicaCheckTimeout bounds one check of the replica.
const replicaCheckTimeout = 2 * time.Second

// Replica is a read-only copy of the database, such as a streaming replica, that anonymous
// public reads go to while it is healthy. Run checks it in the background; requests never wait
// for a check.
type Replica struct {
	store  *postgres.Store
	maxLag time.Duration
	logger *slog.Logger

	mu      sync.Mutex
	checked bool          // a check has finished
	up      bool          // it answered the last check
	healthy bool          // it answered the last check within maxLag, and no read has failed since
	version int64         // the data version it had replayed at the last check
	lag     time.Duration // its lag at the last check that could measure it
}

// NewReplica returns a Replica reading through store, skipped while its lag is beyond maxLag
// (DefaultMaxReplicaLag when not positive). It is not used until Run has checked it.
func NewReplica(store *postgres.Store, maxLag time.Duration, logger *slog.Logger) *Replica {
	if maxLag <= 0 {
		maxLag = DefaultMaxReplicaLag
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Replica{store: store, maxLag: maxLag, logger: logger}
}

// Run checks the replica at once and then every ReplicaCheckInterval, until ctx ends.
func (rp *Replica) Run(ctx context.Context) {
	t := time.NewTicker(ReplicaCheckInterval)
	defer t.Stop()
	for {
		rp.check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check asks the replica its data version and lag, and records whether it may be used.
func (rp *Replica) check(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, replicaCheckTimeout)
	st, err := rp.store.ReplicaStatus(cctx)
	cancel()
	if ctx.Err() != nil {
		return
	}
	healthy := err == nil && st.Lag <= rp.maxLag
	rp.mu.Lock()
	first, was := !rp.checked, rp.healthy
	rp.checked, rp.healthy = true, healthy
	rp.up = err == nil || errors.Is(err, postgres.ErrLagUnknown)
	if rp.up {
		rp.version = st.Version
	}
	if err == nil {
		rp.lag = st.Lag
	}
	rp.mu.Unlock()
	switch {
	case healthy && (first || !was):
		rp.logger.Info("read replica in use", "data_version", st.Version, "lag", st.Lag)
	case !healthy && (first || was):
		if err != nil {
			rp.logger.Warn("read replica skipped: the primary serves every read", "err", err)
		} else {
			rp.logger.Warn("read replica skipped: it lags too far behind; the primary serves every read",
				"lag", st.Lag, "max_lag", rp.maxLag)
		}
	}
}

// failed records that a read from the replica found it unavailable: it is skipped until the
// next check finds it well.
func (rp *Replica) failed(err error) {
	rp.mu.Lock()
	was := rp.healthy
	rp.healthy = false
	rp.mu.Unlock()
	if was {
		rp.logger.Warn("read replica skipped after a failed read: the primary serves every read", "err", err)
	}
}

// usable reports whether a read at data version v may go to the replica: it was healthy at
// its last check and had replayed v or later.
func (rp *Replica) usable(v int64) bool {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return rp.healthy && rp.version >= v
}

// readChoice is where a request reads public data from, decided at its first read.
type readChoice struct {
	mu      sync.Mutex
	decided bool
	replica bool
}

type readChoiceKey struct{}

// replicaReads lets anonymous GET and HEAD requests read from the replica (see reads).
func (s *Server) replicaReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if anonymous(r) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			r = r.WithContext(context.WithValue(r.Context(), readChoiceKey{}, &readChoice{}))
		}
		next.ServeHTTP(w, r)
	})
}

// reads returns the store a public page, download or feed reads from: the replica for an
// anonymous GET or HEAD while it is healthy and has replayed the data version the request is
// served at; the primary otherwise. A request keeps the choice made at its first read.
func (s *Server) reads(ctx context.Context) *postgres.Store {
	c, _ := ctx.Value(readChoiceKey{}).(*readChoice)
	if c == nil {
		return s.store
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.decided {
		c.decided = true
		v, err := s.dataVersion(ctx)
		c.replica = err == nil && s.replica.usable(v)
	}
	if c.replica {
		return s.replica.store
	}
	return s.store
}

// replicaFailed reports whether err is the replica failing a request that read from it, and if
// so marks the replica unhealthy and has the request read from the primary, so that the handler
// can be run again.
func (s *Server) replicaFailed(r *http.Request, err error) bool {
	c, _ := r.Context().Value(readChoiceKey{}).(*readChoice)
	if c == nil || r.Context().Err() != nil || tracker.ErrorCode(err) != tracker.EUNAVAILABLE {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.replica {
		return false
	}
	c.replica = false
	s.replica.failed(err)
	s.logger.WarnContext(r.Context(), "read replica failed: reading from the primary", "err", err)
	return true
}

// replicaInUse reports whether anonymous reads go to the replica now: it is healthy and has
// replayed the latest data version this instance has heard of.
func (s *Server) replicaInUse() bool {
	var v int64
	if s.versions != nil && s.versions.watch != nil {
		v, _ = s.versions.watch.current()
	}
	return s.replica.usable(v)
}

// registerReplicaMetrics exports the replica's state and its pool's statistics.
func (s *Server) registerReplicaMetrics() {
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	one := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	rp := s.replica
	s.registry.MustRegister(
		newPoolCollector("portal_db_read_pool_", rp.store.Pool()),
		gauge("portal_db_replica_in_use", "1 while anonymous public reads go to the read replica: it is healthy and has replayed the latest data version heard from the primary.",
			func() float64 { return one(s.replicaInUse()) }),
		gauge("portal_db_replica_up", "1 while the read replica answered its last health check.", func() float64 {
			rp.mu.Lock()
			defer rp.mu.Unlock()
			return one(rp.up)
		}),
		gauge("portal_db_replica_lag_seconds", "How far the read replica's replay was behind at its last health check that could measure it.", func() float64 {
			rp.mu.Lock()
			defer rp.mu.Unlock()
			return rp.lag.Seconds()
		}),
	)
}
