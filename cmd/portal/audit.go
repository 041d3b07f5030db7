package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

const auditUsage = `Usage: portal audit verify

Walks the audit log's hash chain and reports the first row at which it breaks (a row changed,
removed or added past the triggers), or that the log is intact, with the hash of its newest row.
Note that hash somewhere else: the chain alone cannot show that rows were removed from the end
and the head moved back with them, a comparison with an earlier hash can. It exits with status 1
when the chain is broken. It reads through DATABASE_URL, as the portal serves.
`

// audit runs `portal audit verify`.
func audit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		_, _ = io.WriteString(stderr, auditUsage)
		return errors.New("usage: portal audit verify")
	}
	_, _, pool, err := openConfigured(ctx, getenv, stderr, connect)
	if err != nil {
		return err
	}
	defer pool.Close()
	chain, err := postgres.New(pool).VerifyAuditChain(ctx)
	if err != nil {
		return err
	}
	if b := chain.Break; b != nil {
		return fmt.Errorf("audit log broken at row %d (%s): %s", b.ID, b.At.UTC().Format(time.RFC3339), b.Problem)
	}
	if chain.Rows == 0 {
		_, err = fmt.Fprintln(stdout, "audit log intact: 0 rows")
		return err
	}
	_, err = fmt.Fprintf(stdout, "audit log intact: %d rows; the newest, row %d (%s), has hash %s\n",
		chain.Rows, chain.LastID, chain.LastAt.UTC().Format(time.RFC3339), hex.EncodeToString(chain.Head))
	return err
}
