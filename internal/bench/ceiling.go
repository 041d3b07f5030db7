package main

// The ceiling: pages against the same bytes served as a static file through the portal's
// middleware, and against the same response sent by a plain net/http server from memory.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/scottish-government/delivery-tracker/internal/demo"
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
	// deployed is the page asked for as a browser asks, with Accept-Encoding (deployedAccept):
	// the page cache's stored brotli bytes; plain is the same response from a plain net/http
	// server.
	deployed, plain load
	// CPU time a request took, in µs: the portal's as deployed, and the plain server's (the
	// bench's own process, which does nothing else meanwhile).
	deployedCPU, plainCPU float64
	sent                  int    // bytes of the compressed body sent as deployed
	missing               string // why the page could not be measured
}

// ceilingFigures is what the ceiling found beyond its rows.
type ceilingFigures struct {
	profile profileFigures
	// The overview of the national-scale plan, when portal_demo holds it.
	nationalOverview    int
	nationalOverviewWhy string
}

// nationalOverviewPath is the overview of the synthetic national-scale plan.
const nationalOverviewPath = "/plans/" + demo.PlanSlug

func (b *bench) ceiling(ctx context.Context) error {
	url, err := b.ensureBenchDatabase(ctx)
	if err != nil {
		return err
	}
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
	captured := map[string]capturedResponse{}
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
		if _, c, err := capture(s.base, p.path); err == nil {
			captured[p.path] = c
			row.sent = len(c.body)
		} else {
			return err
		}
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
		b.r.ceiling = append(b.r.ceiling, row)
	}

	// As deployed (compressed, logged) against the same responses from a plain net/http server,
	// page by page, one after the other.
	plain, err := startPlain(captured)
	if err != nil {
		return err
	}
	defer plain.stop()
	accept := []string{"Accept-Encoding: " + deployedAccept}
	var measured []string
	for i, row := range b.r.ceiling {
		if row.missing != "" {
			continue
		}
		measured = append(measured, row.path)
		b.logf("%s as deployed (Accept-Encoding: %s, %d bytes sent)", row.path, deployedAccept, row.sent)
		cpu := cpuTime(s.cmd.Process.Pid)
		if b.r.ceiling[i].deployed, err = b.wrk(ctx, s.base, b.opt.conns, accept, row.path); err != nil {
			return err
		}
		d := b.r.ceiling[i].deployed
		b.r.ceiling[i].deployedCPU = b.cpuEach(cpuTime(s.cmd.Process.Pid)-cpu, d)
		b.record("ceiling/"+row.name+"/deployed", d)
		b.logf("  %.0f req/s, p99 %.1f ms, %.0f bytes a response; plain net/http", d.rps(), ms(d.P99), d.bytesEach())
		cpu = cpuTime(os.Getpid())
		if b.r.ceiling[i].plain, err = b.wrk(ctx, plain.base, b.opt.conns, accept, row.path); err != nil {
			return err
		}
		pl := b.r.ceiling[i].plain
		b.r.ceiling[i].plainCPU = b.cpuEach(cpuTime(os.Getpid())-cpu, pl)
		b.record("ceiling/"+row.name+"/plain", pl)
		b.logf("  %.0f req/s, p99 %.1f ms, %.0f bytes a response: %.2f of plain; CPU a request %.1f µs, plain %.1f µs",
			pl.rps(), ms(pl.P99), pl.bytesEach(), d.rps()/pl.rps(), b.r.ceiling[i].deployedCPU, b.r.ceiling[i].plainCPU)
	}
	plain.stop()
	if len(measured) > 0 {
		b.logf("CPU profile of the portal under the same load, the pages in turn")
		b.r.ceilingMore.profile = b.profile(ctx, s.base, accept, measured...)
		if m := b.r.ceilingMore.profile.missing; m != "" {
			b.logf("  %s", m)
		}
		for _, p := range b.r.ceilingMore.profile.parts {
			b.logf("  %5.1f%%  %s", 100*p.seconds/b.r.ceilingMore.profile.samples, p.name)
		}
	}
	_, b.r.ceilingHWM = s.memory()
	s.stop()
	b.nationalOverview(ctx)

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

// nationalOverview measures the overview of the national-scale plan, when portal_demo holds it
// (the national step, or an earlier run with -reuse-demo, loads it).
func (b *bench) nationalOverview(ctx context.Context) {
	f := &b.r.ceilingMore
	url := b.cluster.DatabaseURL(cmdDemoDatabase)
	if !b.hasDemo(ctx, url) {
		f.nationalOverviewWhy = "no national-scale database: run the national step first, or keep it with -reuse-demo"
		return
	}
	s, err := b.serve(ctx, url, "server-ceiling-national.log")
	if err != nil {
		f.nationalOverviewWhy = err.Error()
		return
	}
	defer s.stop()
	status, body, err := s.get(nationalOverviewPath, nil)
	switch {
	case err != nil:
		f.nationalOverviewWhy = err.Error()
	case status != http.StatusOK:
		f.nationalOverviewWhy = fmt.Sprintf("GET %s answers %d", nationalOverviewPath, status)
	default:
		f.nationalOverview = len(body)
		b.logf("%s: %.1f KB", nationalOverviewPath, float64(len(body))/1024)
	}
}
