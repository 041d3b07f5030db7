package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"math/bits"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// StaticPrefix is the URL path under which the embedded static files are
// served.
const StaticPrefix = "/static/"

// Cache-Control values. A request whose ?v= matches the file's content hash
// can be cached for a year without revalidation: a new build of the file gets
// a new URL. Anything else must be revalidated with the ETag.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "public, no-cache"
)

// versionLen is how many hex digits of the SHA-256 of a file go into its URL.
const versionLen = 12

//go:embed static
var embedded embed.FS

// staticFS is the embedded static directory, rooted at its contents.
var staticFS = mustSub(embedded, "static")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// asset is one embedded file, with its metadata computed once.
type asset struct {
	name        string // path relative to the static directory, e.g. "app.css"
	data        []byte
	sum         string // hex SHA-256 of data
	contentType string
	compress    bool // worth offering gzip and brotli encodings

	once sync.Once
	gz   []byte // nil when not smaller than data
	br   []byte // nil when not smaller than data
}

func (a *asset) version() string { return a.sum[:versionLen] }

// encoded returns the precompressed forms, computing them on first use only.
func (a *asset) encoded() (gz, br []byte) {
	a.once.Do(func() {
		if !a.compress {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(a.data)
		zw.Close()
		if b.Len() < len(a.data) {
			a.gz = bytes.Clone(b.Bytes())
		}
		b.Reset()
		// A window just big enough for the file compresses it as well as the default one and
		// takes a third of the memory (17 rather than 47 MB for the design system's stylesheet).
		bw := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: brotliWindow(len(a.data))})
		bw.Write(a.data)
		bw.Close()
		if b.Len() < len(a.data) {
			a.br = bytes.Clone(b.Bytes())
		}
	})
	return a.gz, a.br
}

// brotliWindow returns the base-2 logarithm of the smallest brotli window that holds n bytes.
func brotliWindow(n int) int {
	return min(max(bits.Len(uint(n)), 10), 24)
}

var (
	assetsOnce sync.Once
	assetIndex map[string]*asset
)

// assets returns the index of every embedded file, keyed by its clean path
// relative to the static directory. Only names in this index are ever served.
func assets() map[string]*asset {
	assetsOnce.Do(func() {
		assetIndex = make(map[string]*asset)
		err := fs.WalkDir(staticFS, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(staticFS, name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			ct, compress := contentType(name)
			assetIndex[name] = &asset{
				name:        name,
				data:        data,
				sum:         hex.EncodeToString(sum[:]),
				contentType: ct,
				compress:    compress,
			}
			return nil
		})
		if err != nil {
			panic(err)
		}
	})
	return assetIndex
}

// contentType gives the Content-Type for a file name and whether the type is
// text-like enough to be worth compressing.
func contentType(name string) (string, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".css":
		return "text/css; charset=utf-8", true
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8", true
	case ".svg":
		return "image/svg+xml", true
	case ".map", ".json":
		return "application/json", true
	case ".txt", "":
		return "text/plain; charset=utf-8", true
	case ".ico":
		return "image/vnd.microsoft.icon", true
	case ".png":
		return "image/png", false
	case ".jpg", ".jpeg":
		return "image/jpeg", false
	case ".gif":
		return "image/gif", false
	case ".webp":
		return "image/webp", false
	case ".woff2":
		return "font/woff2", false
	case ".woff":
		return "font/woff", false
	default:
		return "application/octet-stream", false
	}
}

// Precompress compresses every compressible static file now, so that no visitor waits for it:
// brotli at its best compression takes about a second for the design system's stylesheet. The
// portal calls it in the background as it starts; files compress once whoever asks first.
func Precompress() {
	for _, a := range assets() {
		a.encoded()
	}
}

// AssetPath returns the URL of an embedded static file, given its path
// relative to web/static, with a query string that changes whenever the
// file's content does, for example
// "/static/ds/css/design-system.min.css?v=0123456789ab".
// Such URLs are served with a one-year immutable cache lifetime. A name that
// is not embedded gets its plain URL, which will answer 404.
func AssetPath(name string) string {
	name = strings.TrimPrefix(name, "/")
	if a, ok := assets()[name]; ok {
		return StaticPrefix + name + "?v=" + a.version()
	}
	return StaticPrefix + name
}

// StaticHandler serves the embedded static files. Mount it at "/static/"
// without stripping the prefix (with chi: r.Handle("/static/*", h)); it also
// works behind http.StripPrefix("/static", h).
//
// Only files that exist in the embedded directory are served; anything else,
// including directories and paths with "..", gets notFound (http.NotFound
// when nil). CSS, JS, SVG and other text files are sent gzip or brotli
// compressed when the client accepts it, compressed once per process.
func StaticHandler(notFound http.Handler) http.Handler {
	if notFound == nil {
		notFound = http.HandlerFunc(http.NotFound)
	}
	index := assets()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := index[staticName(r.URL.Path)]
		if !ok {
			notFound.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		serveAsset(w, r, a)
	})
}

// staticName turns a request path into a key of the asset index, or "" when
// it cannot name an embedded file.
func staticName(p string) string {
	if rest, ok := strings.CutPrefix(p, StaticPrefix); ok {
		p = rest
	} else {
		p = strings.TrimPrefix(p, "/")
	}
	if p == "" || strings.ContainsAny(p, "\\\x00") || !fs.ValidPath(p) {
		return ""
	}
	return p
}

func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	h := w.Header()
	if r.URL.Query().Get("v") == a.version() {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheRevalidate)
	}
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")

	body, etag := a.data, a.sum[:32]
	if a.compress {
		h.Add("Vary", "Accept-Encoding")
		gz, br := a.encoded()
		switch AcceptedEncoding(r.Header.Get("Accept-Encoding"), br != nil, gz != nil) {
		case "br":
			body, etag = br, etag+"-br"
			h.Set("Content-Encoding", "br")
		case "gzip":
			body, etag = gz, etag+"-gz"
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", `"`+etag+`"`)
	// ServeContent answers If-None-Match (304), HEAD and Range requests. It leaves Content-Length
	// out of a whole response with a Content-Encoding (since Go 1.23), which would send a large
	// file chunked and a HEAD without its length: the length is known, so say it.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

// AcceptedEncoding picks "br", "gzip" or "" (identity) from an
// Accept-Encoding header, honouring q=0 refusals and preferring brotli.
func AcceptedEncoding(header string, haveBr, haveGzip bool) string {
	if header == "" {
		return ""
	}
	q := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		weight := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					weight = f
				}
			}
		}
		q[coding] = weight
	}
	accepts := func(coding string) float64 {
		if w, ok := q[coding]; ok {
			return w
		}
		if w, ok := q["*"]; ok {
			return w
		}
		return 0
	}
	brQ, gzQ := 0.0, 0.0
	if haveBr {
		brQ = accepts("br")
	}
	if haveGzip {
		gzQ = accepts("gzip")
		if w, ok := q["x-gzip"]; ok && w > gzQ {
			gzQ = w
		}
	}
	switch {
	case brQ > 0 && brQ >= gzQ:
		return "br"
	case gzQ > 0:
		return "gzip"
	}
	return ""
}

// StaticDigest returns a hex SHA-256 over the names and contents of every embedded static file:
// the same in every process built from the same files.
func StaticDigest() string {
	index := assets()
	names := make([]string, 0, len(index))
	for n := range index {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "\x00" + index[n].sum + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
