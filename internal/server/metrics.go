package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the portal's request metrics, labelled by chi's route pattern (such as
// "/commitments/{ref}") rather than the raw path, so that the number of series stays small
// whatever addresses people ask for.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portal_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status class.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portal_http_request_duration_seconds",
			Help:    "Time taken to serve HTTP requests, by method and route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portal_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// measure records every request's count and duration under its route pattern. Requests that
// match no route share the route label "unmatched".
func (m *metrics) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := routeLabel(r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		method := methodLabel(r.Method)
		m.requests.WithLabelValues(method, route, strconv.Itoa(status/100)+"xx").Inc()
		m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
	})
}

// routeLabel is the route label of a request the router has matched: its chi route pattern, or
// "unmatched".
func routeLabel(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// methodLabel keeps the method label to the methods the portal serves.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}

// MetricsHandler serves the metrics gathered in reg in Prometheus's text format.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// poolCollector exports a connection pool's statistics (pgxpool.Stat) as Prometheus metrics.
type poolCollector struct {
	pool  *pgxpool.Pool
	descs map[string]*prometheus.Desc
}

// NewPoolCollector returns a collector of the pool's statistics: connections in use, idle and
// being opened, the pool's size limit, and counters of acquisitions and of connections opened
// and closed, as portal_db_pool_*.
func NewPoolCollector(pool *pgxpool.Pool) prometheus.Collector {
	return newPoolCollector("portal_db_pool_", pool)
}

// newPoolCollector is NewPoolCollector with the metrics' names beginning with prefix.
func newPoolCollector(prefix string, pool *pgxpool.Pool) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(prefix+name, help, nil, nil)
	}
	return &poolCollector{pool: pool, descs: map[string]*prometheus.Desc{
		"acquired":     d("acquired_conns", "Connections currently in use."),
		"idle":         d("idle_conns", "Idle connections in the pool."),
		"constructing": d("constructing_conns", "Connections being opened."),
		"total":        d("total_conns", "Connections in the pool: in use, idle and being opened."),
		"max":          d("max_conns", "Most connections the pool may hold."),
		"acquires":     d("acquires_total", "Connections acquired from the pool."),
		"acquireTime":  d("acquire_duration_seconds_total", "Time spent acquiring connections."),
		"canceled":     d("canceled_acquires_total", "Acquisitions abandoned because their context ended."),
		"empty":        d("empty_acquires_total", "Acquisitions that had to wait for a connection."),
		"emptyTime":    d("empty_acquire_wait_seconds_total", "Time spent waiting for a connection when none was free."),
		"new":          d("new_conns_total", "Connections opened."),
		"lifetime":     d("max_lifetime_destroys_total", "Connections closed because they reached their maximum lifetime."),
		"idleDestroy":  d("max_idle_destroys_total", "Connections closed because they were idle too long."),
	}}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(k string, v float64) {
		ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.GaugeValue, v)
	}
	counter := func(k string, v float64) {
		ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.CounterValue, v)
	}
	gauge("acquired", float64(s.AcquiredConns()))
	gauge("idle", float64(s.IdleConns()))
	gauge("constructing", float64(s.ConstructingConns()))
	gauge("total", float64(s.TotalConns()))
	gauge("max", float64(s.MaxConns()))
	counter("acquires", float64(s.AcquireCount()))
	counter("acquireTime", s.AcquireDuration().Seconds())
	counter("canceled", float64(s.CanceledAcquireCount()))
	counter("empty", float64(s.EmptyAcquireCount()))
	counter("emptyTime", s.EmptyAcquireWaitTime().Seconds())
	counter("new", float64(s.NewConnsCount()))
	counter("lifetime", float64(s.MaxLifetimeDestroyCount()))
	counter("idleDestroy", float64(s.MaxIdleDestroyCount()))
}
