package pgdev

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// ServerUser is the account that owns and runs the cluster when the calling
// process runs as root: initdb and postgres refuse to run as root.
const ServerUser = "postgres"

// owner is the account the server runs as. A nil *owner means the current
// user, with no change of credentials.
type owner struct {
	uid, gid uint32
	name     string
}

// serverOwner picks the account that runs the server: the postgres user when
// running as root, else nil (the current user).
func serverOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(ServerUser)
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as the unprivileged %q user, which does not exist (%v): install Debian's postgresql package (`make run` as root does), or run as an ordinary user", ServerUser, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: uid %q: %w", ServerUser, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: gid %q: %w", ServerUser, u.Gid, err)
	}
	return &owner{uid: uint32(uid), gid: uint32(gid), name: u.Username}, nil
}

// sysProcAttr runs a child process as o, in its own session so that a
// terminal's Ctrl-C aimed at the caller does not reach the server.
func (o *owner) sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setsid: true}
	if o != nil {
		attr.Credential = &syscall.Credential{Uid: o.uid, Gid: o.gid, Groups: []uint32{}}
	}
	return attr
}

// chown gives path to o; a no-op for the current user.
func (o *owner) chown(path string) error {
	if o == nil {
		return nil
	}
	return os.Lchown(path, int(o.uid), int(o.gid))
}

// uidOf returns the uid the server runs as.
func (o *owner) uidOf() uint32 {
	if o == nil {
		return uint32(os.Geteuid())
	}
	return o.uid
}

// describe names the account for messages.
func (o *owner) describe() string {
	if o == nil {
		if u, err := user.Current(); err == nil {
			return "the current user (" + u.Username + ")"
		}
		return "the current user"
	}
	return "the " + o.name + " user"
}

// ensureTraversable makes sure the server account can reach dir: every
// directory above it needs search (x) permission for that account. Only
// when running as root for another account does it change anything, adding
// the search bit for others (never read) to directories that lack it, such
// as a checkout under /root.
func ensureTraversable(dir string, o *owner, logger *slog.Logger) error {
	if o == nil {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		mode := info.Mode().Perm()
		var can bool
		switch {
		case st.Uid == o.uid:
			can = mode&0o100 != 0
		case st.Gid == o.gid:
			can = mode&0o010 != 0
		default:
			can = mode&0o001 != 0
		}
		if !can {
			logger.Warn("letting the PostgreSQL server user reach its data directory: adding search permission for others",
				"dir", d, "user", o.name)
			if err := os.Chmod(d, info.Mode()|0o001); err != nil {
				return fmt.Errorf("the %s user cannot reach %s: %w", o.name, d, err)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// fileLock is an exclusive flock(2) on a file, shared by every process that
// manages the same cluster.
type fileLock struct{ f *os.File }

// lockFile takes an exclusive lock on path, creating it if needed, waiting
// until the lock is free or ctx is done.
func lockFile(ctx context.Context, path string, logger *slog.Logger) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	logged := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &fileLock{f: f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !logged {
			logger.Info("waiting for another process to finish setting up PostgreSQL", "lock", path)
			logged = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for lock %s: %w", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// unlock releases the lock.
func (l *fileLock) unlock() {
	// Closing the file releases the flock.
	l.f.Close()
}

// processIsServer reports whether pid is alive and is a postgres process
// running in dataDir, as opposed to a pid recorded by a server that has since
// died and been reused by some other process.
func processIsServer(pid int, dataDir string) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	if _, err := os.Stat(proc); err != nil {
		// No /proc to tell: trust that the live process is the server.
		return true
	}
	comm, err := os.ReadFile(filepath.Join(proc, "comm"))
	if err != nil {
		return false
	}
	if string(trimNL(comm)) != "postgres" {
		return false
	}
	// The postmaster works in its data directory. When we may look, check it.
	if cwd, err := os.Readlink(filepath.Join(proc, "cwd")); err == nil {
		want, err := filepath.EvalSymlinks(dataDir)
		if err == nil && cwd != want {
			return false
		}
	}
	return true
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
