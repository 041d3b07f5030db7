package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// request serves a GET request with the headers given as name, value pairs.
func request(h http.Handler, path string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// publish makes a published update of the commitment public as a publish does: the update and
// the commitment's new status in one transaction.
func publish(t *testing.T, pool interface {
	Begin(context.Context) (pgx.Tx, error)
}, ref, status, narrative string) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, published_at)
			SELECT id, 'published', $2, $3, now() FROM commitments WHERE ref = $1`, ref, status, narrative); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE commitments SET status = $2, last_published_at = now(), version = version + 1
			WHERE ref = $1`, ref, status)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPublicPagesAnswerConditionalRequests(t *testing.T) {
	t.Parallel()
	for _, cache := range []struct {
		name  string
		bytes int
	}{{"with the page cache", 0}, {"without the page cache", -1}} {
		t.Run(cache.name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.Pool(t)
			h := server.New(server.Config{
				Store:          postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))),
				Now:            func() time.Time { return fixedNow },
				PageCacheBytes: cache.bytes,
			})
			for _, path := range []string{"/", "/priorities/digital-skills-and-leadership", "/commitments/4.4",
				"/organisations/NES", "/plans/2023-24", "/plans/2023-24/commitments/4.4"} {
				first := request(h, path)
				etag := first.Header().Get("ETag")
				if first.Code != http.StatusOK || etag == "" {
					t.Fatalf("GET %s = %d with ETag %q, want 200 with an ETag", path, first.Code, etag)
				}
				if cc := first.Header().Get("Cache-Control"); cc != "public, no-cache" {
					t.Errorf("GET %s Cache-Control = %q, want revalidation every time", path, cc)
				}
				again := request(h, path)
				if again.Body.String() != first.Body.String() || again.Header().Get("ETag") != etag {
					t.Errorf("GET %s twice gave different pages or tags", path)
				}
				notModified := request(h, path, "If-None-Match", etag)
				if notModified.Code != http.StatusNotModified || notModified.Body.Len() != 0 {
					t.Errorf("GET %s with If-None-Match %s = %d with %d bytes, want 304 and no body",
						path, etag, notModified.Code, notModified.Body.Len())
				}
				if got := request(h, path, "If-None-Match", `W/"other", `+etag).Code; got != http.StatusNotModified {
					t.Errorf("GET %s with the tag in a list = %d, want 304", path, got)
				}
				if got := request(h, path, "If-None-Match", `W/"other"`).Code; got != http.StatusOK {
					t.Errorf("GET %s with another tag = %d, want 200", path, got)
				}
				withCookie := request(h, path, "Cookie", "session=x", "If-None-Match", etag)
				if withCookie.Code != http.StatusOK || withCookie.Header().Get("ETag") != "" {
					t.Errorf("GET %s with a cookie = %d, ETag %q: want a fresh page without a shared tag",
						path, withCookie.Code, withCookie.Header().Get("ETag"))
				}
			}

			// A publish is visible on the next request: a new tag, and the new content.
			before := request(h, "/commitments/4.4")
			publish(t, pool, "4.4", "at_risk", "Recruitment of the cohort has slipped.")
			after := request(h, "/commitments/4.4", "If-None-Match", before.Header().Get("ETag"))
			if after.Code != http.StatusOK {
				t.Fatalf("GET /commitments/4.4 after a publish with the old tag = %d, want 200", after.Code)
			}
			if after.Header().Get("ETag") == before.Header().Get("ETag") {
				t.Error("the ETag did not change when an update was published")
			}
			if !strings.Contains(after.Body.String(), "Recruitment of the cohort has slipped.") {
				t.Error("the published update is not on the next page served")
			}
			overview := request(h, "/")
			if !strings.Contains(overview.Body.String(), "At risk") {
				t.Error("the overview served after the publish does not count the commitment at risk")
			}

			// An error page is not the resource: no tag on it.
			missing := request(h, "/commitments/9.9")
			if missing.Code != http.StatusNotFound || missing.Header().Get("ETag") != "" {
				t.Errorf("GET /commitments/9.9 = %d with ETag %q, want 404 without one", missing.Code, missing.Header().Get("ETag"))
			}
		})
	}
}

func TestPublicETagChangesWithTheDay(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	now := time.Date(2024, 4, 30, 22, 30, 0, 0, time.UTC) // 23:30 in the UK, the last day of April
	clock := func() time.Time { return now }
	h := server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(clock)), Now: clock})
	first := request(h, "/priorities/digital-skills-and-leadership")
	now = now.Add(time.Hour) // 00:30 on 1 May in the UK: 4.5, due April 2024, is now overdue
	second := request(h, "/priorities/digital-skills-and-leadership", "If-None-Match", first.Header().Get("ETag"))
	if second.Code != http.StatusOK || second.Header().Get("ETag") == first.Header().Get("ETag") {
		t.Fatalf("at the turn of the day: %d with ETag %q (was %q), want a new page and tag",
			second.Code, second.Header().Get("ETag"), first.Header().Get("ETag"))
	}
	if strings.Count(second.Body.String(), "Overdue") <= strings.Count(first.Body.String(), "Overdue") {
		t.Error("the page served on the new day does not show the commitment that became overdue")
	}
}

// The plan-wide counts kept per data version follow a change on the next request, for signed-in
// staff as for the public.
func TestPlanCountsFollowAPublish(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	staff := signIn(t, app, tracker.RoleStaff, "")
	atRisk := func() string {
		t.Helper()
		rec, doc := staff.get("/dashboard")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /dashboard = %d", rec.Code)
		}
		// A count is its number, followed (when it links) by what it counts for screen readers.
		return strings.Fields(text(doc.Find(`.app-dashboard-counts tfoot tr td[data-status="at_risk"]`)))[0]
	}
	before := atRisk()
	publish(t, app.Pool, "4.4", "at_risk", "Recruitment of the cohort has slipped.")
	if after := atRisk(); after == before || after != "1" {
		t.Errorf("at risk on the dashboard: %q before the publish, %q after, want 1 after", before, after)
	}
	public := request(app, "/")
	if !strings.Contains(public.Body.String(), "At risk") {
		t.Error("the overview does not count the commitment at risk")
	}
}
