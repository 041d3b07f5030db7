package server

import (
	"io"
	"sync"
	"time"
)

// LogBuffer gathers log lines and writes them to its writer in batches, so that a busy portal
// makes one write for many request lines rather than one for each: when it holds
// logBufferBytes, LogFlushInterval after the first line it holds, and at once after a warning or
// an error (see BufferedLogHandler). A line is never split between writes. Flush writes what it
// holds; the portal flushes it before it exits.
type LogBuffer struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	timer *time.Timer
	armed bool
}

// LogFlushInterval is the longest a log line waits in a LogBuffer.
const LogFlushInterval = 50 * time.Millisecond

// logBufferBytes is how much a LogBuffer holds before it writes.
const logBufferBytes = 32 << 10

// NewLogBuffer returns a LogBuffer writing to w.
func NewLogBuffer(w io.Writer) *LogBuffer { return &LogBuffer{w: w} }

// Write keeps p, a whole log line (slog's handlers write each record with one call), to be written
// with the lines that follow it.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferBytes {
		return len(p), b.flush()
	}
	if !b.armed {
		b.armed = true
		if b.timer == nil {
			b.timer = time.AfterFunc(LogFlushInterval, func() { _ = b.Flush() })
		} else {
			b.timer.Reset(LogFlushInterval)
		}
	}
	return len(p), nil
}

// Flush writes the lines held.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flush()
}

func (b *LogBuffer) flush() error {
	b.armed = false
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	if cap(b.buf) > 4*logBufferBytes {
		b.buf = nil // a burst's buffer is not kept
	} else {
		b.buf = b.buf[:0]
	}
	return err
}
