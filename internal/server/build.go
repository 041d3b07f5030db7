package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"

	"github.com/scottish-government/delivery-tracker/migrations"
	"github.com/scottish-government/delivery-tracker/web"
)

// BuildStamp, when set at link time (go build -ldflags "-X <this package>.BuildStamp=..."),
// names the build and is used as is.
var BuildStamp string

// build identifies the code that renders the pages, the same in every instance of one build so
// that instances behind a load balancer give the same ETags: the stamp set at link time; else the
// VCS revision the binary was built from, when the tree was clean; else a digest of the
// executable itself, which holds the compiled templates, the embedded files and the build
// settings; else, when the executable cannot be read, a digest of the embedded static files and
// migrations and the module's build information. Nothing in it comes from the process.
var build = sync.OnceValue(func() string {
	if BuildStamp != "" {
		return BuildStamp
	}
	info, _ := debug.ReadBuildInfo()
	if info != nil {
		var rev string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" && !modified {
			return rev[:min(len(rev), 12)]
		}
	}
	if sum, err := executableDigest(); err == nil {
		return "x" + sum[:12]
	}
	h := sha256.New()
	h.Write([]byte(web.StaticDigest()))
	_ = fs.WalkDir(migrations.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, name)
		h.Write([]byte(name + "\x00"))
		h.Write(b)
		return err
	})
	if info != nil {
		h.Write([]byte(info.String()))
	}
	return "e" + hex.EncodeToString(h.Sum(nil))[:12]
})

// executableDigest returns the hex SHA-256 of the running program's file.
func executableDigest() (string, error) {
	// On Linux /proc/self/exe is the file this process runs even after a deployment has put a
	// new binary at its path.
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		path, err := os.Executable()
		if err != nil {
			return "", err
		}
		if f, err = os.Open(path); err != nil {
			return "", err
		}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Build returns the identity of this build that goes into every ETag. Call it as the program
// starts, so that it reads the executable before any deployment can replace it.
func Build() string { return build() }
