package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/reminder"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// configure is what every command does first: it reads the configuration from the environment
// and makes the logger, writing to stderr, that the command logs through.
func configure(getenv func(string) string, stderr io.Writer) (config, *slog.Logger, error) {
	c, err := loadConfig(getenv)
	if err != nil {
		return config{}, nil, err
	}
	return c, newLogger(c, stderr), nil
}

// newLogger returns the logger the command logs through, writing to w in batches (see
// server.LogBuffer): one write for many request lines. Warnings and errors are written at once,
// and run writes what is left before the command ends.
func newLogger(c config, w io.Writer) *slog.Logger {
	buf := server.NewLogBuffer(w)
	logBuffers.Lock()
	logBuffers.list = append(logBuffers.list, buf)
	logBuffers.Unlock()
	var h slog.Handler
	if c.LogFormat == "text" {
		h = slog.NewTextHandler(buf, nil)
	} else {
		h = slog.NewJSONHandler(buf, nil)
	}
	return slog.New(server.BufferedLogHandler(h, buf))
}

// logBuffers are the buffers of the loggers newLogger made.
var logBuffers struct {
	sync.Mutex
	list []*server.LogBuffer
}

// flushLogs writes what the loggers' buffers hold.
func flushLogs() {
	logBuffers.Lock()
	defer logBuffers.Unlock()
	for _, b := range logBuffers.list {
		_ = b.Flush()
	}
}

// connect opens the pool to serve through: DATABASE_URL, or the project-local cluster's serving
// role when it is unset.
func connect(ctx context.Context, c config, logger *slog.Logger) (*pgxpool.Pool, error) {
	urls, err := resolveDatabase(ctx, c, logger)
	if err != nil {
		return nil, err
	}
	return postgres.Open(ctx, urls.serve, postgres.Config{StatementTimeout: c.StatementTimeout, MaxConns: c.DBMaxConns})
}

// openConfigured configures the command, as configure does, and opens the database with open
// (openDatabase, which migrates first, or connect).
func openConfigured(ctx context.Context, getenv func(string) string, stderr io.Writer,
	open func(context.Context, config, *slog.Logger) (*pgxpool.Pool, error)) (config, *slog.Logger, *pgxpool.Pool, error) {
	c, logger, err := configure(getenv, stderr)
	if err != nil {
		return config{}, nil, nil, err
	}
	pool, err := open(ctx, c, logger)
	if err != nil {
		return config{}, nil, nil, err
	}
	return c, logger, pool, nil
}

// migrate applies the migrations through MIGRATE_DATABASE_URL, DATABASE_URL or the project-local
// cluster's owner role, whatever SKIP_MIGRATE says.
func migrate(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, logger, err := configure(getenv, stderr)
	if err != nil {
		return err
	}
	urls, err := resolveDatabase(ctx, c, logger)
	if err != nil {
		return err
	}
	return migrateThrough(ctx, c, urls.migrate, logger)
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	start := time.Now()
	buildID := server.Build() // before a deployment can replace the executable
	c, logger, pool, err := openConfigured(ctx, getenv, stderr, openDatabase)
	if err != nil {
		return err
	}
	defer func() {
		pool.Close()
		logger.Info("database pool closed")
	}()
	if err := postgres.ApplySettings(ctx, pool, postgres.Config{StatementTimeout: c.StatementTimeout}); err != nil {
		return err
	}
	store := postgres.New(pool, postgres.WithBaseURL(c.BaseURL))
	if err := firstAdminLink(ctx, store, c, logger); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var mailer mail.Mailer
	if c.SMTP != nil {
		if mailer, err = mail.NewSMTP(*c.SMTP); err != nil {
			return err
		}
		logger.Info("email through SMTP", "host", c.SMTP.Host)
	} else {
		logger.Info("SMTP_HOST is unset: no email is sent; administrators copy invitation and reset links")
	}
	// Public pages learn of new data versions from a listener rather than a query per request.
	versions := server.NewVersionWatch()
	go store.ListenDataVersion(ctx, c.ListenDatabaseURL, versions.Heard, func(err error) {
		versions.Lost(err)
		logger.Warn("data version listener lost its connection: reading the version as pages need it until it is back", "err", err)
	})
	replica, closeReplica, err := openReplica(ctx, c, store, logger)
	if err != nil {
		return err
	}
	defer closeReplica()
	// The outbox worker: reminders, alerts, daily summaries, and sending what is queued.
	worker := &reminder.Worker{Store: store, Mailer: mailer, BaseURL: c.BaseURL, Interval: c.ReminderInterval, Logger: logger}
	handler := server.New(server.Config{Versions: versions, EmailQueued: worker.Wake, Store: store, Replica: replica, Now: store.Now, Logger: logger, BaseURL: c.BaseURL, Secure: c.secure(),
		PageCacheBytes: c.PageCacheBytes, ExportCacheDir: c.ExportCacheDir, ExportCacheBytes: c.ExportCacheBytes,
		BenchStaticDir: c.BenchStaticDir, Metrics: reg, ServeMetrics: c.MetricsAddr == "",
		Mailer: mailer, TrustedProxies: c.TrustedProxies, Hashing: password.NewLimiter(c.HashConcurrency, 0),
		ContactEmail: c.ContactEmail})
	go housekeeping(ctx, store, logger)
	if c.ReminderInterval > 0 {
		go worker.Run(ctx)
	} else {
		logger.Info("REMINDER_INTERVAL is 0: this instance sends no emails: no reminders, alerts or summaries")
	}

	var draining atomic.Bool
	handler = drainable(handler, &draining)

	// Requests get a context of their own that outlives SIGTERM, so that they can finish; it is
	// cancelled only when they overrun the shutdown timeout, which ends their queries.
	baseCtx, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	servers := []*http.Server{newHTTPServer(handler, logger, baseCtx)}
	addrs := []string{c.Addr}
	if c.MetricsAddr != "" {
		servers = append(servers, newHTTPServer(server.MetricsHandler(reg), logger, baseCtx))
		addrs = append(addrs, c.MetricsAddr)
	}
	// Compress the static files now rather than when the first visitor asks for each.
	go web.Precompress()
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		ln, err := net.Listen("tcp", addrs[i])
		if err != nil {
			for _, srv := range servers[:i] {
				_ = srv.Close()
			}
			return fmt.Errorf("listen on %s: %w", addrs[i], err)
		}
		go func() { errc <- srv.Serve(ln) }()
		if i == 0 {
			logger.Info("serving", "addr", ln.Addr().String(), "base_url", c.BaseURL, "build", buildID,
				"startup", time.Since(start), "hash_concurrency", c.HashConcurrency)
		} else {
			logger.Info("serving metrics", "addr", ln.Addr().String())
		}
	}

	select {
	case err := <-errc:
		for _, srv := range servers {
			_ = srv.Close()
		}
		return err
	case <-ctx.Done():
	}
	// Draining: /readyz fails at once, so the load balancer takes this instance out of rotation,
	// while requests it still sends are served for DRAIN_DELAY. Responses close their connections
	// meanwhile, so that clients' next requests open new ones, to another instance.
	draining.Store(true)
	if c.DrainDelay > 0 {
		logger.Info("draining: /readyz answers 503 while the portal serves on", "delay", c.DrainDelay)
		for _, srv := range servers {
			srv.SetKeepAlivesEnabled(false)
		}
		select {
		case <-time.After(c.DrainDelay):
		case err := <-errc:
			for _, srv := range servers {
				_ = srv.Close()
			}
			return err
		}
	}
	logger.Info("shutting down: finishing requests in flight", "timeout", c.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		logger.Warn("requests still in flight at the shutdown timeout: cancelling them", "timeout", c.ShutdownTimeout)
		cancelRequests()
		for _, srv := range servers {
			_ = srv.Close()
		}
		return fmt.Errorf("shutdown: requests still in flight after %s: %w", c.ShutdownTimeout, errors.Join(errs...))
	}
	logger.Info("stopped")
	return nil
}

// drainable answers /readyz with 503 once draining is set, and passes every other request on.
func drainable(next http.Handler, draining *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == paths.Readyz && draining.Load() {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "draining\n")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// newHTTPServer returns an http.Server with timeouts on every phase of a request, so that slow or
// stalled clients cannot hold connections.
func newHTTPServer(h http.Handler, logger *slog.Logger, base context.Context) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
}

// firstAdminLink logs a single-use link, valid for 24 hours, to create the first administrator,
// while no active administrator exists. One link is made per database until it is used or
// expires: an instance that finds one outstanding says where to look for it instead.
func firstAdminLink(ctx context.Context, store *postgres.Store, c config, logger *slog.Logger) error {
	token, expires, err := store.FirstAdminLink(ctx, tracker.Actor{Label: "portal serve"})
	switch {
	case err != nil:
		return err
	case token != "":
		logger.Warn("no administrator exists: create the first one with this single-use link, valid for 24 hours",
			"url", setPasswordURL(c.BaseURL, token))
	case !expires.IsZero():
		logger.Warn("no administrator exists: the link to create the first one is in the log of the instance that started first; "+
			"once it expires the next instance to start logs a new one (or use portal user add)", "expires", expires)
	}
	return nil
}

// housekeeping removes expired sessions, stale throttles, old feedback, expired kept forms, and
// email alerts left unconfirmed for 7 days (with addresses that follow nothing more) every few
// minutes until ctx ends.
func housekeeping(ctx context.Context, store *postgres.Store, logger *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := store.DeleteExpiredSessions(ctx); err != nil {
				logger.Warn("housekeeping", "err", err)
			} else if n > 0 {
				logger.Info("expired sessions removed", "count", n)
			}
			if _, err := store.DeleteStaleThrottles(ctx, store.Now().Add(-tracker.ThrottleRetention)); err != nil {
				logger.Warn("housekeeping", "err", err)
			}
			if n, err := store.DeleteOldFeedback(ctx, store.Now().Add(-tracker.FeedbackRetention)); err != nil {
				logger.Warn("housekeeping", "err", err)
			} else if n > 0 {
				logger.Info("old feedback deleted", "count", n)
			}
			if n, err := store.DeleteExpiredKeptForms(ctx); err != nil {
				logger.Warn("housekeeping", "err", err)
			} else if n > 0 {
				logger.Info("expired kept forms removed", "count", n)
			}
			if n, err := store.DeleteStaleAlerts(ctx); err != nil {
				logger.Warn("housekeeping", "err", err)
			} else if n > 0 {
				logger.Info("unconfirmed alert addresses deleted", "count", n)
			}
		}
	}
}
