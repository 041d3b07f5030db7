package server_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/paths"
)

// chartNumbers reads a chart's numbers twice, from the picture's segments and from its table,
// keyed "bar|status" (status "" for no update yet), and checks the picture's text alternative.
func chartNumbers(t *testing.T, doc *goquery.Document, id string) (picture, table map[string]int, bars []string) {
	t.Helper()
	chart := doc.Find("#" + id)
	if chart.Length() != 1 {
		t.Fatalf("no chart #%s", id)
	}
	svg := chart.Find("svg.app-chart__picture")
	if svg.AttrOr("role", "") != "img" {
		t.Errorf("%s: picture role = %q, want img", id, svg.AttrOr("role", ""))
	}
	for _, ref := range strings.Fields(svg.AttrOr("aria-labelledby", "")) {
		if el := chart.Find("#" + ref); el.Length() != 1 || strings.TrimSpace(el.Text()) == "" {
			t.Errorf("%s: aria-labelledby names %q, which is missing or empty", id, ref)
		}
	}
	if chart.Find("svg > title").Length() != 1 || chart.Find("svg > desc").Length() != 1 {
		t.Errorf("%s: picture lacks a title or a description", id)
	}
	if chart.Find("[style], script").Length() > 0 {
		t.Errorf("%s: chart has inline style or script", id)
	}
	picture, table = map[string]int{}, map[string]int{}
	chart.Find("g.app-chart__segment").Each(func(_ int, g *goquery.Selection) {
		n, err := strconv.Atoi(g.AttrOr("data-count", ""))
		if err != nil {
			t.Errorf("%s: segment count %q", id, g.AttrOr("data-count", ""))
		}
		picture[g.AttrOr("data-bar", "")+"|"+g.AttrOr("data-status", "")] += n
	})
	chart.Find("table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		bar := tr.AttrOr("data-bar", "")
		bars = append(bars, bar)
		tr.Find("td").Each(func(_ int, td *goquery.Selection) {
			// The number as it shows, without the words a count link adds for screen readers.
			cell := td.Clone()
			cell.Find(".visually-hidden").Remove()
			n, err := strconv.Atoi(strings.TrimSpace(cell.Text()))
			if err != nil {
				t.Errorf("%s: table cell %q", id, td.Text())
			}
			if n > 0 {
				table[bar+"|"+td.AttrOr("data-status", "")] = n
			}
		})
	})
	return picture, table, bars
}

// totals sums counts by bar.
func totals(counts map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range counts {
		bar, _, _ := strings.Cut(k, "|")
		out[bar+"|total"] += n
	}
	return out
}

func withTotals(counts map[string]int) map[string]int {
	out := maps.Clone(counts)
	maps.Copy(out, totals(counts))
	return out
}

// quarterSQL labels a month as the timeline does, "Q3 2026-27", computed in SQL so that the test
// does not lean on the code it checks.
const quarterSQL = `'Q' || ((extract(month FROM m)::int + 8) % 12 / 3 + 1) || ' ' ||
	(extract(year FROM m)::int - CASE WHEN extract(month FROM m) < 4 THEN 1 ELSE 0 END) || '-' ||
	lpad(((extract(year FROM m)::int - CASE WHEN extract(month FROM m) < 4 THEN 1 ELSE 0 END + 1) % 100)::text, 2, '0')`

// yearSQL labels a month with its financial year, "2026-27", as the timeline does for a plan due
// over more than twelve quarters.
const yearSQL = `(extract(year FROM m)::int - CASE WHEN extract(month FROM m) < 4 THEN 1 ELSE 0 END) || '-' ||
	lpad(((extract(year FROM m)::int - CASE WHEN extract(month FROM m) < 4 THEN 1 ELSE 0 END + 1) % 100)::text, 2, '0')`

func dbCounts(t *testing.T, e *finderEnv, sql string, args ...any) map[string]int {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var bar, status string
		var n int
		if err := rows.Scan(&bar, &status, &n); err != nil {
			t.Fatal(err)
		}
		out[bar+"|"+status] += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCharts(t *testing.T) {
	t.Parallel()
	for _, generated := range []int{0, 150} {
		t.Run(fmt.Sprint(generated, " generated"), func(t *testing.T) {
			t.Parallel()
			e := newFinderEnv(t, fixedNow, generated)
			rec, doc := get(t, e.h, "/")
			if rec.Code != 200 {
				t.Fatalf("GET / = %d", rec.Code)
			}

			byPriority := dbCounts(t, e, `
				SELECT p.number || '. ' || p.name, coalesce(c.status, ''), count(*)
				FROM commitments c JOIN priorities p ON p.id = c.priority_id JOIN plans pl ON pl.id = c.plan_id
				WHERE pl.is_current AND c.retired_at IS NULL GROUP BY 1, 2`)
			picture, table, bars := chartNumbers(t, doc, "status-chart")
			if fmt.Sprint(picture) != fmt.Sprint(byPriority) {
				t.Errorf("status chart picture = %v,\ndatabase %v", picture, byPriority)
			}
			if want := withTotals(byPriority); fmt.Sprint(table) != fmt.Sprint(want) {
				t.Errorf("status chart table = %v,\nwant %v", table, want)
			}
			if len(bars) != 6 {
				t.Errorf("status chart has bars %q, want the 6 priority areas", bars)
			}

			// The seeded plan's months fit in twelve quarters; with 150 more commitments due over
			// five years, the timeline counts by financial year.
			bar := quarterSQL
			if generated > 0 {
				bar = yearSQL
			}
			byQuarter := dbCounts(t, e, `
				SELECT `+bar+`, coalesce(status, ''), count(*)
				FROM (SELECT coalesce(c.expected_month, c.due_month) AS m, c.status FROM commitments c
				      JOIN plans pl ON pl.id = c.plan_id WHERE pl.is_current AND c.retired_at IS NULL) AS x
				GROUP BY 1, 2`)
			picture, table, _ = chartNumbers(t, doc, "timeline-chart")
			if fmt.Sprint(picture) != fmt.Sprint(byQuarter) {
				t.Errorf("timeline picture = %v,\ndatabase %v", picture, byQuarter)
			}
			if want := withTotals(byQuarter); fmt.Sprint(table) != fmt.Sprint(want) {
				t.Errorf("timeline table = %v,\nwant %v", table, withTotals(byQuarter))
			}

			_, doc = get(t, e.h, "/priorities/digital-skills-and-leadership")
			inFour := dbCounts(t, e, `
				SELECT `+bar+`, coalesce(status, ''), count(*)
				FROM (SELECT coalesce(c.expected_month, c.due_month) AS m, c.status FROM commitments c
				      JOIN priorities p ON p.id = c.priority_id JOIN plans pl ON pl.id = c.plan_id
				      WHERE pl.is_current AND c.retired_at IS NULL AND p.number = 4) AS x
				GROUP BY 1, 2`)
			picture, _, _ = chartNumbers(t, doc, "timeline-chart")
			if fmt.Sprint(picture) != fmt.Sprint(inFour) {
				t.Errorf("priority 4 timeline = %v,\ndatabase %v", picture, inFour)
			}
		})
	}
}

// TestTimelineMarksNow checks that the quarter the reader is in is marked, in words as well as
// shading, when it falls in the timeline.
func TestTimelineMarksNow(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC), 0)
	_, doc := get(t, e.h, "/")
	chart := doc.Find("#timeline-chart")
	if got := text(chart.Find(`tr[data-bar="Q1 2024-25"] th`)); got != "Q1 2024-25 (now)" {
		t.Errorf("current quarter's row = %q", got)
	}
	if !strings.Contains(text(chart.Find("desc")), "The current quarter is Q1 2024-25.") {
		t.Errorf("description = %q", text(chart.Find("desc")))
	}
}

// TestChartsNeedNoColour checks that each status in a chart has its own pattern as well as its
// own colours, and a legend entry in words.
func TestChartsNeedNoColour(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 16) // every status
	_, doc := get(t, e.h, "/")
	chart := doc.Find("#status-chart")
	seen := map[string]string{}
	chart.Find("pattern").Each(func(_ int, p *goquery.Selection) {
		look := p.Find("rect").AttrOr("fill", "") + " " + p.Find("path").AttrOr("d", "")
		for id, other := range seen {
			if other == look {
				t.Errorf("patterns %s and %s look the same", id, p.AttrOr("id", ""))
			}
		}
		seen[p.AttrOr("id", "")] = look
	})
	if len(seen) != 8 {
		t.Errorf("%d patterns, want one for each of the 8 statuses", len(seen))
	}
	legend := texts(chart.Find(".app-chart__key"))
	if len(legend) != 8 {
		t.Errorf("legend = %q, want all 8 statuses", legend)
	}
}

// TestPriorityTimelineFollowsChanges checks that a priority area's timeline, drawn once for every
// reader at a data version, is drawn again when a commitment changes and when the quarter turns.
func TestPriorityTimelineFollowsChanges(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2024, 3, 31, 22, 0, 0, 0, time.UTC)))
	plan := mustPlan(t, app)
	ps, err := app.Store.Priorities(t.Context(), plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	var path string
	for _, p := range ps {
		if p.Number == 4 {
			path = paths.Priority(plan, p.Slug)
		}
	}
	visitor := anonymous(t, app)
	timeline := func() (counts map[string]int, now string) {
		t.Helper()
		rec, doc := visitor.get(path)
		mustStatus(t, "GET "+path, rec, http.StatusOK)
		counts, _, _ = chartNumbers(t, doc, "timeline-chart")
		return counts, text(doc.Find(`#timeline-chart tbody th:contains("(now)")`))
	}
	before, nowBefore := timeline()
	if again, _ := timeline(); !maps.Equal(again, before) {
		t.Fatalf("the same timeline read twice: %v, then %v", before, again)
	}
	if nowBefore != "Q4 2023-24 (now)" {
		t.Errorf("on 31 March 2024 the quarter marked is %q, want Q4 2023-24 (now)", nowBefore)
	}
	delivered := func(m map[string]int) (n int) {
		for k, v := range m {
			if strings.HasSuffix(k, "|delivered") {
				n += v
			}
		}
		return n
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE commitments SET status = 'delivered'
		WHERE plan_id = $1 AND ref = '4.1' AND status IS DISTINCT FROM 'delivered'`, plan.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := timeline()
	if delivered(after) != delivered(before)+1 {
		t.Errorf("after 4.1 was delivered, the timeline counts %d delivered, want %d (%v)", delivered(after), delivered(before)+1, after)
	}
	app.clock.Advance(3 * time.Hour)
	if _, nowAfter := timeline(); nowAfter == nowBefore {
		t.Errorf("on 1 April 2024 the quarter marked is still %q", nowAfter)
	}
}
