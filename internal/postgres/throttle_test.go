package postgres_test

import (
	"context"
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
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		after time.Duration
		want  time.Duration // lock after this failure, from its time
	}{
		{0, 0}, {time.Second, 0}, {time.Second, time.Minute}, {time.Second, 2 * time.Minute},
		{time.Second, 4 * time.Minute}, {time.Second, 4 * time.Minute},
		// An hour without failures: the count starts again.
		{time.Hour, 0},
	}
	for i, st := range steps {
		now = now.Add(st.after)
		until, err := store.RecordFailure(ctx, rules, now)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Duration
		if !until.IsZero() {
			got = until.Sub(now)
		}
		if got != st.want {
			t.Errorf("failure %d: locked for %v, want %v", i+1, got, st.want)
		}
	}
	if _, err := store.RecordFailure(ctx, rules, now); err != nil {
		t.Fatal(err)
	}
	until, err := store.RecordFailure(ctx, rules, now)
	if err != nil || until.IsZero() {
		t.Fatalf("third failure: %v, %v", until, err)
	}
	if got, _ := store.ThrottledUntil(ctx, rules, now); !got.Equal(until) {
		t.Errorf("ThrottledUntil = %v, want %v", got, until)
	}
	if got, _ := store.ThrottledUntil(ctx, rules, until); !got.IsZero() {
		t.Errorf("ThrottledUntil at the end of the lock = %v, want none", got)
	}
	if err := store.ClearThrottle(ctx, rules); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.ThrottledUntil(ctx, rules, now); !got.IsZero() {
		t.Errorf("after clearing: locked until %v", got)
	}
}
