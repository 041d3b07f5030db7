package pgdev

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the Go module whose checkout holds the project's cluster.
const ModulePath = "github.com/scottish-government/delivery-tracker"

// DefaultDir returns the project's cluster directory, .data/postgres in the
// root of the checkout: the nearest directory at or above the working
// directory whose go.mod declares ModulePath. It fails outside a checkout,
// where a database must be given with DATABASE_URL instead.
func DefaultDir() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".data", "postgres"), nil
}

// ModuleRoot returns the root of the checkout that holds the working
// directory, found by walking up to the go.mod that declares ModulePath.
func ModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if declaresModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		if dir == filepath.Dir(dir) {
			return "", fmt.Errorf("%s is not inside a checkout of %s (no go.mod declaring it above it): set DATABASE_URL", wd, ModulePath)
		}
	}
}

// declaresModule reports whether the go.mod at path declares ModulePath.
func declaresModule(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`) == ModulePath
		}
	}
	return false
}
