package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// loadDatabaseConfig reads which role migrates the database (MIGRATE_DATABASE_URL, or
// MIGRATE_DATABASE_URL_FILE) and whether serving migrates at all (SKIP_MIGRATE).
func loadDatabaseConfig(c *config, get func(string) (string, error), getenv func(string) string) error {
	var err error
	if c.MigrateDatabaseURL, err = get("MIGRATE_DATABASE_URL"); err != nil {
		return err
	}
	if c.MigrateDatabaseURL != "" && c.DatabaseURL == "" {
		return errors.New("MIGRATE_DATABASE_URL needs DATABASE_URL: the database's owner migrates it, and the portal serves through DATABASE_URL")
	}
	if v := getenv("SKIP_MIGRATE"); v != "" {
		if c.SkipMigrate, err = strconv.ParseBool(v); err != nil {
			return fmt.Errorf("SKIP_MIGRATE %q is neither true nor false", v)
		}
	}
	return nil
}

// databaseURLs are where the portal serves from and what it migrates through.
type databaseURLs struct {
	serve, migrate string
}

// resolveDatabase returns the URLs to serve and migrate through: DATABASE_URL and
// MIGRATE_DATABASE_URL (DATABASE_URL again when unset); or, when DATABASE_URL is unset, the
// project-local cluster's serving and owner roles, starting it if need be.
func resolveDatabase(ctx context.Context, c config, logger *slog.Logger) (databaseURLs, error) {
	if c.DatabaseURL != "" {
		u := databaseURLs{serve: c.DatabaseURL, migrate: c.MigrateDatabaseURL}
		if u.migrate == "" {
			u.migrate = c.DatabaseURL
		}
		return u, nil
	}
	dir := filepath.Join(c.DataDir, "postgres")
	logger.Info("DATABASE_URL is unset: using the project-local PostgreSQL", "dir", dir,
		"serves_as", pgdev.App, "migrates_as", pgdev.Owner)
	cluster, err := pgdev.Ensure(ctx, dir, logger)
	if err != nil {
		return databaseURLs{}, err
	}
	return databaseURLs{serve: cluster.AppURL(), migrate: cluster.OwnerURL()}, nil
}

// openDatabase migrates the database, unless SKIP_MIGRATE is set, and opens the pool to serve
// through. With a role to migrate as (MIGRATE_DATABASE_URL, or the owner on the project-local
// cluster) the migrations run through a connection of their own, closed before serving starts.
func openDatabase(ctx context.Context, c config, logger *slog.Logger) (*pgxpool.Pool, error) {
	urls, err := resolveDatabase(ctx, c, logger)
	if err != nil {
		return nil, err
	}
	if c.SkipMigrate {
		logger.Info("SKIP_MIGRATE is set: not migrating the database")
	} else if urls.migrate != urls.serve {
		if err := migrateThrough(ctx, c, urls.migrate, logger); err != nil {
			return nil, err
		}
	}
	pool, err := postgres.Open(ctx, urls.serve, postgres.Config{StatementTimeout: c.StatementTimeout, MaxConns: c.DBMaxConns})
	if err != nil {
		return nil, err
	}
	if !c.SkipMigrate && urls.migrate == urls.serve {
		if err := postgres.Migrate(ctx, pool, logger); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return pool, nil
}

// openReplica opens a pool on the read replica at DATABASE_READ_URL, as the primary's is opened
// (its statement timeout and planner setting are its role's, which the replica has from the
// primary), and checks the replica in the background until ctx ends. It returns nil, and a close
// that does nothing, when DATABASE_READ_URL is unset.
func openReplica(ctx context.Context, c config, primary *postgres.Store, logger *slog.Logger) (*server.Replica, func(), error) {
	if c.ReadDatabaseURL == "" {
		return nil, func() {}, nil
	}
	pool, err := postgres.Open(ctx, c.ReadDatabaseURL, postgres.Config{MaxConns: c.DBReadMaxConns})
	if err != nil {
		return nil, nil, fmt.Errorf("read replica: %w", err)
	}
	r := server.NewReplica(postgres.New(pool, postgres.WithClock(primary.Now)), c.MaxReplicaLag, logger)
	go r.Run(ctx)
	logger.Info("anonymous public pages, downloads and feeds read from the replica while it is healthy",
		"max_replica_lag", c.MaxReplicaLag, "read_max_conns", c.DBReadMaxConns)
	return r, pool.Close, nil
}

// migrateThrough applies the migrations through a pool of its own on url.
func migrateThrough(ctx context.Context, c config, url string, logger *slog.Logger) error {
	pool, err := postgres.Open(ctx, url, postgres.Config{StatementTimeout: c.StatementTimeout, MaxConns: 4})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer pool.Close()
	return postgres.Migrate(ctx, pool, logger)
}
