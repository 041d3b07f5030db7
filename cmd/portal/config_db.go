package main

import (
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/server"
)

// dbConfig is how the portal uses its database: the size of its connection pool, where it
// listens for changes, and the read replica.
type dbConfig struct {
	// DBMaxConns bounds the pool of connections to DATABASE_URL.
	DBMaxConns int32
	// ListenDatabaseURL is where the portal listens for new data versions; empty, DATABASE_URL.
	// Through PgBouncer in transaction mode it must reach PostgreSQL directly.
	ListenDatabaseURL string
	// ReadDatabaseURL, when set, is a read replica that anonymous public pages, downloads and
	// feeds read from while it is healthy (DATABASE_READ_URL); DBReadMaxConns bounds the pool of
	// connections to it, and MaxReplicaLag is the lag beyond which it is skipped.
	ReadDatabaseURL string
	DBReadMaxConns  int32
	MaxReplicaLag   time.Duration
}

// defaultMaxConns is pgx's own default pool size, stated so that the budget is written down.
func defaultMaxConns() int32 { return int32(max(4, runtime.NumCPU())) }

// loadDBConfig reads DB_MAX_CONNS, LISTEN_DATABASE_URL, DATABASE_READ_URL, DB_READ_MAX_CONNS and
// MAX_REPLICA_LAG.
func loadDBConfig(c *config, get func(string) (string, error), getenv func(string) string) error {
	conns := func(name string, def int32) (int32, error) {
		v := getenv(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return 0, fmt.Errorf("%s %q is not a number of connections from 1 to 1000", name, v)
		}
		return int32(n), nil
	}
	var err error
	if c.DBMaxConns, err = conns("DB_MAX_CONNS", defaultMaxConns()); err != nil {
		return err
	}
	if c.ListenDatabaseURL, err = get("LISTEN_DATABASE_URL"); err != nil {
		return err
	}
	if c.ReadDatabaseURL, err = get("DATABASE_READ_URL"); err != nil {
		return err
	}
	if c.DBReadMaxConns, err = conns("DB_READ_MAX_CONNS", defaultMaxConns()); err != nil {
		return err
	}
	c.MaxReplicaLag, err = envDuration(getenv, "MAX_REPLICA_LAG", server.DefaultMaxReplicaLag, false, "a positive duration such as 5s")
	return err
}
