package main

// The slowest statement of each national-scale row, found in PostgreSQL's own log and explained.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// slowQuery is the slowest statement a row's pages sent, as PostgreSQL logged it, with its plan.
type slowQuery struct {
	ms    float64 // the median of the times logged while the row's pages were requested one at a time
	max   float64 // the slowest of them
	times int     // how many times it was logged
	sql   string  // with its parameters written in as literals
	plan  string  // EXPLAIN (ANALYZE, BUFFERS), run afterwards on its own
	err   string
}

// planRepeats is how often each path of a row is requested while its statements are logged.
const planRepeats = 3

// nationalPlans finds the slowest statement of each measured row: PostgreSQL logs the duration
// of every statement on the demonstration database (log_min_duration_statement = 0, set on the
// database and so taken by the connections of a server started after it), while the row's paths
// are each requested a few times, one at a time; the slowest logged is then explained with
// ANALYZE and BUFFERS. The log is the cluster's own (internal/pgdev); the setting is removed
// again before it returns.
func (b *bench) nationalPlans(ctx context.Context, url string, cookie string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	db := pgx.Identifier{cmdDemoDatabase}.Sanitize()
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+db+` SET log_min_duration_statement = 0`); err != nil {
		return err
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `ALTER DATABASE `+db+` RESET log_min_duration_statement`)
	}()
	s, err := b.serve(ctx, url, "server-national-plans.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s.stop()
	logPath := filepath.Join(b.cluster.Dir(), "server.log")
	for i := range b.r.national {
		row := &b.r.national[i]
		if row.missing != "" || !row.target {
			continue
		}
		hdr := http.Header{}
		if row.staff && cookie != "" {
			hdr.Set("Cookie", cookie)
		}
		start, err := fileSize(logPath)
		if err != nil {
			return err
		}
		for range planRepeats {
			for _, p := range row.paths {
				if _, _, err := s.get(p, hdr); err != nil {
					return err
				}
			}
		}
		entries, err := readLogFrom(logPath, start)
		if err != nil {
			return err
		}
		slowest := slowestStatement(entries)
		if slowest == nil {
			row.slow = &slowQuery{err: "no statement was logged"}
			continue
		}
		row.slow = slowest
		row.slow.plan, err = explainAnalyze(ctx, conn, slowest.sql)
		if err != nil {
			row.slow.err = err.Error()
		}
		b.logf("%s: slowest statement %.1f ms (median of %d)", row.name, slowest.ms, slowest.times)
	}
	return nil
}

func fileSize(path string) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// logEntry is a statement PostgreSQL logged with its duration, and its parameters.
type logEntry struct {
	pid    string
	ms     float64
	sql    string
	params string
}

var (
	logLineStart = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \S+ \[(\d+)\] (\w+):  (.*)$`)
	logDuration  = regexp.MustCompile(`^duration: ([0-9.]+) ms  (?:execute [^:]*|statement): (.*)$`)
	logParam     = regexp.MustCompile(`\$(\d+) = ('(?:[^']|'')*'|NULL)`)
)

// readLogFrom reads the statements logged with their durations after offset.
func readLogFrom(path string, offset int64) ([]logEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, err
	}
	var out []logEntry
	var cur *logEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		m := logLineStart.FindStringSubmatch(line)
		if m == nil {
			if cur != nil {
				cur.sql += "\n" + line
			}
			continue
		}
		pid, level, msg := m[2], m[3], m[4]
		switch {
		case level == "LOG" && logDuration.MatchString(msg):
			d := logDuration.FindStringSubmatch(msg)
			ms, _ := strconv.ParseFloat(d[1], 64)
			out = append(out, logEntry{pid: pid, ms: ms, sql: d[2]})
			cur = &out[len(out)-1]
		case level == "DETAIL" && strings.HasPrefix(msg, "parameters: ") && cur != nil && cur.pid == pid:
			cur.params = strings.TrimPrefix(msg, "parameters: ")
			cur = nil
		default:
			cur = nil
		}
	}
	return out, sc.Err()
}

// slowestStatement returns the statement with the slowest median of the times it was logged
// (each path is requested planRepeats times), with its parameters written in: the median rather
// than the slowest single time, which on a shared machine is as often a stall of the moment as
// the statement's own cost.
func slowestStatement(entries []logEntry) *slowQuery {
	times := map[string][]float64{}
	var order []string
	for _, e := range entries {
		sql := withParams(e.sql, e.params)
		if _, ok := times[sql]; !ok {
			order = append(order, sql)
		}
		times[sql] = append(times[sql], e.ms)
	}
	var slowest *slowQuery
	for _, sql := range order {
		ts := times[sql]
		sort.Float64s(ts)
		if m := ts[len(ts)/2]; slowest == nil || m > slowest.ms {
			slowest = &slowQuery{ms: m, sql: sql, times: len(ts), max: ts[len(ts)-1]}
		}
	}
	return slowest
}

// withParams writes the logged parameters into the statement as literals, highest number first
// so that $1 does not take the start of $10. A literal of unknown type takes the type the
// parameter had, as PostgreSQL resolves both alike.
func withParams(sql, params string) string {
	values := map[int]string{}
	var nums []int
	for _, m := range logParam.FindAllStringSubmatch(params, -1) {
		n, _ := strconv.Atoi(m[1])
		values[n] = m[2]
		nums = append(nums, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	for _, n := range nums {
		sql = strings.ReplaceAll(sql, "$"+strconv.Itoa(n), values[n])
	}
	return sql
}

// explainAnalyze runs the statement under EXPLAIN (ANALYZE, BUFFERS) twice, and returns the
// second plan: the first warms what the bench's own connection has not read yet.
func explainAnalyze(ctx context.Context, conn *pgx.Conn, sql string) (string, error) {
	var plan string
	for range 2 {
		rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			return "", err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return "", fmt.Errorf("explain: %w", err)
		}
		plan = strings.Join(lines, "\n")
	}
	return plan, nil
}

// writeSlowest writes, for each national-scale target row, its slowest statement and its plan.
func writeSlowest(p func(string, ...any), rows []nationalRow) {
	var found bool
	for _, n := range rows {
		found = found || n.slow != nil
	}
	if !found {
		return
	}
	p("The slowest statement of each target row: PostgreSQL logged every statement on `portal_demo`\n")
	p("(`log_min_duration_statement = 0`) while each of the row's paths was requested %d times, one at a\n", planRepeats)
	p("time, after the runs above; the statement with the slowest median time was then run again under\n")
	p("`EXPLAIN (ANALYZE, BUFFERS)`.\n\n")
	for _, n := range rows {
		if n.slow == nil {
			continue
		}
		if n.slow.sql == "" {
			p("- %s: %s\n\n", n.name, n.slow.err)
			continue
		}
		p("<details><summary>%s: %.2f ms as logged (median of %d, slowest %.2f ms)</summary>\n\n", n.name, n.slow.ms, n.slow.times, n.slow.max)
		p("```sql\n%s\n```\n\n", strings.TrimSpace(n.slow.sql))
		if n.slow.err != "" {
			p("EXPLAIN failed: %s\n\n", n.slow.err)
		} else {
			p("```\n%s\n```\n\n", n.slow.plan)
		}
		p("</details>\n\n")
	}
}
