package demo

// The rows of the largest tables, the updates and the audit log, made on a connection of their
// own and streamed into the load's transaction with COPY, so that one core makes them while the
// other writes them.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// producer is a connection that makes rows for the load. It has the load's sentences and rules,
// made again from the same statements, and the load's commitments and users with the ids the
// load's transaction gave them, copied from it: they are not committed, and here they are only
// numbers. Its transaction writes nothing but temporary tables, and is rolled back by close.
//
// The first rows it makes stream into the load as they are made. Each later table's are made
// ahead (makeAhead), into a temporary table, as soon as the rows before are in, while the load
// goes on with other steps; and they must be: a query that names a table's row type (as the
// audit log's hashes do) waits for a lock on the table, which the load holds while it writes it.
type producer struct {
	args pgx.NamedArgs

	setUp    chan struct{} // closed once conn, tx and setupErr are set
	setupErr error
	conn     *pgxpool.Conn
	tx       pgx.Tx
	attached bool // it has the load's commitments and users

	ahead     chan error // the rows being made ahead into demo_rows, if any
	stopAhead context.CancelFunc
	madeAhead bool // demo_rows holds the rows of the next stream
}

// startProducer starts a producer: it takes a connection and makes the sentences and rules
// there, while the load begins.
func startProducer(ctx context.Context, pool *pgxpool.Pool, args pgx.NamedArgs) *producer {
	p := &producer{args: args, setUp: make(chan struct{})}
	go func() {
		defer close(p.setUp)
		p.setupErr = p.setup(ctx, pool)
	}()
	return p
}

func (p *producer) setup(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	p.conn = conn
	if p.tx, err = conn.Begin(ctx); err != nil {
		return err
	}
	setup := append(alongsideSQL(),
		`CREATE TEMP TABLE demo_commitments (i bigint, id bigint, author_id bigint, organisation_id bigint,
			position bigint, last_position bigint) ON COMMIT DROP`,
		`CREATE TEMP TABLE demo_users (id bigint, email text, organisation_id bigint, org_n bigint, staff_n integer, key text) ON COMMIT DROP`)
	for _, s := range setup {
		if _, err := p.tx.Exec(ctx, s, p.args); err != nil {
			return err
		}
	}
	return nil
}

// attach copies the load's commitments and users (demo_commitments and demo_users) from the
// load's transaction load, once it has them, and the first time only.
func (p *producer) attach(ctx context.Context, load pgx.Tx) error {
	<-p.setUp
	if p.setupErr != nil || p.attached {
		return p.setupErr
	}
	for _, t := range []struct{ from, into string }{
		// Each commitment with the partner who reports on it, of the organisation its first lead
		// line names, in the order of its updates' times within a slot (demo_at), and its place in
		// that order: among all the commitments, and among those with an update in the last slot.
		{`SELECT c.i::bigint, c.id::bigint, u.id::bigint, u.organisation_id::bigint,
		         (row_number() OVER (ORDER BY c.i % 3600, c.i) - 1)::bigint,
		         (CASE WHEN c.i < @updates::int % @commitments::int
		               THEN row_number() OVER (PARTITION BY c.i < @updates::int % @commitments::int ORDER BY c.i % 3600, c.i) - 1 END)::bigint
		  FROM demo_commitments c JOIN demo_users u ON u.org_n = (c.i * 3 + 7) % @orgs::int
		  ORDER BY c.i % 3600, c.i`, `demo_commitments (i, id, author_id, organisation_id, position, last_position)`},
		{`SELECT id::bigint, email::text, organisation_id::bigint, org_n::bigint, staff_n::integer, key::text FROM demo_users`,
			`demo_users (id, email, organisation_id, org_n, staff_n, key)`},
	} {
		from, err := inline(t.from, p.args)
		if err == nil {
			_, err = copyRows(ctx, load.Conn().PgConn(), from, p.conn.Conn().PgConn(), t.into)
		}
		if err != nil {
			return fmt.Errorf("copy %s: %w", t.into, err)
		}
	}
	if _, err := p.tx.Exec(ctx, `ANALYZE demo_commitments; ANALYZE demo_users`); err != nil {
		return err
	}
	p.attached = true
	return nil
}

// makeAhead starts making the rows of query into the temporary table demo_rows, for the next
// stream.
func (p *producer) makeAhead(ctx context.Context, query string) {
	ctx, p.stopAhead = context.WithCancel(ctx)
	p.ahead = make(chan error, 1)
	go func() {
		query, err := inline(query, p.args)
		if err == nil {
			_, err = p.tx.Exec(ctx, `CREATE TEMP TABLE demo_rows ON COMMIT DROP AS `+query)
		}
		p.ahead <- err
	}()
}

// waitAhead waits for the rows being made ahead, if any, and returns the query that reads them;
// else it returns query.
func (p *producer) waitAhead(query string) (string, error) {
	if p.ahead == nil {
		return query, nil
	}
	err := <-p.ahead
	p.ahead, p.stopAhead, p.madeAhead = nil, nil, err == nil
	return `TABLE demo_rows`, err
}

// stream copies the rows of query into the table and columns into in the load's transaction,
// and returns how many there were. COPY takes no parameters, so the load's named arguments in
// query, which must be whole numbers, are written into it.
func (p *producer) stream(ctx context.Context, load pgx.Tx, into, query string) (int64, error) {
	query, err := inline(query, p.args)
	if err != nil {
		return 0, err
	}
	n, err := copyRows(ctx, p.conn.Conn().PgConn(), query, load.Conn().PgConn(), into)
	if err == nil && p.madeAhead {
		_, err = p.tx.Exec(ctx, `DROP TABLE demo_rows`)
		p.madeAhead = false
	}
	return n, err
}

// close stops any rows being made ahead, rolls the producer's transaction back and returns its
// connection to the pool.
func (p *producer) close(ctx context.Context) {
	<-p.setUp
	if p.ahead != nil {
		p.stopAhead()
		_, _ = p.waitAhead("")
	}
	if p.tx != nil {
		_ = p.tx.Rollback(context.WithoutCancel(ctx))
	}
	if p.conn != nil {
		p.conn.Release()
	}
}

var namedArg = regexp.MustCompile(`@(\w+)`)

// inline writes the whole numbers of args into sql in place of their names (@name).
func inline(sql string, args pgx.NamedArgs) (string, error) {
	var err error
	sql = namedArg.ReplaceAllStringFunc(sql, func(name string) string {
		switch v := args[name[1:]].(type) {
		case int:
			return strconv.Itoa(v)
		case int64:
			return strconv.FormatInt(v, 10)
		}
		err = fmt.Errorf("demo: %s in a streamed query is not a whole number", name)
		return name
	})
	return sql, err
}

// errStopped stops a COPY whose other end has failed.
var errStopped = errors.New("the other end of the copy stopped")

// copyRows copies the rows of query on from into the table and columns into on to, in
// PostgreSQL's binary format, through a pipe: from makes them while to writes them. The query's
// columns must have the types of into's, as binary COPY reads each value as its column's type.
func copyRows(ctx context.Context, from *pgconn.PgConn, query string, to *pgconn.PgConn, into string) (int64, error) {
	r, w := io.Pipe()
	sent := make(chan error, 1)
	go func() {
		// Each row comes in a message of its own: written to the pipe one at a time, each would
		// wait for the reading end.
		b := bufio.NewWriterSize(w, 64<<10)
		_, err := from.CopyTo(ctx, b, `COPY (`+query+`) TO STDOUT (FORMAT binary)`)
		if err == nil {
			err = b.Flush()
		}
		if err != nil {
			w.CloseWithError(err)
		} else {
			w.Close()
		}
		sent <- err
	}()
	tag, err := to.CopyFrom(ctx, r, `COPY `+into+` FROM STDIN (FORMAT binary)`)
	// Whatever stopped the writing end stops the making end too. Where the making end failed
	// first, its error comes first.
	r.CloseWithError(errStopped)
	return tag.RowsAffected(), errors.Join(ignoreStopped(<-sent), err)
}

// ignoreStopped is err unless it only says that the other end stopped.
func ignoreStopped(err error) error {
	if errors.Is(err, errStopped) {
		return nil
	}
	return err
}
