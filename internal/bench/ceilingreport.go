package main

import (
	"strings"
	"time"
)

// The targets of issue 20 for the ceiling and the overview's size.
const (
	targetPlainRatio         = 0.8
	targetPlainP99           = 10 * time.Millisecond
	targetNationalOverviewKB = 60
)

// writeCeiling writes the ceiling's rows of the targets table (targets) or its section.
func (b *bench) writeCeiling(p func(string, ...any), targets bool) {
	r := &b.r
	if targets {
		for _, c := range r.ceiling {
			if c.missing != "" {
				p("| `%s` at %d connections: at least 50%% of the static file's requests per second, p99 at most 20 ms | %s | **not measured** |\n",
					c.path, b.opt.conns, c.missing)
				continue
			}
			ratio := c.page.rps() / c.static.rps()
			ok := ratio >= targetRatio && time.Duration(c.page.P99)*time.Microsecond <= targetP99 && c.page.Errors+c.page.StatusErrors == 0
			p("| `%s` at %d connections: at least 50%% of the static file's requests per second, p99 at most 20 ms | %.0f%% (%.0f vs %.0f req/s), p99 %.1f ms | %s |\n",
				c.path, b.opt.conns, ratio*100, c.page.rps(), c.static.rps(), ms(c.page.P99), verdict(ok))
		}
		for _, c := range r.ceiling {
			if c.missing != "" || c.plain.Requests == 0 {
				continue
			}
			ratio := c.deployed.rps() / c.plain.rps()
			ok := ratio >= targetPlainRatio && time.Duration(c.deployed.P99)*time.Microsecond <= targetPlainP99 &&
				c.deployed.Errors+c.deployed.StatusErrors == 0
			p("| `%s` as deployed (compressed, logged) at %d connections: at least 80%% of a plain net/http server's requests per second for the same response, p99 at most 10 ms | %.0f%% (%.0f vs %.0f req/s), p99 %.1f ms (plain %.1f ms); by CPU a request %.0f%% | %s |\n",
				c.path, b.opt.conns, ratio*100, c.deployed.rps(), c.plain.rps(), ms(c.deployed.P99), ms(c.plain.P99),
				100*c.plainCPU/max(c.deployedCPU, 1e-9), verdict(ok))
		}
		return
	}

	p("## Pages against the same bytes as a static file, and against a plain net/http server\n\n")
	p("%d connections, 2 wrk threads, %s per run after a 2 s warm-up, on the seeded database, with request logs on\n", b.opt.conns, b.opt.duration)
	p("(JSON, to a file) as deployed. \"Static\" is the page's own bytes, saved once and served by the same binary\n")
	p("through the same middleware (`PORTAL_BENCH_STATIC_DIR`). \"No cache\" is the page with the page cache off\n")
	p("(`PAGE_CACHE_MB=0`): every request reads the database and renders, as before the cache was added.\n\n")
	p("\"As deployed\" is the page asked for as a browser asks over HTTPS (`Accept-Encoding: %s`), so the\n", deployedAccept)
	p("portal sends the brotli bytes its page cache stored. \"Plain\" is a Go net/http server with no middleware, on a\n")
	p("listener of its own in the bench's process, answering the same path with the response the portal gave that\n")
	p("request, kept in memory: the same status, the same headers (security headers, ETag, Vary, the request ID as it\n")
	p("was) and the same compressed body, byte for byte; only `Date` is its own. Both are measured in the same run,\n")
	p("one after the other, page by page; \"bytes a response\" (headers and body, as wrk counts them) shows that they\n")
	p("send the same.\n\n")
	p("| Page | Bytes | Page req/s | Static req/s | Page / static | Page p50 / p95 / p99 ms | Static p99 ms | No cache req/s | No cache p99 ms |\n")
	p("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n")
	for _, c := range r.ceiling {
		if c.missing != "" {
			p("| `%s` | | | | | %s | | | |\n", c.path, c.missing)
			continue
		}
		p("| `%s` | %d | %.0f | %.0f | %.0f%% | %.2f / %.2f / %.2f | %.2f | %.0f | %.2f |\n", c.path, c.bytes,
			c.page.rps(), c.static.rps(), 100*c.page.rps()/c.static.rps(), ms(c.page.P50), ms(c.page.P95), ms(c.page.P99),
			ms(c.static.P99), c.uncached.rps(), ms(c.uncached.P99))
	}
	p("\"CPU a request\" is the CPU time (user and system, from `/proc`) of the portal's process, and of the bench's\n")
	p("process for the plain server, over the run and its warm-up, divided by the requests (the warm-up's reckoned at\n")
	p("the run's rate). On a machine shared with other work, requests per second swing with the load on the cores;\n")
	p("the CPU a request takes much less, so \"plain / deployed CPU\" is the steadier view of the same ratio.\n\n")
	p("| Page | Brotli body bytes | As deployed req/s | Plain req/s | Deployed / plain | Deployed p50 / p99 ms | Plain p50 / p99 ms | Bytes a response, deployed / plain | CPU a request, deployed / plain µs | Plain / deployed CPU |\n")
	p("| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- | ---: |\n")
	for _, c := range r.ceiling {
		if c.missing != "" || c.plain.Requests == 0 {
			continue
		}
		p("| `%s` | %d | %.0f | %.0f | %.0f%% | %.2f / %.2f | %.2f / %.2f | %.0f / %.0f | %.1f / %.1f | %.0f%% |\n", c.path, c.sent,
			c.deployed.rps(), c.plain.rps(), 100*c.deployed.rps()/c.plain.rps(), ms(c.deployed.P50), ms(c.deployed.P99),
			ms(c.plain.P50), ms(c.plain.P99), c.deployed.bytesEach(), c.plain.bytesEach(), c.deployedCPU, c.plainCPU,
			100*c.plainCPU/max(c.deployedCPU, 1e-9))
	}
	p("\n")
	b.writeProfile(p)
}

// writeProfile writes where the portal's time went under the deployed load.
func (b *bench) writeProfile(p func(string, ...any)) {
	f := b.r.ceilingMore.profile
	p("### Where the time goes\n\n")
	if f.missing != "" {
		p("%s\n\n", f.missing)
		return
	}
	if f.samples == 0 {
		return
	}
	p("A CPU profile of the portal (`/_bench/pprof/profile`, served only with `PORTAL_BENCH_STATIC_DIR`) for %s while\n", f.took)
	p("wrk asks for the four pages in turn as deployed; `%s` keeps it (`go tool pprof`).\n", f.file)
	p("Each sample goes to the innermost part of the request's path its stack passes through: a write to the socket\n")
	p("is net/http's whoever asked for it, the access log's write to its file is the log's, and an allocation is the\n")
	p("part's that made it (its share of the garbage collector's background work is in its own line). %.1f s of CPU\n", f.samples)
	p("for about %.0f requests: %.1f µs a request.\n\n", f.requests, 1e6*f.samples/max(f.requests, 1))
	p("| Part | Share of the CPU | µs a request |\n| --- | ---: | ---: |\n")
	for _, s := range f.parts {
		p("| %s | %.1f%% | %.2f |\n", s.name, 100*s.seconds/f.samples, 1e6*s.seconds/max(f.requests, 1))
	}
	p("\n")
	if f.top != "" {
		p("<details><summary>go tool pprof -top</summary>\n\n```\n%s```\n\n</details>\n\n", strings.TrimLeft(f.top, "\n"))
	}
}

// writeCeilingSizes writes the rows of the targets table on the overview's size.
func (b *bench) writeCeilingSizes(p func(string, ...any)) {
	r := &b.r
	for _, c := range r.ceiling {
		if c.name == "overview" && c.missing == "" {
			p("| Overview HTML at most 50 KB | %.1f KB | %s |\n", float64(c.bytes)/1024, verdict(c.bytes <= targetOverviewKB*1024))
		}
	}
	if len(r.ceiling) == 0 {
		return
	}
	m := r.ceilingMore
	if m.nationalOverview == 0 {
		p("| Overview at national scale (`%s`) at most 60 KB | %s | **not measured** |\n", nationalOverviewPath, m.nationalOverviewWhy)
		return
	}
	p("| Overview at national scale (`%s`) at most 60 KB | %.1f KB | %s |\n", nationalOverviewPath,
		float64(m.nationalOverview)/1024, verdict(m.nationalOverview <= targetNationalOverviewKB*1024))
}
