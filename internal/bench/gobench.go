package main

// Query plans and the Go benchmarks.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func (b *bench) plans(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^TestListQueriesUseIndexes$", "-v", "./internal/postgres/")
	cmd.Env = append(os.Environ(), "EXPLAIN_DATABASE_URL="+b.cluster.DatabaseURL(cmdDemoDatabase))
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(b.opt.out, "explain.txt"), out, 0o644)
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "--- PASS: TestListQueriesUseIndexes/") || strings.HasPrefix(line, "--- FAIL: TestListQueriesUseIndexes/") {
			b.r.explain = append(b.r.explain, line)
		}
	}
	b.r.explainOK = err == nil
	b.logf("query plans at national scale: ok=%v (%d queries checked)", b.r.explainOK, len(b.r.explain))
	return nil
}

func (b *bench) goBenchmarks(ctx context.Context) error {
	if b.opt.skipGo {
		return nil
	}
	pkgs := []string{"./web/", "./internal/postgres/", "./internal/server/"}
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(b.opt.goCount)}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	// The store's benchmarks run on the national-scale database.
	cmd.Env = append(os.Environ(), "BENCH_DATABASE_URL="+b.cluster.DatabaseURL(cmdDemoDatabase))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(b.opt.out, "gobench.txt"), out, 0o644); err != nil {
		return err
	}
	b.raw.Write(out)
	b.r.goBench = summariseGoBench(string(out))
	return nil
}

// goBench is the median of a Go benchmark's runs.
type goBench struct {
	name                string
	nsOp, bOp, allocsOp float64
}

func summariseGoBench(out string) []goBench {
	runs := map[string][][3]float64{}
	var order []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		var v [3]float64
		for i := 2; i+1 < len(f); i += 2 {
			x, _ := strconv.ParseFloat(f[i], 64)
			switch f[i+1] {
			case "ns/op":
				v[0] = x
			case "B/op":
				v[1] = x
			case "allocs/op":
				v[2] = x
			}
		}
		if _, ok := runs[name]; !ok {
			order = append(order, name)
		}
		runs[name] = append(runs[name], v)
	}
	var res []goBench
	for _, name := range order {
		rs := runs[name]
		med := func(k int) float64 {
			xs := make([]float64, len(rs))
			for i, r := range rs {
				xs[i] = r[k]
			}
			sort.Float64s(xs)
			return xs[len(xs)/2]
		}
		res = append(res, goBench{name: name, nsOp: med(0), bOp: med(1), allocsOp: med(2)})
	}
	return res
}
