package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

const dsCSS = "ds/css/design-system.min.css"

func fileSum(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(staticFS, name)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAssetPath(t *testing.T) {
	want := "/static/" + dsCSS + "?v=" + fileSum(t, dsCSS)[:12]
	if got := AssetPath(dsCSS); got != want {
		t.Errorf("AssetPath(%q) = %q, want %q", dsCSS, got, want)
	}
	if got := AssetPath("/app.css"); !strings.HasPrefix(got, "/static/app.css?v=") {
		t.Errorf("AssetPath with a leading slash = %q", got)
	}
	if got := AssetPath("missing.css"); got != "/static/missing.css" {
		t.Errorf("AssetPath of a missing file = %q, want the plain path", got)
	}
}

func TestStaticServesVersionedFileImmutably(t *testing.T) {
	h := StaticHandler(nil)
	res := get(t, h, http.MethodGet, AssetPath(dsCSS), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := res.Header.Get("Content-Type"); got != "text/css; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := res.Header.Get("ETag"); got != `"`+fileSum(t, dsCSS)[:32]+`"` {
		t.Errorf("ETag = %q", got)
	}
	if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary = %q", got)
	}
	if got := res.Header.Get("Content-Encoding"); got != "" {
		t.Errorf("Content-Encoding = %q without Accept-Encoding", got)
	}
	want, _ := fs.ReadFile(staticFS, dsCSS)
	if !bytes.Equal(body(t, res), want) {
		t.Error("body differs from the embedded file")
	}
}

func TestStaticCachesUnversionedOrStaleURLsBriefly(t *testing.T) {
	h := StaticHandler(nil)
	for _, target := range []string{"/static/" + dsCSS, "/static/" + dsCSS + "?v=000000000000"} {
		res := get(t, h, http.MethodGet, target, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", target, res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, no-cache" {
			t.Errorf("%s: Cache-Control = %q", target, got)
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("%s: no ETag", target)
		}
	}
}

func TestStaticContentTypes(t *testing.T) {
	h := StaticHandler(nil)
	for name, want := range map[string]string{
		"app.css":                           "text/css; charset=utf-8",
		"app.js":                            "text/javascript; charset=utf-8",
		"ds/scripts/design-system.js":       "text/javascript; charset=utf-8",
		"ds/images/icons/icons.stack.svg":   "image/svg+xml",
		"favicon.svg":                       "image/svg+xml",
		"ds/css/design-system.min.css.map":  "application/json",
		"ds/LICENSE.txt":                    "text/plain; charset=utf-8",
		"ds/images/documents/svg/excel.svg": "image/svg+xml",
	} {
		res := get(t, h, http.MethodGet, AssetPath(name), nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type = %q, want %q", name, got, want)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", name, got)
		}
	}
}

func TestStaticCompression(t *testing.T) {
	h := StaticHandler(nil)
	want, _ := fs.ReadFile(staticFS, dsCSS)
	plainETag := get(t, h, http.MethodGet, AssetPath(dsCSS), nil).Header.Get("ETag")

	tests := []struct {
		accept, encoding string
	}{
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"br;q=0.5, gzip;q=0.8", "gzip"},
		{"*", "br"},
		{"gzip;q=0, br;q=0", ""},
		{"identity", ""},
		{"deflate", ""},
	}
	for _, tt := range tests {
		res := get(t, h, http.MethodGet, AssetPath(dsCSS), map[string]string{"Accept-Encoding": tt.accept})
		if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding = %q, want %q", tt.accept, got, tt.encoding)
			continue
		}
		if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary = %q", tt.accept, got)
		}
		etag := res.Header.Get("ETag")
		if (tt.encoding == "") != (etag == plainETag) {
			t.Errorf("Accept-Encoding %q: ETag %s, plain %s: each encoding needs its own", tt.accept, etag, plainETag)
		}
		raw := body(t, res)
		var r io.Reader = bytes.NewReader(raw)
		switch tt.encoding {
		case "gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "br":
			r = brotli.NewReader(r)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("Accept-Encoding %q: %v", tt.accept, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the file", tt.accept)
		}
		if tt.encoding != "" && len(raw) >= len(want) {
			t.Errorf("Accept-Encoding %q: %d bytes is no smaller than %d", tt.accept, len(raw), len(want))
		}
	}
}

func TestStaticCompressesOnce(t *testing.T) {
	a := assets()[dsCSS]
	gz1, br1 := a.encoded()
	gz2, br2 := a.encoded()
	if len(gz1) == 0 || len(br1) == 0 {
		t.Fatal("no compressed forms for the CSS")
	}
	if &gz1[0] != &gz2[0] || &br1[0] != &br2[0] {
		t.Error("compressed forms were computed again")
	}
}

func TestStaticDoesNotCompressWhatCannotShrink(t *testing.T) {
	a := &asset{name: "x.png", data: []byte("x"), compress: false}
	if gz, br := a.encoded(); gz != nil || br != nil {
		t.Error("compressed a type that is not compressible")
	}
}

func TestStaticNotModified(t *testing.T) {
	h := StaticHandler(nil)
	first := get(t, h, http.MethodGet, AssetPath("app.css"), map[string]string{"Accept-Encoding": "gzip"})
	etag := first.Header.Get("ETag")
	res := get(t, h, http.MethodGet, AssetPath("app.css"), map[string]string{
		"Accept-Encoding": "gzip",
		"If-None-Match":   etag,
	})
	if res.StatusCode != http.StatusNotModified {
		t.Fatalf("status %d, want 304", res.StatusCode)
	}
	if len(body(t, res)) != 0 {
		t.Error("304 with a body")
	}
	if res.Header.Get("ETag") != etag {
		t.Errorf("304 ETag = %q, want %q", res.Header.Get("ETag"), etag)
	}
	// The gzip ETag does not match the identity representation.
	res = get(t, h, http.MethodGet, AssetPath("app.css"), map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusOK {
		t.Errorf("identity request with the gzip ETag: status %d, want 200", res.StatusCode)
	}
}

func TestStaticHead(t *testing.T) {
	res := get(t, StaticHandler(nil), http.MethodHead, AssetPath("app.js"), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if len(body(t, res)) != 0 {
		t.Error("HEAD with a body")
	}
	if res.Header.Get("Content-Length") == "" {
		t.Error("HEAD without Content-Length")
	}
}

func TestStaticMethodNotAllowed(t *testing.T) {
	res := get(t, StaticHandler(nil), http.MethodPost, AssetPath("app.js"), nil)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("status %d, want 405", res.StatusCode)
	}
	if got := res.Header.Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow = %q", got)
	}
}

func TestStaticNotFound(t *testing.T) {
	h := StaticHandler(nil)
	for _, target := range []string{
		"/static/",
		"/static",
		"/static/ds",
		"/static/ds/",
		"/static/ds/css/",
		"/static/nothing.css",
		"/static/../static.go",
		"/static/ds/../../static.go",
		"/static/ds/../app.css",
		"/static/./app.css",
		"/static//app.css",
		"/static/%2e%2e/static.go",
		"/static/ds%2f..%2f..%2fstatic.go",
		"/static/..%5cstatic.go",
		"/static/ds\\css\\design-system.min.css",
		"/static/app.css/",
		"/static/app.css%00",
		"/static/static/app.css",
		"/static.go",
		"/go.mod",
	} {
		res := get(t, h, http.MethodGet, target, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, res.StatusCode)
		}
		if b := string(body(t, res)); strings.Contains(b, "<a href") || strings.Contains(b, "package web") {
			t.Errorf("%s: body looks like a listing or source: %.80q", target, b)
		}
	}
}

func TestStaticCustomNotFound(t *testing.T) {
	nf := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "custom")
	})
	res := get(t, StaticHandler(nf), http.MethodGet, "/static/missing", nil)
	if res.StatusCode != http.StatusNotFound || string(body(t, res)) != "custom" {
		t.Errorf("got %d %q, want the custom not-found handler", res.StatusCode, "")
	}
}

func TestStaticBehindStripPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static", StaticHandler(nil)))
	res := get(t, mux, http.MethodGet, AssetPath("app.css"), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("Cache-Control = %q", got)
	}
}

// Whatever the CSS files refer to by relative URL (fonts, images) must be
// embedded too.
func TestCSSReferencesResolve(t *testing.T) {
	urlRe := regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)
	for name := range assets() {
		if path.Ext(name) != ".css" {
			continue
		}
		data, _ := fs.ReadFile(staticFS, name)
		for _, m := range urlRe.FindAllStringSubmatch(string(data), -1) {
			ref := m[1]
			if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") || strings.Contains(ref, "//") {
				continue
			}
			ref, _, _ = strings.Cut(ref, "?")
			ref, _, _ = strings.Cut(ref, "#")
			target := path.Join(path.Dir(name), ref)
			if strings.HasPrefix(ref, "/static/") {
				target = strings.TrimPrefix(ref, "/static/")
			}
			if _, ok := assets()[target]; !ok {
				t.Errorf("%s refers to %s, which is not embedded", name, m[1])
			}
		}
	}
}

func TestDesignSystemAssetsEmbedded(t *testing.T) {
	for _, name := range []string{
		dsCSS,
		"ds/scripts/design-system.js",
		"ds/images/icons/icons.stack.svg",
		"ds/LICENSE.txt",
		"app.css",
		"app.js",
		"images/ogl.svg",
		"favicon.svg",
	} {
		if _, ok := assets()[name]; !ok {
			t.Errorf("%s is not embedded", name)
		}
	}
}

// web/static/ds must be what `make assets` copies from the pinned package:
// bumping the version in package.json without running it fails here.
func TestDesignSystemMatchesPinnedVersion(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	raw, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	pinned := pkg.Dependencies["@scottish-government/design-system"]
	copied, err := fs.ReadFile(staticFS, "ds/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(copied)); got != pinned {
		t.Errorf("web/static/ds is design system %s but package.json pins %s: run make assets", got, pinned)
	}

	// Where the package is installed, the copies must be identical.
	dist := "node_modules/@scottish-government/design-system/dist"
	if _, err := os.Stat(dist); err != nil {
		t.Skip("design system package not installed")
	}
	for name := range assets() {
		rel, ok := strings.CutPrefix(name, "ds/")
		if !ok || rel == "VERSION" {
			continue
		}
		src := path.Join(dist, rel)
		if rel == "LICENSE.txt" {
			src = path.Join(dist, "..", rel)
		}
		want, err := os.ReadFile(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(assets()[name].data, want) {
			t.Errorf("%s differs from %s: run make assets", name, src)
		}
	}
}

func TestPrecompress(t *testing.T) {
	Precompress()
	for name, a := range assets() {
		if !a.compress {
			continue
		}
		// Compressed already: the forms are there without asking for them.
		if a.gz == nil && a.br == nil && len(a.data) > 1024 {
			t.Errorf("%s (%d bytes) was not compressed", name, len(a.data))
		}
	}
}
