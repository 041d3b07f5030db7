package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scottish-government/delivery-tracker/internal/demo"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// TestDashboardSummarisedAtALargePlan checks the dashboard of a plan of many priority areas and
// hundreds of commitments: its counts table leaves out the statuses no commitment has, its lists
// show their first 10 with a link to the rest, and the page stays small. The seeded plan's
// dashboard shows every status.
func TestDashboardSummarisedAtALargePlan(t *testing.T) {
	t.Parallel()
	app := newDemoApp(t, demo.Options{Commitments: 600, Updates: 1800, Organisations: 6, Priorities: 12})
	staff := signIn(t, app, tracker.RoleStaff, "")
	rec, doc := staff.get("/dashboard")
	mustStatus(t, "GET /dashboard", rec, http.StatusOK)
	if n := rec.Body.Len(); n > 60<<10 {
		t.Errorf("the dashboard of 600 commitments is %.1f KB, more than 60 KB", float64(n)/1024)
	}
	if n := doc.Find(".app-dashboard-counts tbody tr").Length(); n != 12 {
		t.Errorf("the counts table has %d priority areas, want 12", n)
	}
	// The status columns are those the plan's commitments have, each with a count.
	plan, err := app.Store.PlanBySlug(t.Context(), demo.PlanSlug)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := app.Store.StatusCounts(t.Context(), plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range append([]tracker.Status{tracker.NoUpdate}, tracker.Statuses...) {
		if counts[0].ByStatus[s] > 0 {
			want = append(want, string(s))
		}
	}
	var got []string
	doc.Find(".app-dashboard-counts tfoot td[data-status]").Each(func(_ int, td *goquery.Selection) {
		if s := td.AttrOr("data-status", ""); s != "overdue" && s != "total" {
			got = append(got, s)
		}
	})
	if len(want) == len(append([]tracker.Status{tracker.NoUpdate}, tracker.Statuses...)) {
		t.Fatalf("every status has commitments in the demonstration plan; the test needs one that has none")
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("status columns %q, want those the plan has, %q", got, want)
	}
	if n := doc.Find(".app-dashboard-counts thead th").Length(); n != len(want)+3 {
		t.Errorf("%d column headings for %d statuses, want one each, the area, overdue and total", n, len(want))
	}
	// Each list shows its first 10, and links to the whole of it.
	for _, id := range []string{"overdue", "update-due"} {
		total, _ := strconv.Atoi(doc.Find("#"+id+" + p a[data-count]").AttrOr("data-count", "0"))
		rows := doc.Find("#" + id + " ~ .app-table-scroll").First().Find(".app-dashboard-commitments tbody tr").Length()
		if total > 10 && rows != 10 {
			t.Errorf("%s: %d rows of %d, want the first 10", id, rows, total)
		}
		if total <= 10 && rows != total {
			t.Errorf("%s: %d rows of %d, want them all", id, rows, total)
		}
	}
	if doc.Find(`#overdue + p a[data-count]`).Length() == 0 {
		t.Fatal("nothing is overdue in the demonstration plan; the test needs some")
	}

	// The seeded plan, of 6 areas, is shown in full: every status has its column.
	small := newApp(t)
	_, doc = signIn(t, small, tracker.RoleStaff, "").get("/dashboard")
	if n := doc.Find(".app-dashboard-counts tfoot td[data-status]").Length(); n != len(tracker.Statuses)+3 {
		t.Errorf("the seeded plan's counts table has %d columns of counts, want every status, no update, overdue and total", n)
	}
	if web.OverviewAreasInFull < 6 {
		t.Errorf("OverviewAreasInFull is %d: the seeded plan's 6 areas would be summarised", web.OverviewAreasInFull)
	}
}

// TestDashboardFollowsChanges checks that the dashboard, whose counts and lists are kept between
// requests, shows a change to the data on the next request, and a commitment coming due an update
// as its 90 days pass, with no change to the data.
func TestDashboardFollowsChanges(t *testing.T) {
	t.Parallel()
	app := newApp(t, withNow(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)))
	plan := mustPlan(t, app)
	staff := signIn(t, app, tracker.RoleStaff, "")
	counts := func() (overdue, due int) {
		t.Helper()
		rec, doc := staff.get("/dashboard")
		mustStatus(t, "GET /dashboard", rec, http.StatusOK)
		overdue, _ = strconv.Atoi(doc.Find("#overdue + p a[data-count]").AttrOr("data-count", "0"))
		due, _ = strconv.Atoi(doc.Find("#update-due + p a[data-count]").AttrOr("data-count", "0"))
		return overdue, due
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := app.Pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	overdue, due := counts()
	if overdue == 0 || due == 0 {
		t.Fatalf("overdue %d, update due %d: the test needs some of each", overdue, due)
	}
	// 4.4, overdue, is delivered.
	exec(`UPDATE commitments SET status = 'delivered' WHERE plan_id = $1 AND ref = '4.4'`, plan.ID)
	if o, d := counts(); o != overdue-1 || d != due-1 {
		t.Errorf("after 4.4 is delivered: overdue %d, update due %d; want %d and %d", o, d, overdue-1, due-1)
	}
	// 4.5 had an update published 90 days ago less 20 minutes: it is not due one, until the 20
	// minutes have passed.
	exec(`UPDATE commitments SET last_published_at = $3 WHERE plan_id = $1 AND ref = $2`,
		plan.ID, "4.5", app.clock.Now().Add(-tracker.UpdateDueAfter+20*time.Minute))
	if _, d := counts(); d != due-2 {
		t.Errorf("after 4.5 was published: update due %d, want %d", d, due-2)
	}
	app.clock.Advance(20*time.Minute + time.Second)
	if _, d := counts(); d != due-1 {
		t.Errorf("90 days after 4.5 was published: update due %d, want %d", d, due-1)
	}
}
