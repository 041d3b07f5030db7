package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Timings of ListenDataVersion.
const (
	// ListenHeartbeat is how long the listening connection may hear nothing before it reads the
	// version, which also proves the connection still works.
	ListenHeartbeat = 5 * time.Second
	// listenRetry is the pause before connecting again after the connection failed.
	listenRetry = time.Second
)

// ListenDataVersion keeps a connection of its own to the database at url (empty: the pool's own
// settings) listening for new data versions (LISTEN data_version; the version's trigger announces
// each with pg_notify at commit), until ctx ends. Each time it connects it reads the version and
// calls heard with it, then calls heard with every version announced, and with the version it
// reads whenever ListenHeartbeat passes in silence. When the connection fails it calls lost and
// connects again. LISTEN needs a session of its own, so through PgBouncer in transaction mode url
// must reach PostgreSQL directly.
func (s *Store) ListenDataVersion(ctx context.Context, url string, heard func(int64), lost func(error)) {
	for ctx.Err() == nil {
		err := s.listen(ctx, url, heard)
		if ctx.Err() != nil {
			return
		}
		lost(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(listenRetry):
		}
	}
}

func (s *Store) listen(ctx context.Context, url string, heard func(int64)) error {
	var cc *pgx.ConnConfig
	if url == "" {
		cc = s.pool.Config().ConnConfig.Copy()
	} else {
		var err error
		if cc, err = pgx.ParseConfig(url); err != nil {
			return fmt.Errorf("postgres: listen: parse URL: %w", err)
		}
		if cc.ConnectTimeout == 0 {
			cc.ConnectTimeout = DefaultConnectTimeout
		}
	}
	cc.RuntimeParams["application_name"] = "delivery-tracker-listen"
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return fmt.Errorf("postgres: listen: connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN data_version`); err != nil {
		return fmt.Errorf("postgres: listen: %w", err)
	}
	read := func() error {
		rctx, cancel := context.WithTimeout(ctx, DefaultConnectTimeout)
		defer cancel()
		var v int64
		if err := conn.QueryRow(rctx, `SELECT version FROM data_version`).Scan(&v); err != nil {
			return fmt.Errorf("postgres: listen: data version: %w", err)
		}
		heard(v)
		return nil
	}
	if err := read(); err != nil {
		return err
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, ListenHeartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, context.DeadlineExceeded):
			if err := read(); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("postgres: listen: %w", err)
		default:
			if v, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				heard(v)
			}
		}
	}
}
