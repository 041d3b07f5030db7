package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/pgdev"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// DemoDatabase is the database demo-data uses on the project-local cluster.
const DemoDatabase = "portal_demo"

// demoData fills a separate demonstration database with synthetic data at national scale. It
// only ever writes to a database whose name says it is one ("demo" in the name): the one given
// by --database-url or DATABASE_URL, or portal_demo on the project-local cluster, which it
// creates.
func demoData(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo-data", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := demo.Defaults()
	fs.IntVar(&d.Commitments, "commitments", d.Commitments, "commitments in the synthetic plan")
	fs.IntVar(&d.Updates, "updates", d.Updates, "updates across the commitments")
	fs.IntVar(&d.Organisations, "organisations", d.Organisations, "lead organisations")
	fs.IntVar(&d.AuditEntries, "audit", d.AuditEntries, "audit log entries")
	databaseURL := fs.String("database-url", "", `the demonstration database; its name must contain "demo"`)
	fresh := fs.Bool("fresh", false, "drop and create "+DemoDatabase+" first (project-local cluster only)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: portal demo-data [flags]

Fills a separate demonstration database with synthetic data that is plainly not real: a plan titled
%q, "Demo organisation N" and so on. The database is --database-url or else DATABASE_URL, and its
name must contain "demo"; without either, it is %s on the project-local cluster, created as needed.
The seed plan and any other rows are never changed.

`, demo.PlanTitle, DemoDatabase)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo-data: unexpected arguments %q", fs.Args())
	}

	c, logger, err := configure(getenv, stderr)
	if err != nil {
		return err
	}
	url := *databaseURL
	if url == "" {
		url = c.DatabaseURL
	}
	if url != "" {
		if *fresh {
			return errors.New("demo-data: --fresh drops a database, and only does so on the project-local cluster; drop and create yours yourself")
		}
		if err := checkDemoURL(url); err != nil {
			return err
		}
	} else {
		cluster, err := pgdev.Ensure(ctx, filepath.Join(c.DataDir, "postgres"), logger)
		if err != nil {
			return err
		}
		if err := createDemoDatabase(ctx, cluster.DatabaseURL("postgres"), *fresh); err != nil {
			return err
		}
		url = cluster.DatabaseURL(DemoDatabase)
	}

	pool, err := postgres.Open(ctx, url, postgres.Config{})
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, logger); err != nil {
		return err
	}
	var realUsers int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE email NOT LIKE '%@example.invalid'`).Scan(&realUsers); err != nil {
		return fmt.Errorf("demo-data: %w", err)
	}
	if realUsers > 0 {
		return fmt.Errorf("demo-data: the database has %d accounts of real people: it is not a demonstration database", realUsers)
	}
	fmt.Fprintf(stdout, "Loading %d commitments and %d updates of synthetic data...\n", d.Commitments, d.Updates)
	d.Progress = func(step string, took time.Duration) {
		fmt.Fprintf(stdout, "  %-20s %s\n", step, took.Round(time.Millisecond))
	}
	sum, err := demo.Load(ctx, pool, d)
	if errors.Is(err, demo.ErrExists) {
		return fmt.Errorf("%w (portal demo-data --fresh does that on the project-local cluster)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Loaded %s in %s: %d commitments, %d updates, %d organisations, %d audit entries.\nIts pages are under /plans/%s.\n",
		strings.TrimPrefix(redact(url), "postgres://"), sum.Took.Round(1e7), sum.Commitments, sum.Updates,
		sum.Organisations, sum.AuditEntries, demo.PlanSlug)
	return nil
}

// checkDemoURL refuses a database whose name does not say it is for demonstrations.
func checkDemoURL(url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("demo-data: database URL: %w", err)
	}
	if !strings.Contains(strings.ToLower(cfg.Database), "demo") {
		return fmt.Errorf(`demo-data: refusing to write synthetic data to database %q: a demonstration database's name must contain "demo"`, cfg.Database)
	}
	return nil
}

// createDemoDatabase creates the demonstration database on the cluster whose maintenance
// database is at adminURL, dropping it first when fresh.
func createDemoDatabase(ctx context.Context, adminURL string, fresh bool) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("demo-data: %w", err)
	}
	defer conn.Close(ctx)
	name := pgx.Identifier{DemoDatabase}.Sanitize()
	if fresh {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("demo-data: drop %s: %w", DemoDatabase, err)
		}
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, DemoDatabase).Scan(&exists); err != nil {
		return fmt.Errorf("demo-data: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return fmt.Errorf("demo-data: create %s: %w", DemoDatabase, err)
		}
	}
	return nil
}

// redact hides the password in a database URL.
func redact(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "the database"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
