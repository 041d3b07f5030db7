// Package pgdev runs the project's own PostgreSQL: the database used by
// `make run` and by the tests when no DATABASE_URL (or TEST_DATABASE_URL) is
// given.
//
// Ensure creates a cluster in a project-local directory (normally
// .data/postgres, see DefaultDir) the first time, starts it when it is not
// running, and hands back a Cluster with connection URLs. Later calls reuse
// the same cluster, whether or not it is still running.
//
// The application database, portal, has the roles a production database
// has: Owner owns it and runs the migrations (OwnerURL), and App, a member of
// the group role AppGroup that the migrations grant the portal's rights to,
// serves it (AppURL), owning nothing. Their passwords are derived from the
// superuser's.
//
// The cluster:
//   - listens only on 127.0.0.1, on a private port chosen when it was created,
//     and on no Unix socket;
//   - has one superuser, postgres, whose random password is kept in a 0600
//     file beside the data directory (<dir>.password), with scram-sha-256
//     authentication for every connection;
//   - runs as the unprivileged postgres user when the caller is root (initdb
//     and postgres refuse to run as root), otherwise as the caller;
//   - is managed under an exclusive lock on <dir>.lock, so that concurrent
//     callers (several test binaries, two servers) create and start it once.
//
// The server binaries come from PATH or Debian's /usr/lib/postgresql/*/bin
// (see FindBinDir); pgdev never installs them.
package pgdev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// Superuser is the cluster's superuser role, the user in every URL.
	Superuser = "postgres"
	// Database is the application database that Ensure creates.
	Database = "portal"
	// Host is the only address the cluster listens on.
	Host = "127.0.0.1"

	// confFile holds pgdev's settings inside the data directory; the
	// cluster's postgresql.conf includes it.
	confFile = "pgdev.conf"
	// logFile is the server's log, inside the data directory.
	logFile = "server.log"
	// maxLogSize is the size past which the log is set aside at start.
	maxLogSize = 16 << 20

	// Private ports are drawn from this range, below Linux's ephemeral ports
	// so that outgoing connections do not take them.
	portMin, portMax = 20000, 29999
)

// Cluster is a project-local PostgreSQL cluster managed by pgdev. Its methods
// are safe for concurrent use, and coordinate with other processes through
// the cluster's lock file.
type Cluster struct {
	dir      string // the data directory, absolute
	binDir   string // where initdb, pg_ctl and postgres live
	password string // the superuser's password
	owner    *owner // who runs the server; nil for the current user
	logger   *slog.Logger

	mu   sync.Mutex
	port int
}

// Ensure makes sure a cluster exists in dir, is running, and has the roles
// and the application database (Database), then returns it. dir is the data
// directory itself; its parent also holds dir+".password" and dir+".lock".
// On first use it runs initdb; when the server is not running (never started,
// stopped, or crashed leaving a stale postmaster.pid) it starts it with
// pg_ctl. A nil logger uses slog.Default(). The server keeps running after
// the caller exits, for the next caller to reuse.
func Ensure(ctx context.Context, dir string, logger *slog.Logger) (*Cluster, error) {
	if logger == nil {
		logger = slog.Default()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	own, err := serverOwner()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(dir), err)
	}
	lock, err := lockFile(ctx, dir+".lock", logger)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()

	c := &Cluster{dir: dir, owner: own, logger: logger.With("pgdata", dir)}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.create(ctx); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if err := c.load(); err != nil {
		return nil, err
	}
	if err := c.startLocked(ctx); err != nil {
		return nil, err
	}
	if err := c.ensureDatabase(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Dir returns the cluster's data directory.
func (c *Cluster) Dir() string { return c.dir }

// Port returns the TCP port the cluster listens on, on Host.
func (c *Cluster) Port() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.port
}

// URL returns a connection URL for the application database, Database, as
// the superuser.
func (c *Cluster) URL() string { return c.DatabaseURL(Database) }

// DatabaseURL returns a connection URL for the named database as the
// superuser; "postgres" is the maintenance database, from which others can
// be created.
func (c *Cluster) DatabaseURL(name string) string { return c.url(Superuser, c.password, name) }

// Start starts the cluster if it is not running and waits until it accepts
// connections. Together with Stop it lets a test take the database away and
// bring it back. If the cluster's port was taken by another program while it
// was stopped, Start moves the cluster to a new port: callers should read
// URL again after Start.
func (c *Cluster) Start(ctx context.Context) error {
	lock, err := lockFile(ctx, c.dir+".lock", c.logger)
	if err != nil {
		return err
	}
	defer lock.unlock()
	return c.startLocked(ctx)
}

// Stop shuts the cluster down in pg_ctl's fast mode: open transactions are
// rolled back, clients disconnected, and the data written out cleanly. It is
// a no-op when the cluster is not running. Every user of the cluster loses
// its connections, so tests should stop only clusters of their own.
func (c *Cluster) Stop(ctx context.Context) error {
	return c.stop(ctx, "fast")
}

// Kill shuts the cluster down in pg_ctl's immediate mode, as a crash would:
// the next Start runs crash recovery. It is a no-op when the cluster is not
// running.
func (c *Cluster) Kill(ctx context.Context) error {
	return c.stop(ctx, "immediate")
}

// Running reports whether the cluster's server process is alive.
func (c *Cluster) Running() bool {
	pid, _ := c.postmaster(false)
	return pid > 0
}

func (c *Cluster) stop(ctx context.Context, mode string) error {
	lock, err := lockFile(ctx, c.dir+".lock", c.logger)
	if err != nil {
		return err
	}
	defer lock.unlock()
	if pid, _ := c.postmaster(true); pid == 0 {
		return nil
	}
	c.logger.Info("stopping PostgreSQL", "mode", mode)
	if out, err := c.run(ctx, "pg_ctl", "stop", "-D", c.dir, "-m", mode, "-w", "-t", "120"); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w\n%s", c.dir, err, out)
	}
	return nil
}

// create initialises a new cluster in c.dir. It runs initdb in a temporary
// directory beside it and renames that into place once complete, so that an
// interrupted initialisation leaves nothing half-made in c.dir.
func (c *Cluster) create(ctx context.Context) error {
	if entries, err := os.ReadDir(c.dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s exists but is not a PostgreSQL data directory (no PG_VERSION): remove it to start afresh", c.dir)
	}
	binDir, err := FindBinDir()
	if err != nil {
		return err
	}
	c.binDir = binDir

	tmp := c.dir + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove leftover %s: %w", tmp, err)
	}
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := c.owner.chown(tmp); err != nil {
		return fmt.Errorf("give %s to %s: %w", tmp, c.owner.describe(), err)
	}
	if err := ensureTraversable(tmp, c.owner, c.logger); err != nil {
		return err
	}

	password, err := randomHex(24)
	if err != nil {
		return err
	}
	// initdb reads the password from a file that the server's account must
	// be able to read, and wants its data directory empty: a short-lived
	// file in a directory of its own.
	pwdir := c.dir + ".initpw"
	if err := os.RemoveAll(pwdir); err != nil {
		return err
	}
	if err := os.Mkdir(pwdir, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(pwdir)
	if err := c.owner.chown(pwdir); err != nil {
		return err
	}
	pwpath := filepath.Join(pwdir, "password")
	if err := c.writeOwned(pwpath, []byte(password+"\n"), 0o600); err != nil {
		return err
	}

	c.logger.Info("creating PostgreSQL cluster", "bin", binDir, "runs_as", c.owner.describe())
	out, err := c.run(ctx, "initdb",
		"-D", tmp,
		"-U", Superuser,
		"--pwfile="+pwpath,
		"--auth=scram-sha-256",
		"--encoding=UTF8",
		"--no-locale",
	)
	if err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", tmp, err, out)
	}

	port, err := freePort(0)
	if err != nil {
		return err
	}
	if err := c.writeConf(tmp, port); err != nil {
		return err
	}
	conf, err := os.OpenFile(filepath.Join(tmp, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(conf, "\n# Settings of the project's development cluster.\ninclude '%s'\n", confFile)
	if cerr := conf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}

	// The password file is written before the data directory appears, so
	// that a data directory always has its password.
	if err := writeFileAtomic(c.dir+".password", []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("save the superuser password: %w", err)
	}
	if err := os.Remove(c.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, c.dir); err != nil {
		return err
	}
	c.logger.Info("created PostgreSQL cluster", "port", port)
	return nil
}

// writeConf writes pgdev's settings into the data directory dataDir.
func (c *Cluster) writeConf(dataDir string, port int) error {
	conf := fmt.Sprintf(`# Written by pgdev: the project's development cluster.
listen_addresses = '%s'
port = %d
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
max_connections = 200
# Development data: losing the last moments of work in a power cut is fine,
# corruption is not, so fsync stays on.
synchronous_commit = off
# Room in memory for the national-scale demonstration data (a million updates,
# portal demo-data), and no checkpoint in the middle of loading it: its load
# writes 700 MB of WAL, and with PostgreSQL's default (max_wal_size 1GB) a
# checkpoint starts after about 530 MB. The default shared_buffers is 128MB.
shared_buffers = 1GB
max_wal_size = 4GB
`, Host, port)
	return c.writeOwned(filepath.Join(dataDir, confFile), []byte(conf), 0o600)
}

// load reads the password and port of an existing cluster, and finds server
// binaries of its major version.
func (c *Cluster) load() error {
	if err := c.checkOwner(); err != nil {
		return err
	}
	pw, err := os.ReadFile(c.dir + ".password")
	if err != nil {
		return fmt.Errorf("read the superuser password (the cluster in %s cannot be used without it: remove that directory to start afresh): %w", c.dir, err)
	}
	c.password = strings.TrimSpace(string(pw))

	port, err := readPort(filepath.Join(c.dir, confFile))
	if err != nil {
		return fmt.Errorf("%s was not created by pgdev, or its %s is damaged (remove it to start afresh): %w", c.dir, confFile, err)
	}
	c.port = port

	version, err := os.ReadFile(filepath.Join(c.dir, "PG_VERSION"))
	if err != nil {
		return err
	}
	if c.binDir == "" {
		c.binDir, err = findBinDir(strings.TrimSpace(string(version)))
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOwner makes sure the data directory belongs to the account that will
// run the server, with a clear message when, say, a root run created it and
// an ordinary user now wants it.
func (c *Cluster) checkOwner() error {
	info, err := os.Stat(c.dir)
	if err != nil {
		return err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if want := c.owner.uidOf(); st.Uid != want {
		return fmt.Errorf("the PostgreSQL data directory %s belongs to uid %d, but the server would run as %s (uid %d): run as the user that created it (root runs it as %s), or remove it to start afresh",
			c.dir, st.Uid, c.owner.describe(), want, ServerUser)
	}
	return nil
}

// postmaster returns the pid and port of the running server, or 0 when none
// runs. With clean, which needs the cluster's lock, a postmaster.pid left by
// a server that died is removed, so that the next start is not refused
// because its pid now belongs to another process.
func (c *Cluster) postmaster(clean bool) (pid, port int) {
	pidFile := filepath.Join(c.dir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, 0
	}
	// postmaster.pid: pid, data directory, start time, port, ...
	lines := strings.Split(string(data), "\n")
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	if len(lines) > 3 {
		port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	if processIsServer(pid, c.dir) {
		return pid, port
	}
	if !clean {
		return 0, 0
	}
	c.logger.Warn("removing stale postmaster.pid left by a server that is no longer running", "pid", pid)
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.logger.Warn("could not remove stale postmaster.pid", "err", err)
	}
	return 0, 0
}

// startLocked starts the server unless it runs, then waits until it accepts
// connections. The caller holds the cluster's lock.
func (c *Cluster) startLocked(ctx context.Context) error {
	if pid, port := c.postmaster(true); pid > 0 {
		if port > 0 {
			c.mu.Lock()
			c.port = port
			c.mu.Unlock()
		}
		c.logger.Debug("PostgreSQL already running", "pid", pid, "port", port)
		return c.waitReady(ctx)
	}

	// Another program may have taken the port since the cluster was made.
	if !portFree(c.Port()) {
		port, err := freePort(c.Port())
		if err != nil {
			return err
		}
		c.logger.Warn("the cluster's port is in use by another program: moving the cluster to a new port", "old", c.Port(), "new", port)
		if err := c.writeConf(c.dir, port); err != nil {
			return err
		}
		c.mu.Lock()
		c.port = port
		c.mu.Unlock()
	}

	logPath := filepath.Join(c.dir, logFile)
	if info, err := os.Stat(logPath); err == nil && info.Size() > maxLogSize {
		_ = os.Rename(logPath, logPath+".old")
	}
	c.logger.Info("starting PostgreSQL", "port", c.Port(), "log", logPath)
	out, err := c.run(ctx, "pg_ctl", "start", "-D", c.dir, "-l", logPath, "-w", "-t", "120")
	if err != nil {
		return fmt.Errorf("start PostgreSQL in %s: %w\n%s\n%s", c.dir, err, out, tail(logPath, 20))
	}
	return c.waitReady(ctx)
}

// waitReady waits until the server accepts a connection, for up to a minute
// (crash recovery can take a while).
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var last error
	for {
		conn, err := pgx.Connect(ctx, c.DatabaseURL("postgres")+"&connect_timeout=5")
		if err == nil {
			return conn.Close(ctx)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("PostgreSQL in %s does not accept connections on port %d: %w\n%s",
				c.dir, c.Port(), last, tail(filepath.Join(c.dir, logFile), 20))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// run runs one of the server binaries as the server's account and returns
// its combined output.
func (c *Cluster) run(ctx context.Context, tool string, args ...string) ([]byte, error) {
	return c.runWith(ctx, nil, tool, args...)
}

// runWith is run with the environment variables env added to serverEnv.
func (c *Cluster) runWith(ctx context.Context, env []string, tool string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, tool), args...)
	cmd.Env = append(serverEnv(), env...)
	// The server's account may not be able to reach the caller's working
	// directory, and these tools refuse to run where they cannot.
	cmd.Dir = "/"
	cmd.SysProcAttr = c.owner.sysProcAttr()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// pg_ctl hands the server's output to the log file; should anything
	// still hold our pipes, do not wait on it for long.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return out.Bytes(), err
}

// serverEnv is the caller's environment without the PG* variables, which
// would otherwise override the cluster's own settings, and with the C locale
// so that the tools never trip over a locale the machine lacks.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "LC_") || k == "LANG" || k == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "LANG=C")
}
