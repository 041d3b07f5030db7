package postgres_test

import (
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// testClock is a clock a test sets.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock's time.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// storeAt returns a store over pool whose clock stands at now until the test moves it.
func storeAt(pool *pgxpool.Pool, now time.Time) (*postgres.Store, *testClock) {
	c := &testClock{now: now}
	return postgres.New(pool, postgres.WithClock(c.Now)), c
}
