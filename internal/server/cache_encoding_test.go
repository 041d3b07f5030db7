package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// TestPageCacheKeepsEncodedForms checks that a public page is compressed once, when it is stored:
// the cache entry holds the plain, gzip and brotli bytes, each decoding to the page, and a cache
// hit sends the stored bytes of the encoding asked for, not a new compression of the page.
func TestPageCacheKeepsEncodedForms(t *testing.T) {
	t.Parallel()
	s := newServer(Config{Store: postgres.New(dbtest.Pool(t))})
	h := s.routes()
	get := func(accept string, header ...string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", accept)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	stored := func() cachedPage {
		t.Helper()
		s.pages.mu.Lock()
		defer s.pages.mu.Unlock()
		e, ok := s.pages.pages["/"]
		if !ok {
			t.Fatal("the overview is not in the page cache")
		}
		return e.page
	}

	first := get("gzip, br") // rendered, compressed and stored
	if first.Code != http.StatusOK || first.Header().Get("Content-Encoding") != "br" {
		t.Fatalf("GET / with brotli: %d, Content-Encoding %q", first.Code, first.Header().Get("Content-Encoding"))
	}
	page := stored()
	plain := get("")
	if !bytes.Equal(plain.Body.Bytes(), page.body) {
		t.Fatal("the plain page sent is not the page stored")
	}
	if page.gz == nil || page.br == nil || len(page.br) >= len(page.body) || len(page.gz) >= len(page.body) {
		t.Fatalf("stored %d plain, %d gzip, %d brotli bytes: want both encodings, smaller", len(page.body), len(page.gz), len(page.br))
	}
	if !bytes.Equal(first.Body.Bytes(), page.br) {
		t.Error("the brotli page sent is not the one stored")
	}
	for enc, b := range map[string][]byte{"gzip": page.gz, "br": page.br} {
		if !bytes.Equal(decode(t, enc, b), page.body) {
			t.Errorf("the stored %s page does not decode to the plain one", enc)
		}
	}

	// Each encoding has its own tag, and answers If-None-Match with its own.
	tags := map[string]string{}
	for _, enc := range []string{"", "gzip", "br"} {
		rec := get(enc)
		tag := rec.Header().Get("ETag")
		if tag == "" || tags[tag] != "" {
			t.Fatalf("%q: ETag %q, already that of %q", enc, tag, tags[tag])
		}
		tags[tag] = enc + " "
		if nm := get(enc, "If-None-Match", tag); nm.Code != http.StatusNotModified || nm.Header().Get("ETag") != tag {
			t.Errorf("%q with its own tag: %d, ETag %q, want 304 with %q", enc, nm.Code, nm.Header().Get("ETag"), tag)
		}
		if rec.Header().Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
			t.Errorf("%q: Content-Length %s for %d bytes", enc, rec.Header().Get("Content-Length"), rec.Body.Len())
		}
	}
	if nm := get("br", "If-None-Match", plain.Header().Get("ETag")); nm.Code != http.StatusOK {
		t.Errorf("brotli asked for with the plain page's tag: %d, want 200 (another representation)", nm.Code)
	}

	// A hit sends the stored bytes as they are: put other brotli bytes in the entry, and they are
	// what the next request gets.
	var marker bytes.Buffer
	bw := brotli.NewWriter(&marker)
	_, _ = bw.Write([]byte("the bytes the cache holds"))
	_ = bw.Close()
	s.pages.mu.Lock()
	e := s.pages.pages["/"]
	e.page.br = marker.Bytes()
	s.pages.pages["/"] = e
	s.pages.mu.Unlock()
	hit := get("br")
	if !bytes.Equal(hit.Body.Bytes(), marker.Bytes()) || hit.Header().Get("Content-Encoding") != "br" {
		t.Errorf("a cache hit sent %d bytes, not the %d stored", hit.Body.Len(), marker.Len())
	}
	if gz := get("gzip"); !bytes.Equal(gz.Body.Bytes(), page.gz) {
		t.Error("a gzip cache hit did not send the stored gzip bytes")
	}
}
