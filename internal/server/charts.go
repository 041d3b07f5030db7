package server

import (
	"context"
	"strconv"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// maxTimelineQuarters is the most quarters a timeline shows as bars (three years, the length of
// a plan); a plan whose commitments are due over a longer span is shown by financial year
// instead, so that the timeline stays small however long the plan.
const maxTimelineQuarters = 12

// statusChart is the chart of a plan's commitments by priority area and status.
func statusChart(plan tracker.Plan, priorities []tracker.Priority, counts map[int]tracker.StatusCounts) web.Chart {
	c := web.Chart{ID: "status-chart", Title: "Status of commitments by priority area", Caption: "Priority area",
		FinderPath: paths.Commitments(plan)}
	for _, p := range priorities {
		bar := web.ChartBar{Label: strconv.Itoa(p.Number) + ". " + p.Name, Href: paths.Priority(plan, p.Slug), Counts: map[string]int{},
			Filters: web.FinderFilters{Priority: strconv.Itoa(p.Number)}}
		for st, n := range counts[p.Number].ByStatus {
			bar.Counts[string(st)] += n
		}
		c.Bars = append(c.Bars, bar)
	}
	return c
}

// drawnChart is the chart that chart makes, drawn once (web.Drawn) for every request at the data
// version in the month of now with the same key: what it shows follows from the data and the
// current month alone, and drawing it costs more than the rest of a priority area's page.
func (s *Server) drawnChart(ctx context.Context, key string, now time.Time, chart func() web.Chart) (web.Chart, error) {
	return remember(s, ctx, "chart "+key+" "+tracker.CurrentMonth(now).String(), func() (web.Chart, error) {
		return web.Drawn(ctx, chart())
	})
}

// timelineChart is the chart of commitments by the quarter (or, over a long span, the financial
// year) they are now expected in, and status, from the first such quarter to the last with none
// left out. The current quarter is marked when it falls in the span. Its counts link to the
// plan's commitments, in the quarter, that the filters select (such as a priority area's).
func timelineChart(id, title string, plan tracker.Plan, filters web.FinderFilters, counts []postgres.MonthCount, now time.Time) web.Chart {
	c := web.Chart{ID: id, Title: title, Caption: "Due", FinderPath: paths.Commitments(plan)}
	if len(counts) == 0 {
		return c
	}
	first, last := counts[0].Month, counts[0].Month
	for _, mc := range counts {
		if mc.Month.Before(first) {
			first = mc.Month
		}
		if last.Before(mc.Month) {
			last = mc.Month
		}
	}
	quarters := true
	n := 0
	for p := tracker.PeriodOf(first, true); p != tracker.PeriodOf(last, true).Next(); p = p.Next() {
		n++
	}
	if n > maxTimelineQuarters {
		quarters = false
	}
	index := map[tracker.Period]int{}
	for p := tracker.PeriodOf(first, quarters); p != tracker.PeriodOf(last, quarters).Next(); p = p.Next() {
		index[p] = len(c.Bars)
		f := filters
		f.Due = p.String()
		c.Bars = append(c.Bars, web.ChartBar{Label: p.ShortLabel(), Counts: map[string]int{}, Filters: f})
	}
	for _, mc := range counts {
		c.Bars[index[tracker.PeriodOf(mc.Month, quarters)]].Counts[string(mc.Status)] += mc.Count
	}
	if i, ok := index[tracker.PeriodOf(tracker.CurrentMonth(now), quarters)]; ok {
		c.Marker = c.Bars[i].Label
	}
	return c
}
