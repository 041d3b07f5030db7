package main

// Load runs with wrk and their figures.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// wrkScript makes wrk take its paths in turn from the arguments after "--", and print its
// figures as JSON at the end.
const wrkScript = `
local paths = {}
local i = 0
init = function(args)
  for _, a in ipairs(args) do table.insert(paths, a) end
  i = math.random(#paths > 0 and #paths or 1) - 1
end
request = function()
  if #paths == 0 then return wrk.request() end
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"status_errors":%d,' ..
    '"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
`

// load is what wrk measured.
type load struct {
	Requests     int64   `json:"requests"`
	DurationUS   int64   `json:"duration_us"`
	Bytes        int64   `json:"bytes"`
	Errors       int64   `json:"errors"`
	StatusErrors int64   `json:"status_errors"`
	P50, P90     int64   // microseconds
	P95, P99     int64   //
	Max          int64   `json:"max"`
	Mean         float64 `json:"mean"`
}

func (l load) rps() float64 { return float64(l.Requests) / (float64(l.DurationUS) / 1e6) }

// bytesEach is the mean size of a response, headers included.
func (l load) bytesEach() float64 { return float64(l.Bytes) / float64(max(l.Requests, 1)) }

// wrk drives base+paths[0] (taking paths in turn when there are several) with conns
// connections for the run's duration, after a short warm-up.
func (b *bench) wrk(ctx context.Context, base string, conns int, header []string, paths ...string) (load, error) {
	script := filepath.Join(b.opt.out, "wrk.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		return load{}, err
	}
	threads := min(2, conns)
	args := func(d time.Duration) []string {
		a := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s",
			"--timeout", "5s", "-s", script}
		for _, h := range header {
			a = append(a, "-H", h)
		}
		a = append(a, base+paths[0])
		if len(paths) > 1 {
			a = append(a, "--")
			a = append(a, paths...)
		}
		return a
	}
	if out, err := exec.CommandContext(ctx, "wrk", args(2*time.Second)...).CombinedOutput(); err != nil {
		return load{}, fmt.Errorf("wrk warm-up: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, "wrk", args(b.opt.duration)...).CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads the figures wrkScript prints.
func parseWrk(out string) (load, error) {
	_, js, ok := strings.Cut(out, "WRKJSON ")
	if !ok {
		return load{}, fmt.Errorf("wrk printed no figures:\n%s", out)
	}
	js, _, _ = strings.Cut(js, "\n")
	var raw struct {
		load
		P50 int64 `json:"p50"`
		P90 int64 `json:"p90"`
		P95 int64 `json:"p95"`
		P99 int64 `json:"p99"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(js)), &raw); err != nil {
		return load{}, fmt.Errorf("wrk figures: %v\n%s", err, out)
	}
	l := raw.load
	l.P50, l.P90, l.P95, l.P99 = raw.P50, raw.P90, raw.P95, raw.P99
	return l, nil
}

// record adds a load figure to the raw output in the benchmark format benchstat reads.
func (b *bench) record(name string, l load) {
	fmt.Fprintf(&b.raw, "BenchmarkHTTP/%s %d %.0f ns/op %.1f req/s %.3f p50-ms %.3f p95-ms %.3f p99-ms %d errors\n",
		name, l.Requests, l.Mean*1000, l.rps(), ms(l.P50), ms(l.P95), ms(l.P99), l.Errors+l.StatusErrors)
}

func ms(us int64) float64 { return float64(us) / 1000 }
