package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/mail"
	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// config is the portal's configuration, read once from the environment and checked at start.
type config struct {
	DatabaseURL string
	dbConfig
	// MigrateDatabaseURL is the database as the role that owns it and runs the migrations, when
	// the portal serves as another (MIGRATE_DATABASE_URL); empty, DATABASE_URL migrates.
	MigrateDatabaseURL string
	// SkipMigrate leaves migrating to `portal migrate`: serve and user add do not (SKIP_MIGRATE).
	SkipMigrate      bool
	Addr             string
	BaseURL          string
	DataDir          string
	StatementTimeout time.Duration
	LogFormat        string
	// BenchStaticDir is served for make bench only (PORTAL_BENCH_STATIC_DIR).
	BenchStaticDir string
	// PageCacheBytes bounds the memory for rendered public pages; negative turns the cache off.
	PageCacheBytes int
	// ExportCacheDir is where downloads are written before they are served (empty: the
	// default); ExportCacheBytes bounds the disk space they take.
	ExportCacheDir   string
	ExportCacheBytes int64
	// MetricsAddr, when set, is a separate address serving /metrics; the portal's own address
	// then does not.
	MetricsAddr string
	// ShutdownTimeout is how long requests in flight may take to finish after SIGTERM or SIGINT.
	ShutdownTimeout time.Duration
	// DrainDelay is how long the portal keeps serving after SIGTERM or SIGINT, with /readyz
	// answering 503, before it stops accepting connections: time for a load balancer to see it
	// is going and send no more requests.
	DrainDelay time.Duration
	// ReminderInterval is how often the reminder worker queues and sends round reminders; zero
	// turns it off in this instance.
	ReminderInterval time.Duration
	// SMTP is how to reach the mail relay; nil when SMTP_HOST is unset, and the portal sends no
	// email.
	SMTP *mail.Config
	// TrustedProxies are the networks of reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// HashConcurrency is how many password hashes may run at once (HASH_CONCURRENCY).
	HashConcurrency int
	// ContactEmail is where the contact page and the accessibility statement send people
	// (CONTACT_EMAIL).
	ContactEmail string
}

// loadConfig reads the configuration. A variable NAME_FILE names a file holding the value of
// NAME, for secrets kept out of the environment.
func loadConfig(getenv func(string) string) (config, error) {
	get := func(name string) (string, error) {
		if f := getenv(name + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", fmt.Errorf("read %s_FILE: %w", name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
		return getenv(name), nil
	}
	var c config
	var err error
	if c.DatabaseURL, err = get("DATABASE_URL"); err != nil {
		return c, err
	}
	c.Addr = getenv("ADDR")
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("ADDR %q is not host:port: %w", c.Addr, err)
	}
	c.BaseURL = strings.TrimRight(getenv("BASE_URL"), "/")
	if c.BaseURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("BASE_URL %q is not an http or https URL", c.BaseURL)
	}
	c.DataDir = getenv("PORTAL_DATA_DIR")
	if c.DataDir == "" {
		c.DataDir = ".data"
	}
	c.StatementTimeout, err = envDuration(getenv, "STATEMENT_TIMEOUT", 10*time.Second, false, "a positive duration such as 10s")
	if err != nil {
		return c, err
	}
	c.PageCacheBytes = server.DefaultPageCacheBytes
	if v := getenv("PAGE_CACHE_MB"); v != "" {
		mb, err := strconv.Atoi(v)
		if err != nil || mb < 0 || mb > 4096 {
			return c, fmt.Errorf("PAGE_CACHE_MB %q is not a number of megabytes from 0 (off) to 4096", v)
		}
		c.PageCacheBytes = mb << 20
		if mb == 0 {
			c.PageCacheBytes = -1
		}
	}
	if err := loadExportConfig(&c, getenv); err != nil {
		return c, err
	}
	c.ShutdownTimeout, err = envDuration(getenv, "SHUTDOWN_TIMEOUT", 20*time.Second, false, "a positive duration such as 20s")
	if err != nil {
		return c, err
	}
	c.DrainDelay, err = envDuration(getenv, "DRAIN_DELAY", 5*time.Second, true, "a duration such as 5s (0 stops at once)")
	if err != nil {
		return c, err
	}
	c.ReminderInterval, err = envDuration(getenv, "REMINDER_INTERVAL", time.Minute, true,
		"a duration such as 1m (0 turns the reminder worker off)")
	if err != nil {
		return c, err
	}
	c.MetricsAddr = getenv("METRICS_ADDR")
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return c, fmt.Errorf("METRICS_ADDR %q is not host:port: %w", c.MetricsAddr, err)
		}
	}
	// Each argon2id hash takes 19 MiB while it runs: bound how many run at once.
	c.HashConcurrency = password.DefaultConcurrency(password.Default)
	if v := getenv("HASH_CONCURRENCY"); v != "" {
		if c.HashConcurrency, err = strconv.Atoi(v); err != nil || c.HashConcurrency < 1 || c.HashConcurrency > 256 {
			return c, fmt.Errorf("HASH_CONCURRENCY %q is not a number of password hashes at once from 1 to 256", v)
		}
	}
	c.BenchStaticDir = getenv("PORTAL_BENCH_STATIC_DIR")
	c.LogFormat = getenv("LOG_FORMAT")
	if c.LogFormat == "" {
		c.LogFormat = "json"
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return c, fmt.Errorf("LOG_FORMAT %q is neither json nor text", c.LogFormat)
	}
	if err := loadDBConfig(&c, get, getenv); err != nil {
		return c, err
	}
	if err := loadAccountConfig(&c, get, getenv); err != nil {
		return c, err
	}
	if err := loadDatabaseConfig(&c, get, getenv); err != nil {
		return c, err
	}
	if err := loadPagesConfig(&c, getenv); err != nil {
		return c, err
	}
	return c, nil
}

// secure reports whether the portal is served over https.
// envDuration reads the duration in the environment variable name, def when it is unset. It
// must be positive or, with zero allowed, not negative; otherwise the error says the variable is
// not what should describes.
func envDuration(getenv func(string) string, name string, def time.Duration, zero bool, should string) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || (d == 0 && !zero) {
		return d, fmt.Errorf("%s %q is not %s", name, v, should)
	}
	return d, nil
}

func (c config) secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }
