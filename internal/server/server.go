// Package server is Delivery Tracker's HTTP layer: the chi router, middleware and the handlers,
// grouped by who uses them. Handlers parse and validate input, ask the domain whether the user
// may act, call the store and render a templ page or redirect.
package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Config holds what the server needs.
type Config struct {
	Store   *postgres.Store
	Logger  *slog.Logger
	BaseURL string
	// Secure is true when the portal is served over https: cookies are Secure and HSTS is sent.
	Secure bool
	// Now returns the current time; tests inject a fixed clock.
	Now func() time.Time
	// BenchStaticDir, when set, serves the files in it at BenchStaticPrefix: make bench compares
	// each page with the same bytes served as a static file. Never set it in production.
	BenchStaticDir string
	// PageCacheBytes bounds the memory kept for rendered public pages (see publicPage): zero
	// means DefaultPageCacheBytes, a negative number turns the cache off.
	PageCacheBytes int
	// ExportCacheDir is where downloads are written before they are served (see serveExport):
	// empty means DefaultExportCacheDir. ExportCacheBytes bounds the disk space they take: zero
	// or less means DefaultExportCacheBytes.
	ExportCacheDir   string
	ExportCacheBytes int64
	// Metrics is the registry the server records its request metrics on, and the pool's
	// statistics when Store is set. Nil gives the server a registry of its own.
	Metrics *prometheus.Registry
	// ServeMetrics serves the registry's metrics at /metrics on the portal's own router. Leave
	// it false to serve them elsewhere (see MetricsHandler), such as on a private address.
	ServeMetrics bool
	// RequestTimeout bounds the time a request's handler has, through its context, which every
	// query is given. Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// IdleTimeout ends a session not used for this long; zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// SessionLifetime ends a session this long after sign-in, however much it is used; zero
	// means DefaultSessionLifetime.
	SessionLifetime time.Duration
	// IdleWarning is how long before the idle timeout a page with a form warns that the session
	// is about to end, offering to keep it going (with JavaScript); zero means
	// DefaultIdleWarning. It is at most IdleTimeout: then the warning shows at once.
	IdleWarning time.Duration
	// Password are the argon2id parameters for new password hashes; zero means
	// password.Default. Tests lower them to run fast.
	Password password.Params
	// Mailer sends invitations and password reset links; nil when no mail relay is configured,
	// and administrators copy the links instead.
	Mailer mail.Mailer
	// EmailQueued, when set, is called after a change that may have queued emails, to have the
	// outbox worker send them without waiting for its interval.
	EmailQueued func()
	// TrustedProxies are the networks of reverse proxies in front of the portal. Only a request
	// from one of them has its X-Forwarded-For header believed for the client's address.
	TrustedProxies []netip.Prefix
	// Hashing bounds the password hashes run at once; nil means one of
	// password.DefaultConcurrency slots, each waited for up to password.DefaultWait.
	Hashing *password.Limiter
	// Versions, when set, is where a listener on the database reports new data versions, so
	// that public pages need no query to learn of them.
	Versions *VersionWatch
	// Replica, when set, is a read replica that public pages, downloads and feeds for visitors
	// who are not signed in read from while it is healthy and caught up (see Replica); Run it.
	// Everything else uses Store.
	Replica *Replica
	// ContactEmail is where the contact page and the accessibility statement send people;
	// empty means DefaultContactEmail.
	ContactEmail string
	// SitemapSize is the most addresses one sitemap file lists (see sitemap): zero means
	// MaxSitemapURLs, the sitemaps protocol's limit. Tests lower it.
	SitemapSize int
}

// DefaultRequestTimeout is the time a request may take unless Config.RequestTimeout says
// otherwise. It is shorter than the http.Server's write timeout, so that a request that runs out
// of time still gets its error page.
const DefaultRequestTimeout = 30 * time.Second

// DefaultPageCacheBytes is the memory kept for rendered public pages unless configured.
const DefaultPageCacheBytes = 16 << 20

// The session limits unless configured: NCSC guidance and OWASP ASVS level 2 ask for
// re-authentication after a period of inactivity, and periodically however active the user is.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultSessionLifetime = 12 * time.Hour
	// DefaultIdleWarning leaves time to read the warning and answer it (WCAG 2.2.1 asks for at
	// least 20 seconds).
	DefaultIdleWarning = 5 * time.Minute
)

// Server serves the portal.
type Server struct {
	store   *postgres.Store
	replica *Replica // nil without a read replica: see reads
	logger  *slog.Logger
	baseURL string
	secure  bool
	now     func() time.Time
	pages   *pageCache
	// exports keeps the files downloads are served from.
	exports *exportCache
	// versions reads the data version for publicPage, shared between requests that arrive
	// together.
	versions *versionReads
	// memo keeps plan-wide figures per data version (see remember).
	memo  dataMemo
	bench string // Config.BenchStaticDir
	// day is today in the UK as dayNow last worked it out.
	day atomic.Pointer[dayAt]
	// secHeaders are the security headers every response carries (securityHeaderList).
	secHeaders []headerValue

	metrics        *metrics
	registry       *prometheus.Registry
	serveMetrics   bool
	requestTimeout time.Duration

	sessions    *scs.SessionManager
	idle        time.Duration
	idleWarning time.Duration
	lifetime    time.Duration
	// keepable are the route patterns of forms whose page is at the address they are sent to
	// (see form): what was typed into one sent after the session ended is kept, and put back
	// there once the person signs in again.
	keepable map[string]bool
	pw       password.Params
	hashing  *password.Limiter
	mailer   mail.Mailer
	// emailQueued wakes the outbox worker (Config.EmailQueued).
	emailQueued func()
	proxies     []netip.Prefix
	// contactEmail is Config.ContactEmail.
	contactEmail string
	// sitemapSize is Config.SitemapSize, or MaxSitemapURLs.
	sitemapSize int
	// feedbackKey signs the time each feedback form was shown (see formKey).
	feedbackKey formKey
	// dummyHash is checked against when an account does not exist, so that the answer takes as
	// long as for one that does.
	dummyHash func() string
}

// New returns the portal's HTTP handler.
func New(cfg Config) http.Handler {
	s := newServer(cfg)
	return s.cachedHits(s.routes())
}

func newServer(cfg Config) *Server {
	s := &Server{store: cfg.Store, replica: cfg.Replica, logger: cfg.Logger, baseURL: cfg.BaseURL, secure: cfg.Secure, now: cfg.Now,
		registry: cfg.Metrics, serveMetrics: cfg.ServeMetrics, requestTimeout: cfg.RequestTimeout,
		idle: cfg.IdleTimeout, idleWarning: cfg.IdleWarning, lifetime: cfg.SessionLifetime, keepable: map[string]bool{}, pw: cfg.Password,
		bench: cfg.BenchStaticDir, mailer: cfg.Mailer, emailQueued: cfg.EmailQueued, proxies: cfg.TrustedProxies, hashing: cfg.Hashing,
		contactEmail: cfg.ContactEmail, sitemapSize: cfg.SitemapSize}
	if s.sitemapSize <= 0 {
		s.sitemapSize = MaxSitemapURLs
	}
	if s.contactEmail == "" {
		s.contactEmail = DefaultContactEmail
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case cfg.PageCacheBytes == 0:
		s.pages = newPageCache(DefaultPageCacheBytes)
	case cfg.PageCacheBytes > 0:
		s.pages = newPageCache(cfg.PageCacheBytes)
	default:
		s.pages = newPageCache(0)
	}
	s.exports = newExportCache(cfg.ExportCacheDir, cfg.ExportCacheBytes)
	s.secHeaders = securityHeaderList(s.secure)
	if _, ok := s.logger.Handler().(requestIDHandler); !ok {
		s.logger = slog.New(LogHandler(s.logger.Handler()))
	}
	if s.requestTimeout <= 0 {
		s.requestTimeout = DefaultRequestTimeout
	}
	if s.store != nil {
		s.versions = &versionReads{read: s.store.DataVersion, timeout: s.requestTimeout, watch: cfg.Versions}
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(s.registry)
	if s.store != nil {
		s.registry.MustRegister(NewPoolCollector(s.store.Pool()))
	}
	if s.replica != nil {
		s.registerReplicaMetrics()
	}
	if s.idle <= 0 {
		s.idle = DefaultIdleTimeout
	}
	if s.lifetime <= 0 {
		s.lifetime = DefaultSessionLifetime
	}
	if s.idleWarning <= 0 {
		s.idleWarning = DefaultIdleWarning
	}
	s.idleWarning = min(s.idleWarning, s.idle)
	if s.pw == (password.Params{}) {
		s.pw = password.Default
	}
	if s.hashing == nil {
		s.hashing = password.NewLimiter(password.DefaultConcurrency(s.pw), 0)
	}
	// Hashing takes tens of milliseconds and 19 MiB: do it beside the start rather than before
	// the server can answer. A sign-in that comes first waits for it.
	pw := s.pw
	s.dummyHash = sync.OnceValue(func() string { return password.Dummy(pw) })
	go s.dummyHash()
	s.sessions = s.newSessionManager()
	return s
}

// render writes a page with the status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	// The page is rendered into a buffer and written in one go: templ writes a page as thousands
	// of short strings, and each of them written to w would pass through every response writer
	// of the middleware, and the connection's 4 KiB buffer would flush a large page in many
	// writes to the socket.
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	// Render even when the request's deadline has passed: that is when the error page saying so
	// is needed. templ stops at a context that is done, so keep only the request's values.
	if err := c.Render(context.WithoutCancel(r.Context()), buf); err != nil {
		s.logger.ErrorContext(r.Context(), "render", "err", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderBuffers are the buffers pages are rendered into.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledRender is the largest buffer kept for another page: the few larger pages take a
// buffer of their own rather than keep that memory held.
const maxPooledRender = 1 << 20

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledRender {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

// error turns err into a response: a domain error's code chooses the page, and anything else is
// logged with the request ID and shown as the generic error page. No internal error text ever
// reaches the page.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case redirectMoved(w, r, err):
	case tracker.ErrorCode(err) == tracker.ENOTFOUND:
		s.notFound(w, r)
	case tracker.ErrorCode(err) == tracker.EFORBIDDEN:
		s.render(w, r, http.StatusForbidden, web.ForbiddenPage(s.layout(r)))
	case tracker.ErrorCode(err) == tracker.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded):
		s.logger.WarnContext(r.Context(), "database unavailable", "err", err)
		w.Header().Set("Retry-After", "5")
		if r.Method == http.MethodPost && len(r.PostForm) > 0 {
			s.notSaved(w, r)
			return
		}
		s.render(w, r, http.StatusServiceUnavailable, web.ServiceUnavailablePage(s.layout(r)))
	case errors.Is(err, context.Canceled):
		// The client went away; nobody is reading the response.
		s.logger.InfoContext(r.Context(), "request canceled", "err", err)
	default:
		s.logger.ErrorContext(r.Context(), "internal error", "err", err)
		s.serviceError(w, r)
	}
}

func (s *Server) serviceError(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusInternalServerError, web.ServiceErrorPage(s.layout(r), RequestID(r.Context())))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, web.NotFoundPage(s.layout(r)))
}
