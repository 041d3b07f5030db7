package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// lockedBuffer is a log destination safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lastRequestLine returns the fields of the last "request" line logged.
func (l *lockedBuffer) lastRequestLine(t *testing.T) map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(l.b.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err == nil && m["msg"] == "request" {
			return m
		}
	}
	t.Fatal("no request line logged")
	return nil
}

// requestsCounted returns portal_http_requests_total for the method, route and code class.
func requestsCounted(t *testing.T, reg *prometheus.Registry, method, route string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "portal_http_requests_total" {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			want := map[string]string{"method": method, "route": route, "code": "2xx"}
			for _, l := range m.GetLabel() {
				if want[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// TestCacheHitsAnswerAsTheMiddlewareWould checks that a public page the page cache holds is
// answered ahead of the router (serveHit) with what the whole way through the middleware gives
// for the same request: the same status, headers (but a request ID of its own) and bytes, in
// each encoding, for GET and HEAD; the same line in the request log; and a count in the metrics
// under the page's route.
func TestCacheHitsAnswerAsTheMiddlewareWould(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	reg := prometheus.NewRegistry()
	s := newServer(Config{Store: postgres.New(dbtest.Pool(t)), Secure: true, Metrics: reg,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	h := s.cachedHits(s.routes())
	req := func(method, path, accept string, header ...string) *http.Request {
		r := httptest.NewRequest(method, path, nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return r
	}
	id := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, tt := range []struct{ path, route string }{
		{"/", "/"},
		{"/commitments/4.2", "/commitments/{ref}"},
		{"/commitments?status=on_track", "/commitments"},
		{"/priorities/digital-skills-and-leadership", "/priorities/{slug}"},
	} {
		first := httptest.NewRecorder()
		h.ServeHTTP(first, req(http.MethodGet, tt.path, "")) // rendered and stored
		if first.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", tt.path, first.Code)
		}
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			for _, accept := range []string{"", "gzip", "gzip, deflate, br, zstd"} {
				name := method + " " + tt.path + " with Accept-Encoding " + accept
				before := requestsCounted(t, reg, method, tt.route)
				hit := httptest.NewRecorder()
				if !s.serveHit(hit, req(method, tt.path, accept)) {
					t.Fatalf("%s: not answered from the page cache", name)
				}
				if got := requestsCounted(t, reg, method, tt.route); got != before+1 {
					t.Errorf("%s: counted %v requests under %s, want %v", name, got, tt.route, before+1)
				}
				hitLine := logs.lastRequestLine(t)
				// The same request made conditional on a tag that does not match goes the whole way.
				full := httptest.NewRecorder()
				h.ServeHTTP(full, req(method, tt.path, accept, "If-None-Match", `"no-such-tag"`))
				fullLine := logs.lastRequestLine(t)

				if hit.Code != full.Code || !bytes.Equal(hit.Body.Bytes(), full.Body.Bytes()) {
					t.Errorf("%s: hit %d with %d bytes, the whole way %d with %d", name, hit.Code, hit.Body.Len(), full.Code, full.Body.Len())
				}
				for _, rec := range []*httptest.ResponseRecorder{hit, full} {
					if got := rec.Header().Get("X-Request-ID"); !id.MatchString(got) {
						t.Errorf("%s: request ID %q", name, got)
					}
				}
				if hit.Header().Get("X-Request-ID") == full.Header().Get("X-Request-ID") {
					t.Errorf("%s: two requests with one ID", name)
				}
				hh, fh := hit.Header().Clone(), full.Header().Clone()
				hh.Del("X-Request-ID")
				fh.Del("X-Request-ID")
				if a, b := headerText(hh), headerText(fh); a != b {
					t.Errorf("%s: headers of a hit\n%s\nthe whole way\n%s", name, a, b)
				}
				for _, k := range []string{"method", "path", "status", "bytes"} {
					if hitLine[k] != fullLine[k] {
						t.Errorf("%s: logged %s %v on a hit, %v the whole way", name, k, hitLine[k], fullLine[k])
					}
				}
				if hitLine["request_id"] != hit.Header().Get("X-Request-ID") {
					t.Errorf("%s: logged request ID %v, sent %q", name, hitLine["request_id"], hit.Header().Get("X-Request-ID"))
				}
				if _, ok := hitLine["duration"]; !ok {
					t.Errorf("%s: no duration logged", name)
				}
			}
		}
	}

	// What the middleware answers itself, or a signed-in visitor, is never answered from the cache.
	for name, r := range map[string]*http.Request{
		"conditional":   req(http.MethodGet, "/", "", "If-None-Match", `"x"`),
		"with a cookie": req(http.MethodGet, "/", "", "Cookie", "session=x"),
		"authorised":    req(http.MethodGet, "/", "", "Authorization", "Basic eDp5"),
		"POST":          req(http.MethodPost, "/", ""),
		"not stored":    req(http.MethodGet, "/commitments/4.3", ""),
	} {
		if s.serveHit(httptest.NewRecorder(), r) {
			t.Errorf("%s: answered from the page cache", name)
		}
	}
}

func headerText(h http.Header) string {
	var b bytes.Buffer
	_ = h.Write(&b)
	return b.String()
}
