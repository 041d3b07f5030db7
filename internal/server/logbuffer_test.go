package server

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// writes records each write made to it.
type writes struct {
	mu   sync.Mutex
	each []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.each = append(w.each, string(p))
	return len(p), nil
}

func (w *writes) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.each...)
}

// TestLogBufferWritesLinesInBatches checks that request lines are written several to a write,
// whole, in order; that a warning is written at once with the lines before it; and that Flush
// writes what is left.
func TestLogBufferWritesLinesInBatches(t *testing.T) {
	t.Parallel()
	var w writes
	buf := NewLogBuffer(&w)
	logger := slog.New(BufferedLogHandler(slog.NewJSONHandler(buf, nil), buf))
	for i := range 10 {
		logger.Info("request", "n", i)
	}
	logger.Warn("something to see at once")
	got := w.got()
	all := strings.Join(got, "")
	if n := strings.Count(all, "\n"); n != 11 {
		t.Fatalf("after the warning, %d lines written, want all 11:\n%s", n, all)
	}
	// The lines wait at most LogFlushInterval, so a write may have come between them; never one
	// a line.
	if len(got) > 3 {
		t.Errorf("11 lines in %d writes, want them batched", len(got))
	}
	for _, s := range got {
		if !strings.HasSuffix(s, "\n") {
			t.Errorf("a write ends inside a line: %q", s)
		}
	}
	if i, j := strings.Index(all, `"n":9`), strings.Index(all, "something to see"); i < 0 || j < i {
		t.Error("lines out of order")
	}
	logger.Info("last")
	if err := buf.Flush(); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(w.got(), ""); !strings.HasSuffix(all, "\n") || !strings.Contains(all, `"msg":"last"`) {
		t.Errorf("Flush left the last line unwritten")
	}
	// A burst larger than the buffer is written as it fills.
	before := len(w.got())
	long := strings.Repeat("x", 1024)
	for range 2 * logBufferBytes / len(long) {
		logger.Info("request", "path", long)
	}
	if len(w.got()) == before {
		t.Error("a buffer's worth of lines was not written")
	}
	_ = buf.Flush()
	var b bytes.Buffer
	for _, s := range w.got() {
		b.WriteString(s)
	}
	if n := strings.Count(b.String(), long); n != 2*logBufferBytes/len(long) {
		t.Errorf("%d long lines written, want %d", n, 2*logBufferBytes/len(long))
	}
}
