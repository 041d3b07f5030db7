package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Public pages are the same for every visitor who is not signed in, and change only when the
// data does, when the build does, or when the day turns (overdue and "update due" are derived
// from today's date in the UK). Their ETag is made of exactly those three things, so a browser
// or proxy can revalidate a page for the price of one small query, and the server can keep the
// pages it has rendered until one of them changes.

// publicETag is the entity tag of every public page at a data version on a day: weak, because
// it stands for the page's content rather than its exact bytes.
func publicETag(version int64, day string) string {
	return `W/"` + build() + "-" + strconv.FormatInt(version, 10) + "-" + day + `"`
}

// today is the date in the UK, the day boundary of everything the public pages derive.
func today(s *Server) string {
	return tracker.InUK(s.now()).Format("20060102")
}

// etagMatches reports whether an If-None-Match header names the tag, comparing weakly as RFC
// 9110 requires for GET and HEAD.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// anonymous reports whether the request comes from someone who is not signed in and holds no
// session of any kind: only such requests get a shared, cacheable page.
func anonymous(r *http.Request) bool {
	return r.Header.Get("Cookie") == "" && r.Header.Get("Authorization") == ""
}

// publicPage wraps the handler of a public page. For anonymous visitors it sends an ETag derived
// from the data version, answers a matching If-None-Match with 304 Not Modified, and serves the
// page from the server's cache of rendered pages when the page has been rendered at that version
// already. A page is compressed when it is stored, with gzip and brotli, and a cache hit sends the
// stored bytes of the encoding the request asks for: no compression on a hit. Signed-in users
// always get a fresh page, which is never stored.
func (s *Server) publicPage(h handlerFunc) http.HandlerFunc {
	// An error the page's handler returns is rendered through the recorder: an error page is
	// neither given the page's ETag nor kept.
	next := s.handle(h)
	return func(w http.ResponseWriter, r *http.Request) {
		if !anonymous(r) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			next(w, r)
			return
		}
		// The version is read before any of the data the page shows: see Store.DataVersion. When
		// the database cannot say, and a listener keeps the version (Config.Versions), a copy of
		// the page already rendered is served, with its age, rather than an error; and the wait
		// for the version is short when there is such a copy.
		key := r.URL.RequestURI()
		vctx := r.Context()
		var stale cachedPage
		hasStale := false
		if s.versions.watch != nil {
			stale, hasStale = s.pages.latest(key)
		}
		if hasStale {
			var cancel context.CancelFunc
			vctx, cancel = context.WithTimeout(vctx, staleWait)
			defer cancel()
		}
		version, err := s.versions.get(vctx)
		if err != nil {
			if hasStale && r.Context().Err() == nil {
				s.logger.WarnContext(r.Context(), "data version unknown: serving a stored page", "err", err)
				serveStale(w, r, stale, s.now())
				return
			}
			s.error(w, r, err)
			return
		}
		// The page's tag, and the tag of the representation this request gets: see compress.go.
		day := s.dayNow()
		base := publicETag(version, day)
		enc := negotiated(r)
		etag := withEncoding(base, enc)
		h := w.Header()
		h.Set("Cache-Control", "public, no-cache")
		addVary(h, "Cookie", "Accept-Encoding")
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			h.Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), dataVersionKey{}, version))
		if page, ok := s.pages.get(key, base); ok {
			servePage(w, r, page, etag, enc)
			return
		}
		rec := &recorder{ResponseWriter: w, etag: etag, keep: s.pages.limit > 0}
		next(rec, r)
		if !rec.holding() {
			return // passed through as it was written: an error, a page too large to keep, or no cache
		}
		page := cachedPage{contentType: h.Get("Content-Type"), body: rec.body, at: s.now()}
		if compressible(page.contentType) {
			page.gz, page.br = encodeStored(page.body)
		}
		page.hit = s.newPageHit(r, page, version, day, base)
		s.pages.put(key, base, page)
		servePage(w, r, page, etag, enc)
	}
}

// servePage sends a rendered page in the encoding enc when it has it, plain otherwise, under the
// tag etag of that encoding.
func servePage(w http.ResponseWriter, r *http.Request, page cachedPage, etag, enc string) {
	h := w.Header()
	body := page.body
	if b := page.encoded(enc); b != nil {
		body = b
		h.Set("Content-Encoding", enc)
	}
	h.Set("ETag", etag)
	h.Set("Content-Type", page.contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// recorder holds a public page as it is rendered, to be kept in the page cache and then sent.
// A response that is not a 200, or grows larger than maxCachedPage, or is not to be kept, is
// passed through as it is written instead; only a 200 gets the page's ETag (an error page is not
// the resource).
type recorder struct {
	http.ResponseWriter
	etag   string
	status int
	keep   bool // hold a 200 to keep it; false once passing through
	body   []byte
}

// holding reports whether the recorder holds the whole of a successful page, sent nothing yet.
func (r *recorder) holding() bool { return r.keep && r.status == http.StatusOK }

func (r *recorder) WriteHeader(status int) {
	if r.status != 0 {
		return
	}
	r.status = status
	h := r.Header()
	if status == http.StatusOK {
		h.Set("ETag", r.etag)
		if r.keep {
			return
		}
	} else {
		h.Set("Cache-Control", "no-cache")
		r.keep = false
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if r.keep {
		if len(r.body)+len(b) <= maxCachedPage {
			r.body = append(r.body, b...)
			return len(b), nil
		}
		// Too large to keep: send what is held, and the rest as it comes.
		r.keep = false
		r.ResponseWriter.WriteHeader(r.status)
		held := r.body
		r.body = nil
		if _, err := r.ResponseWriter.Write(held); err != nil {
			return 0, err
		}
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// maxCachedPage is the largest page the cache keeps.
const maxCachedPage = 512 << 10

// cachedPage is a rendered page, plain and compressed.
type cachedPage struct {
	contentType string
	body        []byte
	gz, br      []byte    // the body compressed, or nil where that is no smaller or not worth it
	at          time.Time // when it was rendered
	hit         *pageHit  // what a hit sends (see serveHit)
}

// encoded returns the page's bytes in the encoding enc, or nil when it has none.
func (p cachedPage) encoded(enc string) []byte {
	switch enc {
	case "br":
		return p.br
	case "gzip":
		return p.gz
	}
	return nil
}

// size is the memory the page takes in the cache.
func (p cachedPage) size() int { return len(p.body) + len(p.gz) + len(p.br) }

// pageCache keeps rendered public pages, each under the ETag it was rendered at, within a bound
// on the bytes it holds. A page rendered at an older version is never served: its ETag no longer
// matches, and the next render replaces it.
type pageCache struct {
	limit int // bytes; zero turns the cache off

	mu    sync.Mutex
	size  int
	pages map[string]cacheEntry
}

type cacheEntry struct {
	etag string
	page cachedPage
}

func newPageCache(limit int) *pageCache {
	return &pageCache{limit: limit, pages: map[string]cacheEntry{}}
}

func (c *pageCache) get(key, etag string) (cachedPage, bool) {
	if c.limit <= 0 {
		return cachedPage{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.pages[key]
	if !ok || e.etag != etag {
		return cachedPage{}, false
	}
	return e.page, true
}

// latest returns the page stored under key at whatever version.
func (c *pageCache) latest(key string) (cachedPage, bool) {
	if c.limit <= 0 {
		return cachedPage{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.pages[key]
	return e.page, ok
}

func (c *pageCache) put(key, etag string, p cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.pages[key]; ok {
		c.size -= old.page.size() + len(key)
		delete(c.pages, key)
	}
	n := p.size() + len(key)
	if n > c.limit {
		return
	}
	// Make room: first drop pages of other versions, then whatever comes first.
	for k, e := range c.pages {
		if c.size+n <= c.limit {
			break
		}
		if e.etag != etag {
			c.size -= e.page.size() + len(k)
			delete(c.pages, k)
		}
	}
	for k, e := range c.pages {
		if c.size+n <= c.limit {
			break
		}
		c.size -= e.page.size() + len(k)
		delete(c.pages, k)
	}
	c.pages[key] = cacheEntry{etag: etag, page: p}
	c.size += n
}

// versionReads shares reads of the data version between requests that arrive together, so that a
// publication-day crowd costs the database a few reads a millisecond rather than one a request,
// without ever serving a page older than the request. A request joins the next read that has not
// yet started, never one already in flight: every version it gets was read after it arrived, so
// a change committed before a request arrived is always in the page it gets. At most one read is
// in flight at a time; requests that arrive meanwhile wait for the read that follows it.
type versionReads struct {
	read    func(context.Context) (int64, error)
	timeout time.Duration
	// watch, when set, hears of new versions from the database; recent is the last read while
	// it is not connected.
	watch  *VersionWatch
	recent recent

	mu      sync.Mutex
	next    *versionRead // the read new arrivals join; nil until one arrives
	running bool
}

type versionRead struct {
	done    chan struct{}
	waiters int // calls that joined it
	version int64
	err     error
}

// get returns the data version: as the watch last heard it while its listener is connected;
// otherwise, with a watch, a version read less than FallbackStaleness ago; otherwise as read
// after the call began.
func (v *versionReads) get(ctx context.Context) (int64, error) {
	if v.watch != nil {
		heard, live := v.watch.current()
		if live {
			return heard, nil
		}
		if r, ok := v.recent.get(time.Now()); ok {
			return max(r, heard), nil
		}
		start := time.Now()
		r, err := v.read1(ctx)
		if err != nil {
			return 0, err
		}
		v.recent.set(r, start)
		return max(r, heard), nil
	}
	return v.read1(ctx)
}

// read1 returns the data version as read after the call began.
func (v *versionReads) read1(ctx context.Context) (int64, error) {
	v.mu.Lock()
	if v.next == nil {
		v.next = &versionRead{done: make(chan struct{})}
	}
	call := v.next
	call.waiters++
	if !v.running {
		v.running = true
		go v.loop()
	}
	v.mu.Unlock()
	select {
	case <-call.done:
		return call.version, call.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// loop runs the pending read, and the next, until none is waiting.
func (v *versionReads) loop() {
	for {
		v.mu.Lock()
		call := v.next
		v.next = nil
		if call == nil {
			v.running = false
			v.mu.Unlock()
			return
		}
		v.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), v.timeout)
		call.version, call.err = v.read(ctx)
		cancel()
		close(call.done)
	}
}

// dataVersionKey carries, in a request's context, the data version publicPage read for it.
type dataVersionKey struct{}

// dataVersion returns the data version for the request: the one publicPage read for it, or a
// fresh read.
func (s *Server) dataVersion(ctx context.Context) (int64, error) {
	if v, ok := ctx.Value(dataVersionKey{}).(int64); ok {
		return v, nil
	}
	return s.versions.get(ctx)
}

// dataMemo keeps figures worked out over a whole plan, such as its counts by status, under the
// data version they were read at, for every request at that version, signed in or not. Read
// before the figures, the version can only be older than the data they show, never newer, so a
// change is never missed; the memo empties when the version moves on. Values are shared between
// requests and must not be changed.
type dataMemo struct {
	mu      sync.Mutex
	version int64
	values  map[string]memoValue
}

// remember returns the value under key at the request's data version, working it out with
// compute when there is none.
func remember[T any](s *Server, ctx context.Context, key string, compute func() (T, error)) (T, error) {
	return rememberUntil(s, ctx, key, time.Time{}, func() (T, time.Time, error) {
		x, err := compute()
		return x, time.Time{}, err
	})
}

// rememberUntil is remember for a value that also goes out of date with time: compute returns it
// with the instant from which it is no longer true (zero for never), and it is worked out again
// for a request at or after that instant (now).
func rememberUntil[T any](s *Server, ctx context.Context, key string, now time.Time, compute func() (T, time.Time, error)) (T, error) {
	v, err := s.dataVersion(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	m := &s.memo
	m.mu.Lock()
	if x, ok := m.values[key]; ok && m.version == v && (x.until.IsZero() || now.Before(x.until)) {
		m.mu.Unlock()
		return x.value.(T), nil
	}
	m.mu.Unlock()
	x, until, err := compute()
	if err != nil {
		return x, err
	}
	m.mu.Lock()
	if v > m.version || m.values == nil {
		m.version, m.values = v, map[string]memoValue{}
	}
	if _, replace := m.values[key]; v == m.version && (replace || len(m.values) < maxMemoValues) {
		m.values[key] = memoValue{value: x, until: until}
	}
	m.mu.Unlock()
	return x, nil
}

// memoValue is a value dataMemo keeps, and the instant from which it is no longer true (zero for
// never).
type memoValue struct {
	value any
	until time.Time
}

// maxMemoValues bounds the figures kept at one data version.
const maxMemoValues = 1000

// statusCounts is Store.StatusCounts, kept per data version and month.
func (s *Server) statusCounts(ctx context.Context, planID int64, now time.Time) (map[int]tracker.StatusCounts, error) {
	key := fmt.Sprintf("status counts %d %s", planID, tracker.CurrentMonth(now))
	return remember(s, ctx, key, func() (map[int]tracker.StatusCounts, error) {
		return s.reads(ctx).StatusCounts(ctx, planID)
	})
}

// expectedMonthCounts is Store.ExpectedMonthCounts, kept per data version.
func (s *Server) expectedMonthCounts(ctx context.Context, planID, priorityID int64) ([]postgres.MonthCount, error) {
	key := fmt.Sprintf("month counts %d %d", planID, priorityID)
	return remember(s, ctx, key, func() ([]postgres.MonthCount, error) {
		return s.reads(ctx).ExpectedMonthCounts(ctx, planID, priorityID)
	})
}
