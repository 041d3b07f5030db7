package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"github.com/scottish-government/delivery-tracker/web"
)

// Responses are sent gzip or brotli compressed when the client asks for it in Accept-Encoding
// (brotli when it accepts both equally). Three kinds of response do it in their own way:
//
//   - public pages kept in the page cache are compressed once, when they are stored, and a cache
//     hit sends the stored bytes of the encoding asked for (see publicPage);
//   - downloads are served from files, with Range requests: each encoding is a file of its own in
//     the export cache, made from the plain file once per data version, so that a range is a range
//     of the bytes sent (see serveExport);
//   - static files are compressed once per process (web.StaticHandler).
//
// Everything else of a compressible type (HTML, CSV, JSON, Atom, XML, text) is compressed as it is
// written, by the compress middleware, unless its body is shorter than minCompressSize. A response
// that already says how it is encoded is passed through untouched, so nothing is compressed twice.
//
// Each encoding is a representation of its own, with an entity tag of its own: the tag of the
// plain bytes with "-gz" or "-br" added (withEncoding). Which suffix a response carries depends
// only on Accept-Encoding, never on the size of the body, so that a conditional request can be
// answered with 304 before the body is made: a body too small to compress is sent plain under the
// tag of the encoding asked for, which names those same bytes every time.

// minCompressSize is the smallest body worth compressing: below it, the encoding's framing and
// the work cost more than the bytes saved.
const minCompressSize = 1024

// Compression levels, chosen by measuring on the portal's pages and a CSV of national scale. Bodies
// compressed as they are sent take a fast level and a small brotli window (64 KiB: about 1 MB of
// memory a response); pages compressed once for the page cache a better level (about 2 ms for a
// 30 KB page); downloads, compressed once per data version but up to tens of megabytes, a level
// that goes at 10 to 30 MB/s, with a window of 256 KiB (a few megabytes of memory while it runs:
// larger windows took several times the memory for no smaller a file).
const (
	gzipStream      = 5
	brotliStream    = 5
	brotliStreamWin = 16
	gzipPage        = gzip.BestCompression
	brotliPage      = 6
	gzipLarge       = 5
	brotliLarge     = 5
	brotliLargeWin  = 18
	// largeBody is the size from which a body compressed once is compressed as a download.
	largeBody = 1 << 20
)

// negotiated returns the encoding a request's Accept-Encoding asks for: "br", "gzip" or "" for
// none. Every response chooses its encoding, and the suffix of its entity tag, with it.
func negotiated(r *http.Request) string {
	header := r.Header.Get("Accept-Encoding")
	if header == "" {
		return ""
	}
	if enc, ok := negotiations.Load(header); ok {
		return enc.(string)
	}
	enc := web.AcceptedEncoding(header, true, true)
	if negotiations.n.Load() < maxNegotiations {
		if _, loaded := negotiations.LoadOrStore(header, enc); !loaded {
			negotiations.n.Add(1)
		}
	}
	return enc
}

// etagSuffix is what an encoding adds to an entity tag.
func etagSuffix(enc string) string {
	switch enc {
	case "br":
		return "-br"
	case "gzip":
		return "-gz"
	}
	return ""
}

// withEncoding returns the entity tag of the representation of tag in the encoding: the same tag,
// weak or strong, with "-gz" or "-br" added inside the quotes. The plain encoding ("") keeps tag.
func withEncoding(tag, enc string) string {
	suffix := etagSuffix(enc)
	if suffix == "" || !strings.HasSuffix(tag, `"`) || hasEncodingSuffix(tag) {
		return tag
	}
	return tag[:len(tag)-1] + suffix + `"`
}

// hasEncodingSuffix reports whether an entity tag names an encoded representation already.
func hasEncodingSuffix(tag string) bool {
	t := strings.TrimSuffix(tag, `"`)
	return strings.HasSuffix(t, "-gz") || strings.HasSuffix(t, "-br")
}

// compressible reports whether a Content-Type is text that compresses well.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/json", "application/atom+xml", "application/xml", "application/javascript",
		"application/manifest+json", "image/svg+xml":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// addVary adds values to a response's Vary header, once each, keeping it to one header line.
func addVary(h http.Header, values ...string) {
	have := varyValues(h)
	for _, v := range values {
		if !containsFold(have, v) {
			have = append(have, v)
		}
	}
	if len(have) > 0 {
		h.Set("Vary", strings.Join(have, ", "))
	}
}

// mergeVary rewrites the Vary headers that middleware and handlers added, one or several lines,
// as one line naming each field once.
func mergeVary(h http.Header) {
	if len(h.Values("Vary")) > 0 {
		addVary(h)
	}
}

func varyValues(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Vary") {
		for _, v := range strings.Split(line, ",") {
			if v = strings.TrimSpace(v); v != "" && !containsFold(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// encoder is a gzip or brotli writer.
type encoder interface {
	io.WriteCloser
	Flush() error
	Reset(io.Writer)
}

var (
	gzipStreamPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzipStream); return w }}
	brotliStreamPool = sync.Pool{New: func() any {
		return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: brotliStream, LGWin: brotliStreamWin})
	}}
)

// streamEncoder returns a pooled encoder for enc writing to w; put it back with putStreamEncoder
// once it is closed.
func streamEncoder(enc string, w io.Writer) encoder {
	var e encoder
	if enc == "br" {
		e = brotliStreamPool.Get().(*brotli.Writer)
	} else {
		e = gzipStreamPool.Get().(*gzip.Writer)
	}
	e.Reset(w)
	return e
}

func putStreamEncoder(enc string, e encoder) {
	e.Reset(io.Discard)
	if enc == "br" {
		brotliStreamPool.Put(e)
	} else {
		gzipStreamPool.Put(e)
	}
}

// storedEncoder returns an encoder for enc at the level for a body of size bytes compressed once
// and kept, with a brotli window fitted to the body.
func storedEncoder(enc string, w io.Writer, size int64) encoder {
	large := size >= largeBody
	if enc == "br" {
		q, win := brotliPage, min(max(bits.Len64(uint64(size)), 16), 22)
		if large {
			q, win = brotliLarge, brotliLargeWin
		}
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: q, LGWin: win})
	}
	level := gzipPage
	if large {
		level = gzipLarge
	}
	zw, _ := gzip.NewWriterLevel(w, level)
	return zw
}

// encodeStored compresses body once with each encoding for keeping, returning nil for an
// encoding that does not make it smaller. Bodies shorter than minCompressSize are not compressed.
func encodeStored(body []byte) (gz, br []byte) {
	if len(body) < minCompressSize {
		return nil, nil
	}
	encode := func(enc string) []byte {
		var b bytes.Buffer
		e := storedEncoder(enc, &b, int64(len(body)))
		_, _ = e.Write(body)
		_ = e.Close()
		if b.Len() >= len(body) {
			return nil
		}
		return bytes.Clone(b.Bytes())
	}
	return encode("gzip"), encode("br")
}

// compress compresses, as they are written, the responses that nothing else has encoded, and
// keeps every response's Vary to one line.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &compressWriter{ResponseWriter: w, enc: negotiated(r), head: r.Method == http.MethodHead}
		// Not deferred: after a panic (http.ErrAbortHandler) the connection is dropped, and nothing
		// more is written to it.
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// The states of a compressWriter.
const (
	cwUndecided   = iota // no header yet
	cwPlain              // passing the response through
	cwHolding            // holding the body until it is long enough to compress, or ends
	cwCompressing        // compressing the body
)

// compressWriter compresses a response as it is written, when its type is compressible, nobody
// has encoded it already, and it turns out at least minCompressSize long.
type compressWriter struct {
	http.ResponseWriter
	enc    string // what the request accepts: "br", "gzip" or ""
	head   bool
	state  int
	status int
	held   []byte
	e      encoder
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *compressWriter) WriteHeader(status int) {
	switch c.state {
	case cwHolding:
		return // superfluous, and the first status is not sent yet
	case cwPlain, cwCompressing:
		c.ResponseWriter.WriteHeader(status) // superfluous: net/http says so
		return
	}
	if status >= 100 && status < 200 {
		c.ResponseWriter.WriteHeader(status)
		return
	}
	c.status = status
	h := c.Header()
	eligible := compressible(h.Get("Content-Type")) && h.Get("Content-Encoding") == "" &&
		h.Get("Content-Range") == "" && status != http.StatusNoContent &&
		status != http.StatusPartialContent && status != http.StatusNotModified
	if eligible {
		addVary(h, "Accept-Encoding")
	}
	if eligible && c.enc != "" {
		if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err != nil || n >= minCompressSize {
			c.state = cwHolding
			return
		}
	}
	c.sendHeader(cwPlain)
}

// sendHeader writes the header, with Vary on one line, and moves to state.
func (c *compressWriter) sendHeader(state int) {
	c.state = state
	mergeVary(c.Header())
	c.ResponseWriter.WriteHeader(c.status)
}

// startCompressing sends the header of a compressed response and the body held so far.
func (c *compressWriter) startCompressing() error {
	h := c.Header()
	h.Set("Content-Encoding", c.enc)
	h.Del("Content-Length")
	if tag := h.Get("ETag"); tag != "" {
		h.Set("ETag", withEncoding(tag, c.enc))
	}
	c.sendHeader(cwCompressing)
	c.e = streamEncoder(c.enc, c.ResponseWriter)
	held := c.held
	c.held = nil
	_, err := c.e.Write(held)
	return err
}

func (c *compressWriter) Write(p []byte) (int, error) {
	if c.state == cwUndecided {
		c.WriteHeader(http.StatusOK)
	}
	switch c.state {
	case cwHolding:
		c.held = append(c.held, p...)
		if len(c.held) >= minCompressSize {
			if err := c.startCompressing(); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	case cwCompressing:
		return c.e.Write(p)
	}
	return c.ResponseWriter.Write(p)
}

// Flush sends what has been written so far: a response still held is compressed from here on.
func (c *compressWriter) Flush() {
	if c.state == cwHolding {
		if err := c.startCompressing(); err != nil {
			return
		}
	}
	if c.state == cwCompressing {
		if err := c.e.Flush(); err != nil {
			return
		}
	}
	_ = http.NewResponseController(c.ResponseWriter).Flush()
}

// finish ends the response once the handler has returned.
func (c *compressWriter) finish() {
	switch c.state {
	case cwUndecided:
		// Nothing written: net/http sends the header as it stands.
		mergeVary(c.Header())
	case cwHolding:
		h := c.Header()
		if c.head && len(c.held) == 0 {
			// A HEAD whose handler wrote no body. Having said how long it would be, it gets what a
			// GET would: compressed, its length known only by compressing.
			if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && n >= minCompressSize {
				_ = c.startCompressing()
				putStreamEncoder(c.enc, c.e)
				c.e = nil
				return
			}
			c.sendHeader(cwPlain)
			return
		}
		// Too short to compress.
		h.Set("Content-Length", strconv.Itoa(len(c.held)))
		c.sendHeader(cwPlain)
		_, _ = c.ResponseWriter.Write(c.held)
		c.held = nil
	case cwCompressing:
		if err := c.e.Close(); err == nil {
			putStreamEncoder(c.enc, c.e)
		}
		c.e = nil
	}
}
