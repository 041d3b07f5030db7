// Command portal runs Delivery Tracker: `portal serve` (the default) migrates the database and
// serves the portal; `portal migrate` only migrates; `portal demo-data` fills a separate
// demonstration database with synthetic data; `portal audit verify` checks the audit log's hash
// chain.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	setMemoryDefaults(os.Getenv)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "portal: %v\n", err)
		os.Exit(1)
	}
}

const usage = `Usage: portal [command]

Commands:
  serve     migrate the database, then serve the portal (the default)
  migrate   apply the database migrations and exit
  demo-data fill a separate demonstration database with synthetic data
            (portal demo-data -h for its flags)
  user add  create an account: portal user add --email E --name N --role admin|staff|partner
            [--org CODE] [--password-stdin]
  audit verify
            check the audit log's hash chain: report the first row changed, removed or
            added past its triggers, or that it is intact (exit status 1 if not)

Configuration comes from the environment: see README.md.
`

// run is the whole program, with its inputs and outputs passed in so that tests can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	defer flushLogs()
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stderr)
	case "demo-data":
		return demoData(ctx, args, getenv, stdout, stderr)
	case "user":
		return user(ctx, args, getenv, stdin, stdout, stderr)
	case "audit":
		return audit(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	default:
		_, _ = io.WriteString(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
