package server

import (
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// A public page that an anonymous visitor asks for, and that the page cache holds at the current
// data version and day, is answered before the router and its middleware: a lookup, the
// response's headers built when the page was stored, and one write. It gets everything the
// middleware would have given it: the same headers (security headers, ETag, Vary, Cache-Control,
// a request ID), the same metrics under its route pattern, and the same line in the request log.
// Anything else, and any request the middleware might answer differently (a conditional request,
// a body, a cookie or credentials, a data version not known without asking the database), goes
// the whole way, through publicPage, as before. TestCacheHitsAnswerAsTheMiddlewareWould checks
// that both ways give the same response.

// pageHit is what a cache hit sends for a page: the headers of each encoding, prebuilt, and the
// metrics of its route, resolved once.
type pageHit struct {
	version int64  // the data version the page was rendered at
	day     string // the day in the UK it was rendered on (see today)
	route   string // the chi route pattern, the label of its metrics
	// by encoding (hitEncodings): the headers and the body, or nil headers where a hit cannot
	// give what the middleware would (a body the compress middleware would compress itself).
	headers [len(hitEncodings)][]headerValue
	bodies  [len(hitEncodings)][]byte

	requests prometheus.Counter  // GET, the route, 2xx
	duration prometheus.Observer // GET, the route
}

type headerValue struct {
	key   string // canonical
	value []string
}

// hitEncodings are the encodings a hit can send, as negotiated returns them.
var hitEncodings = [...]string{"", "gzip", "br"}

func encodingIndex(enc string) int {
	switch enc {
	case "gzip":
		return 1
	case "br":
		return 2
	}
	return 0
}

// newPageHit prebuilds what a hit on the page sends: the headers servePage and the middleware
// set, for each encoding.
func (s *Server) newPageHit(r *http.Request, page cachedPage, version int64, day, base string) *pageHit {
	route := routeLabel(r)
	h := &pageHit{version: version, day: day, route: route,
		requests: s.metrics.requests.WithLabelValues(http.MethodGet, route, "2xx"),
		duration: s.metrics.duration.WithLabelValues(http.MethodGet, route)}
	for i, enc := range hitEncodings {
		body := page.body
		encoded := page.encoded(enc)
		if encoded != nil {
			body = encoded
		} else if enc != "" && len(body) >= minCompressSize && compressible(page.contentType) {
			continue // the compress middleware would compress it as it is sent
		}
		hv := append([]headerValue(nil), s.secHeaders...)
		add := func(k, v string) { hv = append(hv, headerValue{http.CanonicalHeaderKey(k), []string{v}}) }
		add("Cache-Control", "public, no-cache")
		if encoded != nil {
			add("Content-Encoding", enc)
		}
		add("Content-Length", strconv.Itoa(len(body)))
		add("Content-Type", page.contentType)
		add("ETag", withEncoding(base, enc))
		add("Vary", "Cookie, Accept-Encoding")
		h.headers[i], h.bodies[i] = hv, body
	}
	return h
}

// cachedHits answers, ahead of next, the requests the page cache can answer alone.
func (s *Server) cachedHits(next http.Handler) http.Handler {
	if s.pages.limit <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.serveHit(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// serveHit answers the request from the page cache and reports true, or reports false having
// written nothing.
func (s *Server) serveHit(w http.ResponseWriter, r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.ContentLength != 0 ||
		len(r.TransferEncoding) > 0 || !anonymous(r) || r.Header.Get("If-None-Match") != "" {
		return false
	}
	start := time.Now()
	version, ok := s.hitVersion(r)
	if !ok {
		return false
	}
	page, ok := s.pages.latest(r.URL.RequestURI())
	hit := page.hit
	if !ok || hit == nil || hit.version != version || hit.day != s.dayNow() {
		return false
	}
	i := encodingIndex(negotiated(r))
	headers := hit.headers[i]
	if headers == nil {
		return false
	}
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	id := newRequestID()
	h := w.Header()
	h["X-Request-Id"] = []string{id}
	for _, kv := range headers {
		h[kv.key] = kv.value
	}
	w.WriteHeader(http.StatusOK)
	n := 0
	if r.Method != http.MethodHead {
		n, _ = w.Write(hit.bodies[i])
	}
	took := time.Since(start)
	if r.Method == http.MethodGet {
		hit.requests.Inc()
		hit.duration.Observe(took.Seconds())
	} else {
		s.metrics.requests.WithLabelValues(r.Method, hit.route, "2xx").Inc()
		s.metrics.duration.WithLabelValues(r.Method, hit.route).Observe(took.Seconds())
	}
	// A hit makes no context to carry the request ID: it goes in the line itself.
	s.logRequest(r, http.StatusOK, n, took, id)
	return true
}

// hitVersion returns the data version as publicPage would get it, when that needs no more than
// asking the listener or sharing a read (see versionReads): false when the listener is not
// connected, or the read fails, and publicPage must decide.
func (s *Server) hitVersion(r *http.Request) (int64, bool) {
	if s.versions == nil {
		return 0, false
	}
	if w := s.versions.watch; w != nil {
		return w.current()
	}
	v, err := s.versions.read1(r.Context())
	return v, err == nil
}

// dayAt is the day in the UK (see today) at a second of the server's clock.
type dayAt struct {
	second int64
	day    string
}

// dayNow is today(s), worked out once a second of the server's clock.
func (s *Server) dayNow() string {
	now := s.now()
	sec := now.Unix()
	if d := s.day.Load(); d != nil && d.second == sec {
		return d.day
	}
	d := &dayAt{second: sec, day: today(s)}
	s.day.Store(d)
	return d.day
}

// newRequestID returns a new request ID: 16 hexadecimal digits from the runtime's random source,
// which is fast and never repeats in practice. Request IDs tie log lines together; they are not
// secrets.
func newRequestID() string {
	var b [8]byte
	v := rand.Uint64()
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}

// negotiations keeps what negotiated decided for the Accept-Encoding headers seen most, as
// browsers send the same few.
var negotiations struct {
	sync.Map // header -> "br", "gzip" or ""
	n        atomic.Int32
}

// maxNegotiations bounds the Accept-Encoding headers kept: a client could send endless variants.
const maxNegotiations = 64
