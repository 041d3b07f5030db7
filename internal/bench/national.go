package main

// National scale: the synthetic plan in portal_demo, under load.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/demo"
)

// nationalTarget is a page measured at national scale: the first of its candidate path sets
// that the build answers with 200 is used, requests taking the paths in turn.
type nationalTarget struct {
	name       string
	candidates [][]string
	staff      bool // needs a signed-in member of staff
	// target marks the rows judged against the national-scale targets (p95 at most 5 ms for one
	// reader, 20 ms at latency-conns connections), whose slowest statement the report explains.
	target bool
}

// listCandidates is the commitment list of the synthetic plan with each of the queries, as two
// candidate path sets: under the plan's own path, and on the list of every plan's commitments.
func listCandidates(queries ...string) [][]string {
	var underPlan, acrossPlans []string
	for _, q := range queries {
		underPlan = append(underPlan, "/plans/"+demo.PlanSlug+"/commitments?"+q)
		acrossPlans = append(acrossPlans, "/commitments?plan="+demo.PlanSlug+"&"+q)
	}
	return [][]string{underPlan, acrossPlans}
}

var nationalTargets = []nationalTarget{
	{name: "overview", candidates: [][]string{{"/plans/" + demo.PlanSlug}}},
	{name: "filtered list", target: true, candidates: listCandidates("status=at_risk", "priority=3&status=on_track", "org=DEMO-17",
		"overdue=1&page=2", "status=delayed&sort=due")},
	{name: "text search", target: true, candidates: listCandidates("q=telehealth", "q=cyber+resilience", "q=dementia+pathways", "q=3.17",
		"q=vaccination&status=on_track")},
	// A word in nearly every commitment: the most a search can have to find, count and rank.
	{name: "text search, a word in nearly every commitment", target: true, candidates: listCandidates("q=digital")},
	{name: "staff dashboard", staff: true, target: true, candidates: [][]string{{"/dashboard?plan=" + demo.PlanSlug}, {"/dashboard"}}},
	// The pages of a priority area, fifty commitments to a page, taken in turn: the largest page
	// is the largest of them. A build that shows the whole area on one page answers the first
	// set with 404 for ?page=10, and is measured on that one page.
	{name: "priority page", target: true, candidates: [][]string{
		{priorityPath, priorityPath + "?page=2", priorityPath + "?page=5", priorityPath + "?page=10"},
		{priorityPath}}},
	{name: "commitment page", target: true, candidates: [][]string{{"/plans/" + demo.PlanSlug + "/commitments/3.17",
		"/plans/" + demo.PlanSlug + "/commitments/5.200", "/plans/" + demo.PlanSlug + "/commitments/8.400"}}},
}

// priorityPath is a priority area of the synthetic plan: 500 commitments at national scale.
const priorityPath = "/plans/" + demo.PlanSlug + "/priorities/synthetic-area-3"

// csvCandidates are where the CSV of every commitment of the synthetic plan may be.
var csvCandidates = []string{"/plans/" + demo.PlanSlug + "/commitments.csv", "/commitments.csv?plan=" + demo.PlanSlug}

type nationalRow struct {
	name    string
	target  bool // judged against the national-scale targets
	staff   bool
	slow    *slowQuery // the slowest statement of its pages, explained
	paths   []string
	bytes   int
	single  load // one connection: the latency one reader sees, judged against the target
	load    load // latency-conns connections: the same under contention for the two cores
	missing string
}

type csvFigures struct {
	path           string
	bytes, rows    int
	took           time.Duration
	rssBefore      int64
	hwmSmall       int64 // peak after streaming a small CSV
	hwmAfter       int64 // peak after streaming the whole CSV
	missing        string
	smallPath      string
	smallRows      int
	smallBytes     int
	repeatHWMAfter int64
	// The same CSV gzip compressed: the first download compresses it into the export cache.
	gzipFirst, gzipAgain time.Duration
	gzipBytes            int
	gzipHWM              int64
}

func (b *bench) national(ctx context.Context) error {
	url := b.cluster.DatabaseURL(cmdDemoDatabase)
	if err := b.loadDemo(ctx, url); err != nil {
		return err
	}
	header, err := b.staffSession(ctx, url)
	if err != nil {
		return err
	}
	s, err := b.serve(ctx, url, "server-national.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer s.stop()
	var cookie []string
	if header != "" {
		if c, err := signIn(s.base); err == nil {
			cookie = []string{"Cookie: " + c}
		} else {
			b.logf("sign-in as staff failed: %v", err)
		}
	}
	for _, t := range nationalTargets {
		row := nationalRow{name: t.name, target: t.target, staff: t.staff}
		var h []string
		hdr := http.Header{}
		if t.staff {
			h = cookie
			if len(cookie) > 0 {
				hdr.Set("Cookie", strings.TrimPrefix(cookie[0], "Cookie: "))
			}
		}
	candidates:
		for _, paths := range t.candidates {
			for _, p := range paths {
				status, body, err := s.get(p, hdr)
				if err != nil {
					return err
				}
				if status != http.StatusOK {
					row.missing = fmt.Sprintf("GET %s answers %d on this build", p, status)
					continue candidates
				}
				row.bytes = max(row.bytes, len(body))
			}
			row.paths, row.missing = paths, ""
			break
		}
		if row.missing == "" {
			b.logf("%s: %s", t.name, strings.Join(row.paths, " "))
			if err := b.nationalLoad(ctx, s.base, h, "national/"+strings.ReplaceAll(t.name, " ", "-"), &row); err != nil {
				return err
			}
		} else {
			b.logf("%s: %s", t.name, row.missing)
		}
		b.r.national = append(b.r.national, row)
	}
	_, b.r.nationalHWM = s.memory()
	s.stop()
	var c string
	if len(cookie) > 0 {
		c = strings.TrimPrefix(cookie[0], "Cookie: ")
	}
	if err := b.nationalPlans(ctx, url, c); err != nil {
		return err
	}

	// The overview as visitors get it, with the page cache on: the page changes only when the
	// data does, so all but the first request after a change are served from memory.
	s.stop()
	sc, err := b.serve(ctx, url, "server-national-cached.log")
	if err != nil {
		return err
	}
	row := nationalRow{name: "overview, page cache on", paths: []string{"/plans/" + demo.PlanSlug}}
	b.logf("%s: %s", row.name, row.paths[0])
	if err := b.nationalLoad(ctx, sc.base, nil, "national/overview-cached", &row); err != nil {
		sc.stop()
		return err
	}
	_, body, _ := sc.get(row.paths[0], nil)
	row.bytes = len(body)
	b.r.national = append(b.r.national, row)
	_, hwm := sc.memory()
	b.r.nationalHWM = max(b.r.nationalHWM, hwm)
	sc.stop()

	// The CSV of every commitment, on a server of its own so that its memory is the CSV's.
	s.stop()
	cs, err := b.serve(ctx, url, "server-csv.log", "PAGE_CACHE_MB=0")
	if err != nil {
		return err
	}
	defer cs.stop()
	b.r.csv = b.csv(cs)
	return nil
}

// cmdDemoDatabase is the database portal demo-data fills on the project-local cluster.
const cmdDemoDatabase = "portal_demo"

func (b *bench) hasDemo(ctx context.Context, url string) bool {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM commitments c JOIN plans p ON p.id = c.plan_id WHERE p.slug = $1`, demo.PlanSlug).Scan(&n)
	return err == nil && n == b.opt.demoCommit
}

// benchStaff is the member of staff the bench signs in as, on the demonstration database only.
const (
	benchStaffEmail    = "bench-staff@example.invalid"
	benchStaffPassword = "synthetic-bench-password-not-secret"
)

// staffSession makes the bench's member of staff on the demonstration database, when this build
// has accounts, and returns a note of it ("" when it has none).
func (b *bench) staffSession(ctx context.Context, url string) (string, error) {
	out, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, benchStaffPassword+"\n",
		"user", "add", "--email", benchStaffEmail, "--name", "Bench staff member (synthetic)", "--role", "staff", "--password-stdin")
	if err != nil {
		if strings.Contains(out, "unknown command") {
			return "", nil
		}
		if strings.Contains(strings.ToLower(out), "already") || strings.Contains(strings.ToLower(out), "exists") {
			return "staff", nil
		}
		return "", err
	}
	return "staff", nil
}

// nationalLoad runs the row's paths with one connection and then with latency-conns, and
// records both under name.
func (b *bench) nationalLoad(ctx context.Context, base string, header []string, name string, row *nationalRow) error {
	var err error
	if row.single, err = b.wrk(ctx, base, 1, header, row.paths...); err != nil {
		return err
	}
	b.record(name+"/conns=1", row.single)
	b.logf("  one connection: %.0f req/s, p95 %.1f ms", row.single.rps(), ms(row.single.P95))
	if row.load, err = b.wrk(ctx, base, b.opt.latConns, header, row.paths...); err != nil {
		return err
	}
	b.record(name, row.load)
	b.logf("  %d connections: %.0f req/s, p95 %.1f ms", b.opt.latConns, row.load.rps(), ms(row.load.P95))
	return nil
}

// signIn signs the bench's member of staff in and returns the session cookie.
func signIn(base string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/sign-in", url.Values{"email": {benchStaffEmail}, "password": {benchStaffPassword}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("POST /sign-in answered %d", resp.StatusCode)
	}
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("no session cookie")
	}
	return strings.Join(parts, "; "), nil
}

// csv streams a small and then the whole CSV of the synthetic plan, noting the time and the
// server's peak memory after each.
