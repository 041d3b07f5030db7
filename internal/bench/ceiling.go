package main

// The ceiling: pages against the same bytes served as a static file.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

// ceilingPages are the pages compared with the same bytes served as a static file.
var ceilingPages = []struct{ name, path string }{
	{"overview", "/"},
	{"priority", "/priorities/digital-skills-and-leadership"},
	{"commitment", "/commitments/4.2"},
	{"commitments", "/commitments"},
}

type ceilingRow struct {
	name, path   string
	bytes        int
	page, static load
	uncached     load
	brotli       load   // the page asked for with brotli: the page cache's stored bytes
	missing      string // why the page could not be measured
}

func (b *bench) ceiling(ctx context.Context) error {
	url := b.cluster.DatabaseURL("portal_bench")
	dir, err := filepath.Abs(filepath.Join(b.opt.out, "static"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s, err := b.serve(ctx, url, "server-ceiling.log", "PORTAL_BENCH_STATIC_DIR="+dir)
	if err != nil {
		return err
	}
	defer s.stop()
	for _, p := range ceilingPages {
		row := ceilingRow{name: p.name, path: p.path}
		status, body, err := s.get(p.path, nil)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			row.missing = fmt.Sprintf("GET %s answers %d on this build", p.path, status)
			b.r.ceiling = append(b.r.ceiling, row)
			continue
		}
		row.bytes = len(body)
		if err := os.WriteFile(filepath.Join(dir, p.name+".html"), body, 0o644); err != nil {
			return err
		}
		b.logf("%s (%d bytes): page", p.path, len(body))
		if row.page, err = b.wrk(ctx, s.base, b.opt.conns, nil, p.path); err != nil {
			return err
		}
		b.record("ceiling/"+p.name+"/page", row.page)
		b.logf("  %.0f req/s, p99 %.1f ms; static file", row.page.rps(), ms(row.page.P99))
		if row.static, err = b.wrk(ctx, s.base, b.opt.conns, nil, "/_bench/static/"+p.name+".html"); err != nil {
			return err
		}
		b.record("ceiling/"+p.name+"/static", row.static)
		b.logf("  %.0f req/s, p99 %.1f ms; brotli", row.static.rps(), ms(row.static.P99))
		if row.brotli, err = b.wrk(ctx, s.base, b.opt.conns, []string{"Accept-Encoding: br, gzip"}, p.path); err != nil {
			return err
		}
		b.record("ceiling/"+p.name+"/brotli", row.brotli)
		b.logf("  %.0f req/s, p99 %.1f ms, %.0f bytes a response", row.brotli.rps(), ms(row.brotli.P99), row.brotli.bytesEach())
		b.r.ceiling = append(b.r.ceiling, row)
	}
	_, b.r.ceilingHWM = s.memory()

	// The same pages with the page cache off: every request queries the database and renders.
	s2, err := b.serve(ctx, url, "server-ceiling-uncached.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s2.stop()
	for i, row := range b.r.ceiling {
		if row.missing != "" {
			continue
		}
		b.logf("%s without the page cache", row.path)
		if b.r.ceiling[i].uncached, err = b.wrk(ctx, s2.base, b.opt.conns, nil, row.path); err != nil {
			return err
		}
		b.record("ceiling/"+row.name+"/uncached", b.r.ceiling[i].uncached)
	}
	_, hwm := s2.memory()
	b.r.ceilingHWM = max(b.r.ceilingHWM, hwm)
	return nil
}
