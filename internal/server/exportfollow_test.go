package server

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// signalWriter collects what is written and closes first at the first write.
type signalWriter struct {
	mu    sync.Mutex
	b     strings.Builder
	first chan struct{}
	once  sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.once.Do(func() { close(w.first) })
	return w.b.Write(p)
}

// TestExportFollowSendsTheFileAsItIsWritten checks that a request for an export being made gets
// its first part before the rest is written, then all of it, byte for byte; that the file is then
// kept and served from the cache; and that an export that fails part way is an error after the
// first bytes, which the handler turns into a broken connection rather than a short file.
func TestExportFollowSendsTheFileAsItIsWritten(t *testing.T) {
	t.Parallel()
	c := newExportCache(t.TempDir(), 1<<20)
	ctx := context.Background()
	rest := make(chan struct{})
	write := func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, strings.Repeat("a", followAfter+100<<10)); err != nil {
			return err
		}
		<-rest
		_, err := io.WriteString(w, "the end")
		return err
	}
	out := &signalWriter{first: make(chan struct{})}
	started := 0
	done := make(chan error)
	go func() {
		written, err := c.follow(ctx, "slot", "v1", write, func() { started++ }, out)
		if err == nil && !written {
			err = errors.New("nothing written")
		}
		done <- err
	}()
	<-out.first // the first part arrives while the export still waits to write the rest
	close(rest)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := out.b.String(); got != strings.Repeat("a", followAfter+100<<10)+"the end" || started != 1 {
		t.Errorf("followed %d bytes ending %q, started %d times", len(got), got[max(0, len(got)-10):], started)
	}
	e, err := c.get(ctx, "slot", "v1", func(context.Context, io.Writer) error { return errors.New("made again") })
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, e); got != strings.Repeat("a", followAfter+100<<10)+"the end" {
		t.Errorf("kept file of %d bytes", len(got))
	}
	c.release(e)
	if _, err := c.follow(ctx, "slot", "v1", write, func() {}, io.Discard); !errors.Is(err, errFollowCached) {
		t.Errorf("following a kept export: %v, want errFollowCached", err)
	}

	failed := errors.New("database gone")
	written, err := c.follow(ctx, "slot", "v2", func(ctx context.Context, w io.Writer) error {
		_, _ = io.WriteString(w, strings.Repeat("b", followAfter+100<<10))
		return failed
	}, func() {}, io.Discard)
	if !errors.Is(err, failed) {
		t.Errorf("an export that failed part way: written %v, err %v", written, err)
	}

	// A small export is served from its file once made, with its length, as HEAD gives it.
	var made atomic.Int32
	if written, err := c.follow(ctx, "small", "v1", writeString("small", &made), func() {}, io.Discard); written || !errors.Is(err, errFollowCached) {
		t.Errorf("following a small export: written %v, err %v; want errFollowCached", written, err)
	}
	if e, err := c.get(ctx, "small", "v1", writeString("again", &made)); err != nil || readAll(t, e) != "small" || made.Load() != 1 {
		t.Errorf("the small export's file: %v, made %d times", err, made.Load())
	} else {
		c.release(e)
	}
}
