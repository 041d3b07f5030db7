package server

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// versionReads is a concurrency primitive over any read function; these tests drive it with a
// counter standing for the data version, and gates that hold a read in flight.

func TestVersionReadsNeverReturnAReadStartedBeforeTheCall(t *testing.T) {
	var version atomic.Int64
	version.Store(1)
	started := make(chan struct{}, 10)
	release := make(chan struct{})
	var reads atomic.Int32
	v := &versionReads{timeout: time.Minute, read: func(ctx context.Context) (int64, error) {
		reads.Add(1)
		got := version.Load() // the read sees what was committed when it started
		started <- struct{}{}
		<-release
		return got, nil
	}}

	first := make(chan int64)
	go func() {
		n, _ := v.get(context.Background())
		first <- n
	}()
	<-started // the first read is in flight, having seen version 1
	version.Store(2)
	second := make(chan int64)
	go func() {
		n, _ := v.get(context.Background())
		second <- n
	}()
	close(release)
	if got := <-first; got != 1 {
		t.Errorf("first call = %d, want 1", got)
	}
	if got := <-second; got != 2 {
		t.Errorf("a call made after the change got version %d, want 2: it joined a read started before it", got)
	}
}

func TestVersionReadsShareOneReadBetweenCallsThatArriveTogether(t *testing.T) {
	gate := make(chan struct{})
	var reads atomic.Int32
	v := &versionReads{timeout: time.Minute, read: func(ctx context.Context) (int64, error) {
		if reads.Add(1) == 1 {
			<-gate // hold the first read in flight while the others arrive
		}
		return 7, nil
	}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = v.get(context.Background())
	}()
	for reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	const callers = 50
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n, err := v.get(context.Background()); n != 7 || err != nil {
				t.Errorf("get = %d, %v", n, err)
			}
		}()
	}
	// Wait until every caller has joined the pending read, then let the first one finish.
	for {
		v.mu.Lock()
		joined := v.next != nil && v.next.waiters == callers
		v.mu.Unlock()
		if joined {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	if got := reads.Load(); got != 2 {
		t.Errorf("%d reads for %d calls, %d of them made while the first was in flight: want 2", got, callers+1, callers)
	}
}

func TestVersionReadsGiveUpWithTheCallersContext(t *testing.T) {
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	v := &versionReads{timeout: time.Minute, read: func(ctx context.Context) (int64, error) {
		<-hang
		return 1, nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.get(ctx); err == nil {
		t.Error("get with a canceled context succeeded")
	}
}
