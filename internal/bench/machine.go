package main

// The machine the bench runs on, and the resources the portal takes on it.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

type machineInfo struct {
	cpu, kernel, memory, goVersion, postgres, commit, loadStart string
	cores                                                       int
}

func machine(ctx context.Context, adminURL string) machineInfo {
	m := machineInfo{cores: runtime.NumCPU(), goVersion: runtime.Version(), loadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				m.memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if conn, err := pgx.Connect(ctx, adminURL); err == nil {
		// The settings the project-local cluster changes from PostgreSQL's defaults (pgdev).
		_ = conn.QueryRow(ctx, `SELECT current_setting('server_version') || ' (the project-local cluster: shared_buffers '
			|| current_setting('shared_buffers') || ', max_wal_size ' || current_setting('max_wal_size')
			|| ', synchronous_commit ' || current_setting('synchronous_commit') || ')'`).Scan(&m.postgres)
		conn.Close(ctx)
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.commit = strings.TrimSpace(string(out))
		if out, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(out) > 0 {
			m.commit += " (with uncommitted changes)"
		}
	}
	return m
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func (b *bench) resources(ctx context.Context) error {
	for range 3 {
		url, err := b.freshDatabase(ctx, "portal_bench_empty")
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, "", "migrate"); err != nil {
			return err
		}
		b.r.migrate = append(b.r.migrate, time.Since(start))
	}
	b.logf("migrate and seed an empty database: %v", b.r.migrate)
	fmt.Fprintf(&b.raw, "BenchmarkMigrateAndSeed 1 %d ns/op\n", slowest(b.r.migrate).Nanoseconds())

	url, err := b.freshDatabase(ctx, "portal_bench")
	if err != nil {
		return err
	}
	if _, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, "", "migrate"); err != nil {
		return err
	}
	for i := range 5 {
		s, err := b.serve(ctx, url, fmt.Sprintf("server-start-%d.log", i))
		if err != nil {
			return err
		}
		b.r.ready = append(b.r.ready, s.ready)
		s.stop()
	}
	b.logf("start to ready: %v", b.r.ready)
	fmt.Fprintf(&b.raw, "BenchmarkStartToReady 1 %d ns/op\n", slowest(b.r.ready).Nanoseconds())
	return nil
}

func slowest(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}
