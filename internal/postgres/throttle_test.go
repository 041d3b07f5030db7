package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestThrottle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	rules := []tracker.ThrottleRule{{Key: "k", Free: 2, Base: time.Minute, Max: 4 * time.Minute, Window: time.Hour}}
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration // from start
		want time.Duration // 0: let through; otherwise refused, locked for this long from then
	}{
		{0, 0}, {time.Second, 0},
		// Two let through: the second locked the key for a minute.
		{2 * time.Second, time.Minute - time.Second},
		// When the lock ends, one more is let through, and the lock after it is 2 minutes, then
		// 4, which is the most.
		{time.Minute + time.Second, 0},
		{2 * time.Minute, time.Minute + time.Second},
		{3*time.Minute + time.Second, 0},
		{6*time.Minute + time.Second, time.Minute},
		{7*time.Minute + time.Second, 0},
		{9*time.Minute + time.Second, 2 * time.Minute},
		{11*time.Minute + time.Second, 0},
		// An hour without an attempt let through: the count starts again.
		{71*time.Minute + time.Second, 0},
		{71*time.Minute + 2*time.Second, 0},
		{71*time.Minute + 3*time.Second, time.Minute - time.Second},
	}
	for i, st := range steps {
		now := start.Add(st.at)
		until, err := store.TakeAttempt(ctx, rules, now)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Duration
		if !until.IsZero() {
			got = until.Sub(now)
		}
		if got != st.want {
			t.Errorf("attempt %d at +%v: locked for %v, want %v", i+1, st.at, got, st.want)
		}
	}
	now := start.Add(2 * time.Hour)
	if err := store.ClearThrottle(ctx, rules); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if until, err := store.TakeAttempt(ctx, rules, now); err != nil || !until.IsZero() {
			t.Fatalf("after clearing, attempt %d: %v, %v", i+1, until, err)
		}
	}
	// The second attempt is taken back (it succeeded): the key is no longer locked, and one more
	// is let through.
	if err := store.ReturnAttempt(ctx, rules); err != nil {
		t.Fatal(err)
	}
	if until, _ := store.TakeAttempt(ctx, rules, now); !until.IsZero() {
		t.Errorf("after an attempt was taken back: locked until %v", until)
	}
	if until, _ := store.TakeAttempt(ctx, rules, now); until.IsZero() {
		t.Error("a third attempt was let through")
	}
}

// TestThrottleUnderConcurrency sends many attempts at once through rules of different sizes
// that share a key: exactly as many are let through as the smallest rule allows free.
func TestThrottleUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(dbtest.Pool(t))
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	const n = 50
	var wg sync.WaitGroup
	var mu sync.Mutex
	through := 0
	for i := range n {
		// Each attempt shares the account key and either of two address keys, in either order.
		rules := []tracker.ThrottleRule{
			{Key: "account", Free: 5, Base: time.Minute, Max: time.Minute, Window: time.Hour},
			{Key: "address" + string(rune('a'+i%2)), Free: 50, Base: time.Minute, Max: time.Minute, Window: time.Hour},
		}
		if i%3 == 0 {
			rules[0], rules[1] = rules[1], rules[0]
		}
		wg.Go(func() {
			until, err := store.TakeAttempt(ctx, rules, now)
			if err != nil {
				t.Error(err)
				return
			}
			if until.IsZero() {
				mu.Lock()
				through++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if through != 5 {
		t.Errorf("%d of %d attempts at once were let through, want 5", through, n)
	}
}
