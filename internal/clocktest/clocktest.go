// Package clocktest has what tests need of time: a Clock that a test sets and moves, handed to the
// store and the server in place of time.Now, and WaitFor, which polls until something holds.
package clocktest

import (
	"sync"
	"testing"
	"time"
)

// Clock is a clock that a test sets and moves. It is safe for concurrent use: the server reads it
// while the test moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock standing at now.
func New(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock's time.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// Advance moves the clock on by d (back, when d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// WaitFor polls cond every 20 milliseconds until it holds, and fails the test, saying what it
// waited for, when it does not within deadline.
func WaitFor(t testing.TB, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("after %s: %s", deadline, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
