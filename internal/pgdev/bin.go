package pgdev

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ErrNoServer is returned, wrapped, when no PostgreSQL server binaries
// (initdb, pg_ctl and postgres side by side) can be found.
var ErrNoServer = errors.New("PostgreSQL server binaries not found: run `make run` as root to install Debian's postgresql, or set DATABASE_URL")

// debianRoot is where Debian's postgresql-NN packages put their binaries, one
// directory per major version. A variable so that tests can point it elsewhere.
var debianRoot = "/usr/lib/postgresql"

// serverTools are the programs a cluster needs, all from the same directory.
var serverTools = []string{"initdb", "pg_ctl", "postgres"}

// FindBinDir returns the directory holding the PostgreSQL server binaries
// (initdb, pg_ctl and postgres). It looks first for pg_ctl on PATH (following
// symbolic links to the directory of the real binaries), then in
// /usr/lib/postgresql/*/bin, preferring the highest major version. The error
// wraps ErrNoServer when there are none.
func FindBinDir() (string, error) {
	return findBinDir("")
}

// findBinDir is FindBinDir restricted to one major version when major is not
// empty: a data directory can only be run by the major version that created it.
func findBinDir(major string) (string, error) {
	candidates := binDirCandidates()
	for _, dir := range candidates {
		if major == "" {
			return dir, nil
		}
		if v, err := binDirMajor(dir); err == nil && v == major {
			return dir, nil
		}
	}
	if len(candidates) == 0 {
		return "", ErrNoServer
	}
	if major != "" {
		return "", fmt.Errorf("no PostgreSQL %s server binaries for this data directory (found only %s): install Debian's postgresql-%s, or remove the data directory to start afresh",
			major, strings.Join(candidates, ", "), major)
	}
	return candidates[0], nil
}

// binDirCandidates lists, best first and without duplicates, the directories
// that hold all of serverTools.
func binDirCandidates() []string {
	var dirs []string
	seen := map[string]bool{}
	add := func(dir string) {
		if dir == "" || seen[dir] || !hasServerTools(dir) {
			return
		}
		seen[dir] = true
		dirs = append(dirs, dir)
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			add(filepath.Dir(real))
		}
	}
	matches, _ := filepath.Glob(filepath.Join(debianRoot, "*", "bin"))
	sort.Slice(matches, func(i, j int) bool {
		return versionKey(matches[i]) > versionKey(matches[j])
	})
	for _, m := range matches {
		if real, err := filepath.EvalSymlinks(m); err == nil {
			add(real)
		}
	}
	return dirs
}

// versionKey orders /usr/lib/postgresql/NN/bin by NN numerically (so 10
// comes after 9), ignoring anything that is not a number.
func versionKey(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return -1
	}
	return v
}

func hasServerTools(dir string) bool {
	for _, tool := range serverTools {
		info, err := os.Stat(filepath.Join(dir, tool))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(\.\d+)?`)

// binDirMajor asks the postgres binary in dir for its major version, as
// written in a data directory's PG_VERSION ("15", or "9.6" for old ones).
func binDirMajor(dir string) (string, error) {
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", filepath.Join(dir, "postgres"), err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("unexpected version output %q", strings.TrimSpace(string(out)))
	}
	if n, _ := strconv.Atoi(m[1]); n < 10 {
		return m[1] + m[2], nil
	}
	return m[1], nil
}
