package server

import (
	"sync"
	"time"
)

// FallbackStaleness bounds how old a data version a public page may be served at while no
// listener hears of new versions: requests within it of a version read share that read.
const FallbackStaleness = 250 * time.Millisecond

// VersionWatch holds the data version as a listener on the database hears it
// (postgres.Store.ListenDataVersion), so that public pages learn of changes without a query per
// request. While the listener is connected, pages are served at the version it last heard, which
// PostgreSQL announces as each change commits; once it has lost its connection, until it has
// connected again, the version is read as requests need it, no more than FallbackStaleness old.
type VersionWatch struct {
	mu      sync.Mutex
	live    bool
	version int64
}

// NewVersionWatch returns a VersionWatch that has heard nothing yet.
func NewVersionWatch() *VersionWatch { return &VersionWatch{} }

// Heard records a version the listener heard or read; versions only go up.
func (w *VersionWatch) Heard(v int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.live = true
	w.version = max(w.version, v)
}

// Lost records that the listener lost its connection.
func (w *VersionWatch) Lost(error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.live = false
}

// current returns the version heard, and whether the listener is connected.
func (w *VersionWatch) current() (int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.version, w.live
}

// recent is the last version read while no listener was connected, and when it was read.
type recent struct {
	mu      sync.Mutex
	version int64
	at      time.Time
}

func (r *recent) get(now time.Time) (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version, !r.at.IsZero() && now.Sub(r.at) < FallbackStaleness
}

func (r *recent) set(v int64, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v >= r.version {
		r.version, r.at = v, at
	}
}

// Live reports whether the listener is connected and has told the watch the version.
func (w *VersionWatch) Live() bool {
	_, live := w.current()
	return live
}
