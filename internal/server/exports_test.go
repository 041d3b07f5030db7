package server

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// writeString is an export that writes s, counting how often it is made.
func writeString(s string, made *atomic.Int32) writeExport {
	return func(ctx context.Context, w io.Writer) error {
		made.Add(1)
		_, err := io.WriteString(w, s)
		return err
	}
}

func readAll(t *testing.T, e *exportFile) string {
	t.Helper()
	b, err := io.ReadAll(e.reader())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExportCacheKeepsFilesWithinItsBound checks that a file is made once and served again, that
// a new version of an export replaces the old, that the least recently used file goes first when
// the bound is reached, that a file still being served stays readable after it is evicted, and
// that the directory is left empty.
func TestExportCacheKeepsFilesWithinItsBound(t *testing.T) {
	dir := t.TempDir()
	c := newExportCache(dir, 250)
	ctx := t.Context()
	var made atomic.Int32
	get := func(slot, stamp, body string) *exportFile {
		t.Helper()
		e, err := c.get(ctx, slot, stamp, writeString(body, &made))
		if err != nil {
			t.Fatalf("get %s at %s: %v", slot, stamp, err)
		}
		if got := readAll(t, e); got != body {
			t.Fatalf("get %s at %s = %q, want %q", slot, stamp, got, body)
		}
		return e
	}
	a1 := get("a", "1", strings.Repeat("a", 100))
	c.release(a1)
	c.release(get("a", "1", strings.Repeat("a", 100)))
	if n := made.Load(); n != 1 {
		t.Errorf("the same export at the same version was made %d times, want once", n)
	}

	held := get("a", "2", strings.Repeat("A", 100)) // a new version replaces the old
	if c.size != 100 || len(c.files) != 1 {
		t.Errorf("after a new version: %d bytes in %d files, want 100 in 1", c.size, len(c.files))
	}
	c.release(get("b", "1", strings.Repeat("b", 100)))
	c.release(get("a", "2", strings.Repeat("A", 100))) // a is now used more recently than b
	c.release(get("c", "1", strings.Repeat("c", 100))) // 300 bytes: b goes
	if _, ok := c.files["b"]; ok || len(c.files) != 2 || c.size != 200 {
		t.Errorf("after going over the bound: files %v, %d bytes; want a and c, 200 bytes", keys(c.files), c.size)
	}
	c.release(get("d", "1", strings.Repeat("d", 400))) // larger than the bound alone: kept, the rest go
	if len(c.files) != 1 || c.files["d"] == nil {
		t.Errorf("after a file larger than the bound: files %v, want d alone", keys(c.files))
	}
	if got := readAll(t, held); got != strings.Repeat("A", 100) {
		t.Errorf("a file evicted while served reads %q", got)
	}
	c.release(held)
	if _, err := held.f.Stat(); err == nil {
		t.Error("an evicted file is still open after its last request")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the directory holds %d entries, want none: files are removed as soon as they are made", len(entries))
	}
}

func keys(m map[string]*exportFile) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestExportCacheMakesEachExportOnce has many requests ask at once for an export that takes a
// while to make: it is made once, and all of them get it.
func TestExportCacheMakesEachExportOnce(t *testing.T) {
	c := newExportCache(t.TempDir(), 0)
	var made atomic.Int32
	slow := func(ctx context.Context, w io.Writer) error {
		made.Add(1)
		time.Sleep(100 * time.Millisecond)
		_, err := io.WriteString(w, "the export")
		return err
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			e, err := c.get(t.Context(), "slot", "1", slow)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.release(e)
			if got := readAll(t, e); got != "the export" {
				t.Errorf("got %q", got)
			}
		})
	}
	wg.Wait()
	if n := made.Load(); n != 1 {
		t.Errorf("made %d times for 20 requests at once, want once", n)
	}
}

// TestExportCacheStopsWhenNobodyWaits checks that making an export outlives the request that
// started it while another waits, stops when no request waits any longer, and that a failed
// export is not kept.
func TestExportCacheStopsWhenNobodyWaits(t *testing.T) {
	c := newExportCache(t.TempDir(), 0)
	stopped := make(chan error, 1)
	blocking := func(ctx context.Context, w io.Writer) error {
		<-ctx.Done()
		stopped <- ctx.Err()
		return ctx.Err()
	}
	first, cancelFirst := context.WithCancel(t.Context())
	second, cancelSecond := context.WithCancel(t.Context())
	errs := make(chan error, 2)
	go func() { _, err := c.get(first, "slot", "1", blocking); errs <- err }()
	go func() { _, err := c.get(second, "slot", "1", blocking); errs <- err }()
	time.Sleep(50 * time.Millisecond)
	cancelFirst()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("the request that gave up got %v", err)
	}
	select {
	case err := <-stopped:
		t.Fatalf("making stopped (%v) while a request still waited", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancelSecond()
	<-errs
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("making goes on with nobody waiting")
	}

	var made atomic.Int32
	failing := func(ctx context.Context, w io.Writer) error {
		made.Add(1)
		_, _ = io.WriteString(w, "half an export")
		return errors.New("the database went away")
	}
	for range 2 {
		if e, err := c.get(t.Context(), "other", "1", failing); err == nil {
			t.Errorf("a failed export gave a file of %d bytes", e.size)
		}
	}
	if n := made.Load(); n != 2 || len(c.files) != 0 {
		t.Errorf("a failed export: made %d times for 2 requests, %d files kept; want 2 and none", n, len(c.files))
	}
}
