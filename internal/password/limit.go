package password

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"time"
)

// ErrBusy is returned by a Limiter's methods when no slot came free in time.
var ErrBusy = errors.New("password: too many passwords being hashed at once")

// DefaultWait is how long a Limiter made with a zero wait lets a hash wait for a slot.
const DefaultWait = 2 * time.Second

// DefaultMaxConcurrency is the most hashes DefaultConcurrency lets run at once when no memory
// limit is set. Each running hash holds Default.Memory (19 MiB), and Go's collector lets about
// as much garbage again build up before it runs, so each slot costs about 40 MB at its peak: two
// keep a burst of sign-ins to about 120 MB of resident memory in all.
const DefaultMaxConcurrency = 2

// Limiter bounds how many argon2id hashes run at once. Each takes Default.Memory (19 MiB) for as
// long as it runs, so without a bound a burst of sign-ins takes as much memory as it likes. A
// hash that finds every slot taken waits a little, then gives up with ErrBusy, so that requests
// never pile up behind one another.
type Limiter struct {
	slots chan struct{}
	wait  time.Duration
}

// NewLimiter returns a Limiter that lets n hashes run at once (at least one) and a hash wait up
// to wait for a slot (DefaultWait when zero).
func NewLimiter(n int, wait time.Duration) *Limiter {
	if wait <= 0 {
		wait = DefaultWait
	}
	return &Limiter{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Size returns how many hashes the Limiter lets run at once.
func (l *Limiter) Size() int { return cap(l.slots) }

// DefaultConcurrency returns how many hashes with parameters p may run at once unless configured:
// one for each CPU the Go runtime uses, but no more than DefaultMaxConcurrency; or, when a memory
// limit is set (GOMEMLIMIT, or the portal's default), no more than fit in half of it. Under a
// limit the collector frees a finished hash's memory before the limit is reached rather than
// letting as much garbage again build up, so a slot costs its hash's memory and little more,
// and the other half is left for everything else. It is at least one.
func DefaultConcurrency(p Params) int {
	n := min(runtime.GOMAXPROCS(0), DefaultMaxConcurrency)
	if limit := debug.SetMemoryLimit(-1); limit > 0 && limit < math.MaxInt64 && p.Memory > 0 {
		n = min(runtime.GOMAXPROCS(0), int(limit/2/(int64(p.Memory)<<10)))
	}
	return max(n, 1)
}

// Acquire waits for a slot, for at most the Limiter's wait, and returns the function that frees
// it. It returns ErrBusy when no slot came free in time, and the context's error when the
// context ends first.
func (l *Limiter) Acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("password: wait for a slot: %w", ctx.Err())
	}
}

// Verify is the package's Verify, run in one of the Limiter's slots. It returns ErrBusy when no
// slot came free in time.
func (l *Limiter) Verify(ctx context.Context, pw, encoded string) (bool, error) {
	release, err := l.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return Verify(pw, encoded)
}

// Hash is the package's Hash, run in one of the Limiter's slots. It returns ErrBusy when no slot
// came free in time.
func (l *Limiter) Hash(ctx context.Context, pw string, p Params) (string, error) {
	release, err := l.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return Hash(pw, p)
}
