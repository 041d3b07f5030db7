package main

import (
	"fmt"
	"runtime"
	"strconv"
	"time"
)

// dbConfig is how the portal uses its databases: the size of its connection pools, the replica
// it reads public pages from, and the lag beyond which it stops.
type dbConfig struct {
	// DBMaxConns bounds the pool of connections to DATABASE_URL.
	DBMaxConns int32
	// DBReadMaxConns bounds the pool of connections to DATABASE_READ_URL.
	DBReadMaxConns int32
	// DatabaseReadURL, when set, is a replica that anonymous pages, exports and feeds read from.
	DatabaseReadURL string
	// ListenDatabaseURL is where the portal listens for new data versions; empty, DATABASE_URL.
	// Through PgBouncer in transaction mode it must reach PostgreSQL directly.
	ListenDatabaseURL string
	// MaxReplicaLag is how far behind the primary the replica may be before reads go to the
	// primary instead.
	MaxReplicaLag time.Duration
}

// defaultMaxConns is pgx's own default pool size, stated so that the budget is written down.
func defaultMaxConns() int32 { return int32(max(4, runtime.NumCPU())) }

// loadDBConfig reads DB_MAX_CONNS, DB_READ_MAX_CONNS, DATABASE_READ_URL, LISTEN_DATABASE_URL and
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
	if c.DBReadMaxConns, err = conns("DB_READ_MAX_CONNS", c.DBMaxConns); err != nil {
		return err
	}
	if c.DatabaseReadURL, err = get("DATABASE_READ_URL"); err != nil {
		return err
	}
	if c.ListenDatabaseURL, err = get("LISTEN_DATABASE_URL"); err != nil {
		return err
	}
	c.MaxReplicaLag = 10 * time.Second
	if v := getenv("MAX_REPLICA_LAG"); v != "" {
		if c.MaxReplicaLag, err = time.ParseDuration(v); err != nil || c.MaxReplicaLag <= 0 {
			return fmt.Errorf("MAX_REPLICA_LAG %q is not a positive duration such as 10s", v)
		}
	}
	return nil
}
