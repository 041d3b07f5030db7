// Package postgres is Delivery Tracker's store: one Store over a PostgreSQL connection pool, with
// the SQL beside each method, and the migrations runner.
//
// Every error a Store method returns has passed through one mapper (storeError): a missing record
// is tracker.ErrNotFound, a violated constraint is the domain error it means, a database that
// cannot be reached, is shutting down, is out of resources or did not answer in time is a
// tracker.EUNAVAILABLE error, and anything else names the operation that failed. Each method's
// comment names the domain errors it returns beyond these. Every write is one transaction at one
// instant of the store's clock, and audited in it.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/migrations"
)

// Store reads and writes everything Delivery Tracker keeps. Every time it writes or judges by
// (when a change happened, whether a link has expired, which commitments are overdue) comes from
// its one clock, and reaches SQL as an argument.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// baseURL starts the links in the emails queued with the changes they tell of.
	baseURL string
}

// Option changes how New builds a Store.
type Option func(*Store)

// WithClock gives the store the clock it takes the time from; the default is time.Now. Give the
// server and the reminder worker the same clock.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// WithBaseURL gives the store the portal's public address (BASE_URL), which starts every link
// in the emails it queues. The default is http://127.0.0.1:8080, as for ADDR's default.
func WithBaseURL(u string) Option {
	return func(s *Store) {
		if u != "" {
			s.baseURL = strings.TrimRight(u, "/")
		}
	}
}

// New returns a Store over pool.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, now: time.Now, baseURL: "http://127.0.0.1:8080"}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Now returns the time by the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Pool returns the connection pool the store uses.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Config holds the settings of the connection pool.
type Config struct {
	// StatementTimeout bounds every statement the server runs for the portal. It is not sent
	// when connecting (a transaction pooler refuses startup parameters): ApplySettings makes it
	// the default of the portal's role in its database.
	StatementTimeout time.Duration
	// MaxConns bounds the pool; zero keeps pgx's default.
	MaxConns int32
	// ConnectTimeout bounds each attempt to open a connection, so that a database that does not
	// answer fails a request quickly instead of hanging it. Zero means DefaultConnectTimeout,
	// unless the URL sets connect_timeout.
	ConnectTimeout time.Duration
	// HealthCheckPeriod is how often idle connections are checked and broken ones dropped. Zero
	// means DefaultHealthCheckPeriod.
	HealthCheckPeriod time.Duration
}

// The pool's defaults. pgxpool also pings a connection that has been idle for more than a second
// before handing it out, so that after an outage the pool replaces broken connections by itself.
const (
	DefaultConnectTimeout    = 5 * time.Second
	DefaultHealthCheckPeriod = 15 * time.Second
)

// RandomPageCost is the cost of a random page read that the portal's connections plan with.
const RandomPageCost = "1.1"

// Open connects to the database at url with the settings in cfg. It does not wait for the
// database to answer.
func Open(ctx context.Context, url string, cfg Config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	// application_name is the one startup parameter sent: PgBouncer passes it on, and refuses
	// others such as statement_timeout (see ApplySettings).
	if pc.ConnConfig.RuntimeParams["application_name"] == "" {
		pc.ConnConfig.RuntimeParams["application_name"] = "delivery-tracker"
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.ConnectTimeout > 0 {
		pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	} else if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	pc.HealthCheckPeriod = DefaultHealthCheckPeriod
	if cfg.HealthCheckPeriod > 0 {
		pc.HealthCheckPeriod = cfg.HealthCheckPeriod
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	return pool, nil
}

// Migrate applies every pending migration. A lock row in goose's lock table (not a session lock,
// which a transaction pooler would lose between statements) makes instances that start at once
// wait for each other, so each migration runs exactly once.
func Migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	locker, err := lock.NewPostgresTableLocker(lock.WithTableLockTimeout(500*time.Millisecond, 600),
		lock.WithTableHeartbeatInterval(5*time.Second), lock.WithTableLeaseDuration(30*time.Second))
	if err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	// Migrations are numbered strictly in order (see package migrations): goose refuses a
	// database that lacks one numbered below another it has applied.
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// Ping reports whether the database answers and takes writes. It returns an EUNAVAILABLE error
// if it does not answer, and an error if it is a read-only standby (pg_is_in_recovery), as a
// primary that has been demoted is.
func (s *Store) Ping(ctx context.Context) error {
	var standby bool
	if err := s.pool.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		return storeError("ping", err, nil)
	}
	if standby {
		return errors.New("postgres: ping: the database is a read-only standby")
	}
	return nil
}

// currentMonth returns the first day of the month now falls in, in the UK: the boundary before
// which a month has passed.
func currentMonth(now time.Time) time.Time {
	return tracker.CurrentMonth(now).First()
}
