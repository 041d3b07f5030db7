package browsertest

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// DefaultNow is when the portal's clock stands in the browser tests unless a
// test says otherwise: 23 November 2026, midday UK time.
var DefaultNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Clock is the server's clock, which a test sets and moves.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock's time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Server is the portal, served on 127.0.0.1 over a fresh database of the
// test's own.
type Server struct {
	URL   string // such as http://127.0.0.1:41234, with no trailing slash
	Pool  *pgxpool.Pool
	Store *postgres.Store
	Clock *Clock
	logs  *logBuffer
}

// ServerOption changes the server's configuration before it starts.
type ServerOption func(*server.Config)

// StartServer starts the portal (server.New, the same handler `portal serve`
// runs) on a free port of 127.0.0.1, over a fresh, fully migrated and seeded
// database, with its clock at DefaultNow. It stops when the test ends. The
// server's log is kept: Logs returns it, and a failed test shows it.
func StartServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	pool := dbtest.Pool(t)
	s := &Server{Pool: pool, Store: postgres.New(pool), Clock: &Clock{now: DefaultNow}, logs: &logBuffer{}}
	ts := httptest.NewUnstartedServer(nil)
	s.URL = "http://" + ts.Listener.Addr().String()
	cfg := server.Config{
		Store:   s.Store,
		Logger:  slog.New(server.LogHandler(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		BaseURL: s.URL,
		Now:     s.Clock.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	ts.Config.Handler = server.New(cfg)
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		if t.Failed() {
			t.Logf("browsertest: the server's log:\n%s", s.Logs())
		}
	})
	return s
}

// Logs returns what the server has logged so far.
func (s *Server) Logs() string { return s.logs.String() }

// LogLines returns the lines of the server's log that contain substr.
func (s *Server) LogLines(substr string) []string {
	var out []string
	for _, line := range strings.Split(s.Logs(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

// logBuffer is a log destination that handlers write to concurrently.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
