package main

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
)

// TestSameBuildSameETags builds the portal twice from the same source without VCS information,
// as a build outside git or with -buildvcs=false does, and runs both: instances of one build
// behind a load balancer must give a page the same ETag, or every revalidation that reaches
// another instance downloads the page again.
func TestSameBuildSameETags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the portal twice")
	}
	dbURL := dbtest.URL(t)
	var tags []string
	for i, dir := range []string{t.TempDir(), t.TempDir()} {
		bin := filepath.Join(dir, "portal")
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build %d: %v\n%s", i, err, out)
		}
		p := startPortalBinary(t, bin, dbURL)
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(p.url("/"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			t.Fatalf("GET / on build %d = %d with ETag %q, want 200 and an ETag", i, resp.StatusCode, resp.Header.Get("ETag"))
		}
		tags = append(tags, resp.Header.Get("ETag"))
	}
	if tags[0] != tags[1] {
		t.Errorf("ETags of / from two instances of one build = %s and %s, want the same", tags[0], tags[1])
	}
}
