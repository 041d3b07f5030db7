package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/clocktest"
	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/deploy"
	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/reminder"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// DefaultNow is when the portal's clock stands in the browser tests unless a
// test says otherwise: 23 November 2026, midday UK time.
var DefaultNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Server is the portal, served on 127.0.0.1 over a fresh database of the
// test's own.
type Server struct {
	URL   string // such as http://127.0.0.1:41234, with no trailing slash
	Pool  *pgxpool.Pool
	Store *postgres.Store
	Clock *clocktest.Clock // the server's clock, which a test sets and moves
	// Mail keeps the email the portal sends: invitations and password
	// reset links.
	Mail *mail.Recorder
	logs *logBuffer
	// wake asks the outbox worker for a pass.
	wake func()
}

// ServerOption changes the server's configuration before it starts.
type ServerOption func(*server.Config)

// StartServer starts the portal (server.New, the same handler `portal serve`
// runs) on a free port of 127.0.0.1, over a fresh, fully migrated and seeded
// database, with its clock at DefaultNow. It stops when the test ends. The
// server's log is kept: Logs returns it, and a failed test shows it.
func StartServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	dbURL := dbtest.URL(t)
	if os.Getenv("TEST_THROUGH_PGBOUNCER") == "1" {
		// make test runs the main journeys again through PgBouncer in transaction mode.
		dbURL = deploy.PgBouncer(t, dbURL)
	}
	pool := dbtest.Connect(t, dbURL)
	s := &Server{Pool: pool, Clock: clocktest.New(DefaultNow), Mail: &mail.Recorder{}, logs: &logBuffer{}}
	ts := httptest.NewUnstartedServer(nil)
	s.URL = "http://" + ts.Listener.Addr().String()
	s.Store = postgres.New(pool, postgres.WithClock(s.Clock.Now), postgres.WithBaseURL(s.URL))
	// The outbox worker sends to Mail whenever a change queues an email, as in `portal serve`.
	worker := &reminder.Worker{Store: s.Store, Mailer: s.Mail, BaseURL: s.URL, Interval: time.Hour}
	workerCtx, stopWorker := context.WithCancel(context.Background())
	go worker.Run(workerCtx)
	t.Cleanup(stopWorker)
	s.wake = worker.Wake
	cfg := server.Config{
		EmailQueued: worker.Wake,
		Store:       s.Store,
		Logger:      slog.New(server.LogHandler(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		BaseURL:     s.URL,
		Now:         s.Clock.Now,
		Password:    password.Fast,
		Mailer:      s.Mail,
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

var userSeq atomic.Int64

// User is an account made for a test, with its password.
type User struct {
	tracker.User
	Password string
}

// CreateUser creates an active account with a password, straight in the
// database: a partner of the organisation with the code org (such as "NES",
// which leads 4.1, 4.2 and 4.3), or staff or an administrator (org "").
func (s *Server) CreateUser(t testing.TB, role tracker.Role, org string) User {
	t.Helper()
	n := userSeq.Add(1)
	pw := fmt.Sprintf("browser test password %d", n)
	hash, err := password.Hash(pw, password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("%s-%d@example.scot", role, n)
	if org != "" {
		email = fmt.Sprintf("%s-%s-%d@example.scot", role, strings.ToLower(org), n)
	}
	u, err := s.Store.CreateUser(t.Context(), tracker.Actor{Label: "browser test"}, postgres.NewUser{
		Email: email, Name: fmt.Sprintf("%s %s %d", names[int(n)%len(names)], role.Label(), n),
		Role: role, OrganisationCode: org, PasswordHash: hash,
	})
	if err != nil {
		t.Fatalf("browsertest: create a %s of %q: %v", role, org, err)
	}
	return User{User: u, Password: pw}
}

// names give test accounts names a person would recognise in a screenshot.
var names = []string{"Morag", "Callum", "Isla", "Euan", "Ailsa", "Fraser"}

// LinkIn returns the path and query of the first portal link in the last
// email sent to the address, waiting up to 10 seconds for the outbox worker
// to send one, and failing the test if there is none.
func (s *Server) LinkIn(t testing.TB, to string) string {
	t.Helper()
	return s.LinkTo(t, to, "/")
}

// LinkTo returns the path and query of the first link starting with path in
// the last email sent to the address that has one, waiting up to 10 seconds
// for the outbox worker to send it.
func (s *Server) LinkTo(t testing.TB, to, path string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for n := 1; ; n++ {
		s.wake()
		msgs := s.Mail.Wait(ctx, n)
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].To != to {
				continue
			}
			for _, f := range strings.Fields(msgs[i].Body) {
				if strings.HasPrefix(f, s.URL+path) {
					return strings.TrimPrefix(f, s.URL)
				}
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("browsertest: no email to %s has a link to %s (sent: %d)", to, path, len(msgs))
			return ""
		}
		if len(msgs) < n {
			n = len(msgs)
		}
	}
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
