package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// decode returns body decoded from the Content-Encoding enc.
func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	case "":
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return b
}

func TestWithEncoding(t *testing.T) {
	tests := []struct{ tag, enc, want string }{
		{`"abc"`, "br", `"abc-br"`},
		{`"abc"`, "gzip", `"abc-gz"`},
		{`"abc"`, "", `"abc"`},
		{`W/"b-1-20240101"`, "br", `W/"b-1-20240101-br"`},
		{`"abc-br"`, "br", `"abc-br"`}, // never twice
		{`"abc-gz"`, "br", `"abc-gz"`},
		{"", "br", ""},
	}
	for _, tt := range tests {
		if got := withEncoding(tt.tag, tt.enc); got != tt.want {
			t.Errorf("withEncoding(%s, %q) = %s, want %s", tt.tag, tt.enc, got, tt.want)
		}
	}
}

func TestNegotiatedHonoursQValues(t *testing.T) {
	tests := []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0.5, gzip;q=0.8", "gzip"},
		{"gzip;q=0.8, br;q=0.8", "br"}, // brotli when equal
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0, br;q=0", ""},
		{"*", "br"},
		{"*;q=0.1, gzip;q=0.5", "gzip"},
		{"identity", ""},
		{"deflate", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", tt.accept)
		if got := negotiated(r); got != tt.want {
			t.Errorf("Accept-Encoding %q: %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func TestAddVaryKeepsOneLine(t *testing.T) {
	h := http.Header{}
	h.Add("Vary", "Cookie")
	h.Add("Vary", "cookie, Accept-Encoding")
	addVary(h, "Accept-Encoding", "Origin")
	if got := h.Values("Vary"); len(got) != 1 || got[0] != "Cookie, Accept-Encoding, Origin" {
		t.Errorf("Vary = %q, want one line naming each field once", got)
	}
}

// TestCompressMiddleware checks what the middleware does with each kind of response, through a
// real net/http server so that HEAD and Content-Length are as a client sees them.
func TestCompressMiddleware(t *testing.T) {
	long := strings.Repeat("<p>Commitment 4.2 is on track.</p>\n", 200) // 7 KB of HTML
	handlers := map[string]http.HandlerFunc{
		"/page": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Add("Vary", "Cookie")
			w.Header().Add("Vary", "Cookie")
			w.Header().Set("ETag", `"page"`)
			_, _ = io.WriteString(w, long)
		},
		"/in-pieces": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for i := range 300 {
				_, _ = io.WriteString(w, `{"n":`+strconv.Itoa(i)+`},`)
			}
		},
		"/tiny": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, "ok\n")
		},
		"/image": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			_, _ = io.WriteString(w, long)
		},
		"/encoded": func(w http.ResponseWriter, r *http.Request) {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			_, _ = io.WriteString(zw, long)
			_ = zw.Close()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(b.Bytes())
		},
		"/range": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			http.ServeContent(w, r, "", time.Time{}, strings.NewReader(long))
		},
		"/not-found": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, long)
		},
	}
	mux := http.NewServeMux()
	for p, h := range handlers {
		mux.Handle(p, h)
	}
	srv := httptest.NewServer((&Server{}).compress(mux))
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	do := func(method, path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}

	tests := []struct {
		path, accept string
		wantEnc      string
		vary         string // want Vary, as one line
	}{
		{"/page", "gzip, br", "br", "Cookie, Accept-Encoding"},
		{"/page", "gzip", "gzip", "Cookie, Accept-Encoding"},
		{"/page", "", "", "Cookie, Accept-Encoding"},
		{"/in-pieces", "br", "br", "Accept-Encoding"},
		{"/tiny", "br", "", "Accept-Encoding"},
		{"/image", "br", "", ""},
		{"/not-found", "gzip", "gzip", "Accept-Encoding"},
	}
	for _, tt := range tests {
		plainRes, plain := do(http.MethodGet, tt.path)
		res, body := do(http.MethodGet, tt.path, "Accept-Encoding", tt.accept)
		if got := res.Header.Get("Content-Encoding"); got != tt.wantEnc {
			t.Errorf("%s with %q: Content-Encoding %q, want %q", tt.path, tt.accept, got, tt.wantEnc)
			continue
		}
		if got := decode(t, tt.wantEnc, body); !bytes.Equal(got, plain) {
			t.Errorf("%s with %q: decoded body differs from the plain one", tt.path, tt.accept)
		}
		if res.StatusCode != plainRes.StatusCode {
			t.Errorf("%s with %q: status %d, plain %d", tt.path, tt.accept, res.StatusCode, plainRes.StatusCode)
		}
		if got := res.Header.Values("Vary"); strings.Join(got, "|") != tt.vary {
			t.Errorf("%s with %q: Vary %q, want one line %q", tt.path, tt.accept, got, tt.vary)
		}
		if tt.wantEnc != "" && res.Header.Get("Content-Length") != "" && res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("%s with %q: Content-Length %s for %d bytes", tt.path, tt.accept, res.Header.Get("Content-Length"), len(body))
		}
		if tag := res.Header.Get("ETag"); tag != "" && tag != withEncoding(plainRes.Header.Get("ETag"), tt.wantEnc) {
			t.Errorf("%s with %q: ETag %s, plain %s", tt.path, tt.accept, tag, plainRes.Header.Get("ETag"))
		}
	}

	// What is encoded already is passed through as it is: decoding it once gives the page.
	res, body := do(http.MethodGet, "/encoded", "Accept-Encoding", "br, gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || string(decode(t, "gzip", body)) != long {
		t.Errorf("an encoded response was changed: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	// A range is a range of the plain bytes, never compressed.
	res, body = do(http.MethodGet, "/range", "Accept-Encoding", "br", "Range", "bytes=10-19")
	if res.StatusCode != http.StatusPartialContent || res.Header.Get("Content-Encoding") != "" || string(body) != long[10:20] {
		t.Errorf("range: status %d, Content-Encoding %q, body %q", res.StatusCode, res.Header.Get("Content-Encoding"), body)
	}
	// HEAD: the same headers as GET, and no body. A handler that writes no body for HEAD (as
	// http.ServeContent) gives no length to compress: HEAD then leaves Content-Length out, as
	// RFC 9110 (9.3.2) allows for a field known only once the content is made.
	for _, accept := range []string{"", "br"} {
		get, _ := do(http.MethodGet, "/range", "Accept-Encoding", accept)
		head, hb := do(http.MethodHead, "/range", "Accept-Encoding", accept)
		get.Header.Del("Date")
		head.Header.Del("Date")
		if accept != "" && head.Header.Get("Content-Length") == "" {
			get.Header.Del("Content-Length")
		}
		if len(hb) != 0 || !equalHeaders(get.Header, head.Header) {
			t.Errorf("HEAD with %q: %d bytes of body, headers\n%v\nGET\n%v", accept, len(hb), head.Header, get.Header)
		}
	}
}

// equalHeaders reports whether two headers have the same fields and values.
func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\x00") != strings.Join(b.Values(k), "\x00") {
			return false
		}
	}
	return true
}
