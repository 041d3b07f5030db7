package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// serve sends a request through h and parses the HTML it returns.
func serve(t *testing.T, h http.Handler, req *http.Request) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("%s %s: parse HTML: %v", req.Method, req.URL, err)
	}
	return rec, doc
}

func TestPanicIsLoggedAndShownAsTheErrorPage(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := server.NewWithTestRoutes(server.Config{
		Store:  postgres.New(dbtest.Pool(t), postgres.WithClock(nowFunc(fixedNow))),
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Now:    nowFunc(fixedNow),
	})
	rec, doc := serve(t, h, httptest.NewRequest(http.MethodGet, "/test/panic", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("GET /test/panic = %d, want 500", rec.Code)
	}
	checkPage(t, "/test/panic", doc, "Sorry, there is a problem with the service")
	id := rec.Header().Get("X-Request-ID")
	if id == "" {
		t.Fatal("no X-Request-ID header")
	}
	if got := text(doc.Find(".app-reference")); got != id {
		t.Errorf("page quotes reference %q, want the request ID %q", got, id)
	}
	if strings.Contains(rec.Body.String(), "something went wrong") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Error("the page shows the panic or its stack")
	}

	var found bool
	sc := bufio.NewScanner(&logs)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, sc.Text())
		}
		if line["msg"] != "panic" {
			continue
		}
		found = true
		if line["request_id"] != id {
			t.Errorf("panic logged with request_id %v, want %q", line["request_id"], id)
		}
		if line["level"] != "ERROR" || !strings.Contains(fmt.Sprint(line["panic"]), "something went wrong") ||
			!strings.Contains(fmt.Sprint(line["stack"]), "goroutine") {
			t.Errorf("panic log line = %v", line)
		}
	}
	if !found {
		t.Errorf("no panic logged; logs:\n%s", logs.String())
	}

	// The server goes on serving.
	if rec, _ := serve(t, h, httptest.NewRequest(http.MethodGet, "/", nil)); rec.Code != http.StatusOK {
		t.Errorf("GET / after a panic = %d", rec.Code)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	h := server.New(server.Config{
		Store: postgres.New(dbtest.Pool(t), postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow), Metrics: reg, ServeMetrics: true,
	})
	for _, path := range []string{"/commitments/4.2", "/commitments/4.5", "/commitments/9.9", "/no/such/page", "/"} {
		serve(t, h, httptest.NewRequest(http.MethodGet, path, nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("/metrics is not in Prometheus text format: %v", err)
	}
	counts := map[string]float64{}
	for _, m := range families["portal_http_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		counts[labels["method"]+" "+labels["route"]+" "+labels["code"]] = m.GetCounter().GetValue()
	}
	want := map[string]float64{
		"GET /commitments/{ref} 2xx": 2,
		"GET /commitments/{ref} 4xx": 1,
		"GET unmatched 4xx":          1,
		"GET / 2xx":                  1,
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("portal_http_requests_total{%s} = %v, want %v (all: %v)", k, counts[k], v, counts)
		}
	}
	for k := range counts {
		if strings.Contains(k, "4.2") || strings.Contains(k, "/no/such") {
			t.Errorf("a raw path is used as a label: %s", k)
		}
	}
	var observed uint64
	for _, m := range families["portal_http_request_duration_seconds"].GetMetric() {
		observed += m.GetHistogram().GetSampleCount()
	}
	if observed != 5 {
		t.Errorf("request duration histogram has %d observations, want 5", observed)
	}
	for _, name := range []string{"portal_db_pool_total_conns", "portal_db_pool_max_conns", "portal_db_pool_acquires_total"} {
		f := families[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Errorf("no %s metric", name)
			continue
		}
	}
	if got := families["portal_db_pool_acquires_total"].GetMetric()[0].GetCounter().GetValue(); got < 5 {
		t.Errorf("portal_db_pool_acquires_total = %v, want at least 5", got)
	}

	// Without ServeMetrics, /metrics is not on the portal's router.
	h = server.New(server.Config{Store: postgres.New(dbtest.Pool(t), postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow)})
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /metrics without ServeMetrics = %d, want 404", rec.Code)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	h := newServer(t, fixedNow)
	form := func(body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	multipartForm := func(name, value string) *http.Request {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField(name, value)
		_ = mw.Close()
		r := httptest.NewRequest(http.MethodPost, "/", &b)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		return r
	}
	unsized := func(r *http.Request) *http.Request {
		r.ContentLength = -1
		r.Body = io.NopCloser(r.Body)
		return r
	}
	big := strings.Repeat("a", server.MaxFormBytes)
	tests := []struct {
		name      string
		req       *http.Request
		wantCode  int
		wantTitle string
	}{
		{"huge query string", httptest.NewRequest(http.MethodGet, "/?q="+strings.Repeat("x", 60<<10), nil), 400, "There is a problem with your request"},
		{"malformed query escape", httptest.NewRequest(http.MethodGet, "/?q=%zz", nil), 400, "There is a problem with your request"},
		{"NUL in query", httptest.NewRequest(http.MethodGet, "/?q=a%00b", nil), 400, "There is a problem with your request"},
		{"invalid UTF-8 in query", httptest.NewRequest(http.MethodGet, "/?q=%ff%fe", nil), 400, "There is a problem with your request"},
		{"invalid UTF-8 in query name", httptest.NewRequest(http.MethodGet, "/?%c3%28=1", nil), 400, "There is a problem with your request"},
		{"form over 1 MB", form("narrative=" + big), 413, "What you sent is too large"},
		{"form over 1 MB of unknown length", unsized(form("narrative=" + big)), 413, "What you sent is too large"},
		{"multipart form over 1 MB", multipartForm("narrative", big), 413, "What you sent is too large"},
		{"NUL in form", form("narrative=a%00b"), 400, "There is a problem with your request"},
		{"invalid UTF-8 in form", form("narrative=%ff"), 400, "There is a problem with your request"},
		{"NUL in multipart form", multipartForm("narrative", "a\x00b"), 400, "There is a problem with your request"},
		{"malformed form", form("narrative=%zz"), 400, "There is a problem with your request"},
		{"path traversal in static path", httptest.NewRequest(http.MethodGet, "/static/../../../../etc/passwd", nil), 404, "Page not found"},
		{"encoded path traversal in static path", httptest.NewRequest(http.MethodGet, "/static/..%2f..%2fgo.mod", nil), 404, "Page not found"},
		{"static path outside the static files", httptest.NewRequest(http.MethodGet, "/static/%2e%2e/static.go", nil), 404, "Page not found"},
		{"NUL in path", httptest.NewRequest(http.MethodGet, "/organisations/a%00b", nil), 404, "Page not found"},
		{"invalid UTF-8 in path", httptest.NewRequest(http.MethodGet, "/priorities/%ff%fe", nil), 404, "Page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, doc := serve(t, h, tt.req)
			if rec.Code != tt.wantCode {
				t.Fatalf("%s %.80s = %d, want %d", tt.req.Method, tt.req.URL, rec.Code, tt.wantCode)
			}
			checkPage(t, tt.name, doc, tt.wantTitle)
			if strings.Contains(rec.Body.String(), "goroutine") || strings.Contains(rec.Body.String(), "runtime error") {
				t.Error("the page shows internal error text")
			}
		})
	}

	// Query strings within the limit, well formed, are served.
	q := url.Values{"q": {strings.Repeat("é", 500)}, "status": {"on_track"}}
	if rec, _ := serve(t, h, httptest.NewRequest(http.MethodGet, "/?"+q.Encode(), nil)); rec.Code != http.StatusOK {
		t.Errorf("GET / with a long, valid query = %d, want 200", rec.Code)
	}
}

func nowFunc(t time.Time) func() time.Time { return func() time.Time { return t } }

// TestReportFormBadInput sends the report and review forms what no browser would: every answer is
// a clear refusal (400, 403, 404, 409, 413 or 422), never a 500, and nothing is saved.
func TestReportFormBadInput(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	nes := signIn(t, app, tracker.RolePartner, "NES")
	lgdo := signIn(t, app, tracker.RolePartner, "LGDO")
	staff := signIn(t, app, tracker.RoleStaff, "")
	form := with(nes.openForm("4.2"), "action", "submit", "status", "on_track", "narrative", "Fine.")
	// LGDO keeps a draft of its own on 4.2, whose ID NES will forge.
	mustRedirect(t, "LGDO draft", lgdo.post("/report/4.2", with(lgdo.openForm("4.2"), "action", "draft",
		"status", "on_track", "narrative", "LGDO's draft.")), "/report")
	lgdoDraft := openUpdate(t, app, lgdo, "4.2")

	tests := []struct {
		name   string
		fields []string
		want   int
	}{
		{"NUL byte in narrative", []string{"narrative", "a\x00b"}, http.StatusBadRequest},
		{"invalid UTF-8 in narrative", []string{"narrative", "a\xffb"}, http.StatusBadRequest},
		{"invalid UTF-8 in a hidden field", []string{"version", "\xc3\x28"}, http.StatusBadRequest},
		{"over-long narrative", []string{"narrative", strings.Repeat("x", 20000)}, http.StatusUnprocessableEntity},
		{"narrative over 1 MB", []string{"narrative", strings.Repeat("x", server.MaxFormBytes)}, http.StatusRequestEntityTooLarge},
		{"malformed month", []string{"due_month", "March", "due_year", "2026"}, http.StatusUnprocessableEntity},
		{"malformed year", []string{"due_month", "3", "due_year", "２０２６"}, http.StatusUnprocessableEntity},
		{"huge year", []string{"due_month", "3", "due_year", "99999999999999999999999"}, http.StatusUnprocessableEntity},
		{"unknown status", []string{"status", "done'; DROP TABLE updates; --"}, http.StatusUnprocessableEntity},
		{"javascript evidence link", []string{"evidence_url", "javascript:alert(1)"}, http.StatusUnprocessableEntity},
		{"data evidence link", []string{"evidence_url", "data:text/html,<script>alert(1)</script>"}, http.StatusUnprocessableEntity},
		{"another organisation's update ID", []string{"update", fmt.Sprint(lgdoDraft.ID), "update_version", fmt.Sprint(lgdoDraft.Version)}, http.StatusConflict},
		{"a made-up update ID", []string{"update", "99999999", "update_version", "1"}, http.StatusConflict},
		{"a version out of range", []string{"version", "99999999999999999999"}, http.StatusConflict},
		{"a negative version", []string{"version", "-1", "seen", "-5"}, http.StatusConflict},
		{"an unknown action", []string{"action", "delete"}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, doc := nes.postDoc("/report/4.2", with(form, tt.fields...))
			if rec.Code != tt.want {
				t.Fatalf("= %d, want %d", rec.Code, tt.want)
			}
			if rec.Code == http.StatusUnprocessableEntity || rec.Code == http.StatusConflict {
				if kept := formValues(t, doc, "form.app-report-form"); kept.Get("narrative") != form.Get("narrative") &&
					kept.Get("narrative") != with(form, tt.fields...).Get("narrative") {
					t.Errorf("the form came back without the narrative typed: %q", kept.Get("narrative"))
				}
			}
		})
	}
	for _, path := range []string{"/report/4.5", "/report/4.2%00", "/report/4.2'--", "/report/..%2f..%2fetc%2fpasswd"} {
		rec := nes.post(path, form)
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusNotFound {
			t.Errorf("POST %s = %d, want 403 or 404", path, rec.Code)
		}
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM updates WHERE organisation_id IS DISTINCT FROM $1 AND state <> 'published'`,
		*lgdo.User.OrganisationID).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d updates saved by refused reports (%v)", n, err)
	}

	// The review form, with forged versions and notes.
	mustRedirect(t, "NES submits", nes.post("/report/4.2", form), "/report")
	sub := openUpdate(t, app, nes, "4.2")
	review := staff.reviewForm(sub.ID, "return")
	for _, tt := range []struct {
		name string
		form url.Values
		want int
	}{
		{"note with NUL", with(review, "note", "a\x00b"), http.StatusBadRequest},
		{"over-long note", with(review, "note", strings.Repeat("n", 3000)), http.StatusUnprocessableEntity},
		{"forged version", with(review, "version", "99999999999999999999", "note", "Add dates."), http.StatusConflict},
		{"unknown action", with(review, "action", "delete"), http.StatusBadRequest},
	} {
		if rec := staff.post(fmt.Sprintf("/review/%d", sub.ID), tt.form); rec.Code != tt.want {
			t.Errorf("review with %s = %d, want %d", tt.name, rec.Code, tt.want)
		}
	}
	if got := openUpdate(t, app, nes, "4.2"); got.State != tracker.StateSubmitted || got.Version != sub.Version {
		t.Errorf("after refused reviews the update is %s at version %d, want submitted at %d", got.State, got.Version, sub.Version)
	}
}

// TestTimeouts holds a lock on a table a page reads, as a stuck query would: the page answers 503
// when the statement timeout of the pool ends the query, and when the request's own deadline
// does, well before a client gives up.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		statementTimeout time.Duration
		requestTimeout   time.Duration
	}{
		{"statement timeout", 300 * time.Millisecond, time.Minute},
		{"request timeout", time.Minute, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dbURL := dbtest.URL(t)
			pool, err := postgres.Open(t.Context(), dbURL, postgres.Config{StatementTimeout: tt.statementTimeout})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pool.Close)
			if err := postgres.ApplySettings(t.Context(), pool, postgres.Config{StatementTimeout: tt.statementTimeout}); err != nil {
				t.Fatal(err)
			}
			h := server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow), RequestTimeout: tt.requestTimeout})

			locker := dbtest.Connect(t, dbURL)
			tx, err := locker.Begin(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(context.Background()) }()
			if _, err := tx.Exec(t.Context(), `LOCK TABLE commitments IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			done := make(chan *httptest.ResponseRecorder, 1)
			go func() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/commitments/4.2", nil))
				done <- rec
			}()
			select {
			case rec := <-done:
				if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "Sorry, the service is unavailable") {
					t.Errorf("GET /commitments/4.2 with its table locked = %d, want 503 and the unavailable page", rec.Code)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("GET /commitments/4.2 with its table locked still waits after 30s")
			}
		})
	}
}
