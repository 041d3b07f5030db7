package pgdev

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
)

// NewStandby makes dir a streaming replica of the running cluster c (pg_basebackup -R, on a port
// of its own), starts it and returns it. It is for tests of reading from a replica; the replica
// shares c's superuser and roles, and is read-only.
func (c *Cluster) NewStandby(ctx context.Context, dir string, logger *slog.Logger) (*Cluster, error) {
	if logger == nil {
		logger = slog.Default()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	s := &Cluster{dir: dir, owner: c.owner, binDir: c.binDir, logger: logger.With("pgdata", dir)}
	lock, err := lockFile(ctx, dir+".lock", logger)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	tmp := dir + ".init"
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := s.owner.chown(tmp); err != nil {
		return nil, err
	}
	if err := ensureTraversable(tmp, s.owner, s.logger); err != nil {
		return nil, err
	}
	if out, err := s.runWith(ctx, []string{"PGPASSWORD=" + c.password}, "pg_basebackup", "-D", tmp, "-R", "-X", "stream",
		"-h", Host, "-p", strconv.Itoa(c.Port()), "-U", Superuser, "--checkpoint=fast"); err != nil {
		return nil, fmt.Errorf("pg_basebackup: %w\n%s", err, out)
	}
	port, err := freePort(c.Port())
	if err != nil {
		return nil, err
	}
	if err := s.writeConf(tmp, port); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(dir+".password", []byte(c.password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	if err := s.startLocked(ctx); err != nil {
		return nil, err
	}
	return s, nil
}
