package clocktest

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := New(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	c.Advance(90 * time.Minute)
	if got, want := c.Now(), start.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("after Advance, Now() = %v, want %v", got, want)
	}
	c.Advance(-time.Hour)
	if got, want := c.Now(), start.Add(30*time.Minute); !got.Equal(want) {
		t.Errorf("after Advance back, Now() = %v, want %v", got, want)
	}
	c.Set(start)
	if got := c.Now(); !got.Equal(start) {
		t.Errorf("after Set, Now() = %v, want %v", got, start)
	}
}

// The server reads the clock while a test moves it (go test -race checks this).
func TestClockConcurrentUse(t *testing.T) {
	t.Parallel()
	c := New(time.Unix(0, 0))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				c.Advance(time.Second)
				_ = c.Now()
			}
		})
	}
	wg.Wait()
	if got, want := c.Now(), time.Unix(400, 0); !got.Equal(want) {
		t.Errorf("Now() = %v, want %v", got, want)
	}
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	WaitFor(t, "the count reaches 3", time.Minute, func() bool { return n.Add(1) >= 3 })
	if got := n.Load(); got != 3 {
		t.Errorf("cond was called %d times, want 3", got)
	}
}

// recorder is a testing.TB that keeps the message of Fatalf and ends the goroutine, as t.Fatalf
// does.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWaitForGivesUp(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		WaitFor(r, "something that never happens", 50*time.Millisecond, func() bool { return false })
	}()
	<-done
	if want := "after 50ms: something that never happens"; r.msg != want {
		t.Errorf("WaitFor failed with %q, want %q", r.msg, want)
	}
}
