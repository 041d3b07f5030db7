package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

func newLogger(c config, w io.Writer) *slog.Logger {
	var h slog.Handler
	if c.LogFormat == "text" {
		h = slog.NewTextHandler(w, nil)
	} else {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(server.LogHandler(h))
}

// connect opens the pool on DATABASE_URL, or on the project-local cluster when it is unset.
func connect(ctx context.Context, c config, logger *slog.Logger) (*pgxpool.Pool, error) {
	url := c.DatabaseURL
	if url == "" {
		logger.Info("DATABASE_URL is unset: using the project-local PostgreSQL", "dir", filepath.Join(c.DataDir, "postgres"))
		cluster, err := pgdev.Ensure(ctx, filepath.Join(c.DataDir, "postgres"), logger)
		if err != nil {
			return nil, err
		}
		url = cluster.URL()
	}
	return postgres.Open(ctx, url, postgres.Config{StatementTimeout: c.StatementTimeout})
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(c, stderr)
	pool, err := connect(ctx, c, logger)
	if err != nil {
		return err
	}
	defer pool.Close()
	return postgres.Migrate(ctx, pool, logger)
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	start := time.Now()
	c, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(c, stderr)
	pool, err := connect(ctx, c, logger)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, logger); err != nil {
		return err
	}
	store := postgres.New(pool)
	handler := server.New(server.Config{Store: store, Logger: logger, BaseURL: c.BaseURL, Secure: c.secure(),
		PageCacheBytes: c.PageCacheBytes})

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String(), "base_url", c.BaseURL, "startup", time.Since(start))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}
