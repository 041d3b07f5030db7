package server_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/scottish-government/delivery-tracker/internal/dbtest"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/server"
)

// TestSlowDownloadsDoNotPinThePool makes /updates.csv several megabytes, larger than what the
// sockets between a client and the server buffer, and has 20 clients ask for it over TCP and
// never read a byte. The pool has 4 connections, as on a two-core machine. While the 20 wait,
// no connection stays taken, and the overview, a commitment's page and a text search the server
// has not seen before all answer 200 well within the request timeout.
func TestSlowDownloadsDoNotPinThePool(t *testing.T) {
	ctx := t.Context()
	pool, err := postgres.Open(ctx, dbtest.URL(t), postgres.Config{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := pool.Exec(ctx, `
		INSERT INTO updates (commitment_id, state, status, narrative, published_at)
		SELECT c.id, 'published', 'on_track',
		       'Progress report ' || g.i || ': ' || repeat('the work continues to plan and on budget; ', 12),
		       timestamptz '2025-01-01' + g.i * interval '1 minute'
		FROM generate_series(1, 20000) AS g (i)
		JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n
		      FROM commitments WHERE retired_at IS NULL) c ON c.k = g.i % c.n`); err != nil {
		t.Fatal(err)
	}

	var active atomic.Int32
	ts := httptest.NewUnstartedServer(server.New(server.Config{Store: postgres.New(pool, postgres.WithClock(nowFunc(fixedNow))), Now: nowFunc(fixedNow),
		ExportCacheDir: t.TempDir()}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateActive {
			active.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close) // after the clients below have gone: Close waits for their requests

	const stalled = 20
	for range stalled {
		c, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		_ = c.(*net.TCPConn).SetReadBuffer(4096)
		if _, err := io.WriteString(c, "GET /updates.csv HTTP/1.1\r\nHost: "+ts.Listener.Addr().String()+"\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); active.Load() < stalled; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d downloads reached the server", active.Load(), stalled)
		}
	}

	// Once the export is made, no connection is taken while the clients do not read.
	var taken int32
	asked := time.Now()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if taken = pool.Stat().AcquiredConns(); taken == 0 {
			t.Logf("no connection taken %s after the downloads were asked for", time.Since(asked).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%d of the pool's 4 connections still taken 15s after %d clients asked for /updates.csv and did not read",
				taken, stalled)
			break
		}
	}

	// Plain, as the stalled clients ask: Go's client would ask for gzip by itself, and the first
	// gzip download of the export waits for it to be compressed, which is not what this tests.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	for _, path := range []string{"/", "/commitments/4.2", "/commitments?q=digital+services", "/plans/2023-24/commitments?q=workforce"} {
		start := time.Now()
		res, err := client.Get(ts.URL + path)
		if err != nil {
			t.Errorf("GET %s while %d downloads stall: %v (after %s; pool: %d of 4 taken)", path, stalled, err,
				time.Since(start).Round(time.Millisecond), pool.Stat().AcquiredConns())
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		took := time.Since(start)
		t.Logf("GET %s: %d in %s", path, res.StatusCode, took.Round(time.Millisecond))
		if res.StatusCode != http.StatusOK || took > 5*time.Second {
			t.Errorf("GET %s while %d downloads stall = %d after %s, want 200 well within the request timeout",
				path, stalled, res.StatusCode, took.Round(time.Millisecond))
		}
	}

	// The case means something only if the download is larger than the sockets can hold.
	res, err := client.Get(ts.URL + "/updates.csv")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if n < 8<<20 {
		t.Errorf("/updates.csv is %d bytes: too small to fill the sockets, so the case tests nothing", n)
	}
	t.Logf("/updates.csv: %.1f MB", float64(n)/(1<<20))
}

// TestExportRangeAndValidators checks that an export answers a Range request with the bytes
// asked for, a matching If-None-Match with 304, a HEAD with the headers of a GET, and that
// asking twice gives the same bytes: plain and in each encoding. A compressed download is a file
// of its own, so a range is a range of the bytes sent, and each encoding has its own tag.
func TestExportRangeAndValidators(t *testing.T) {
	t.Parallel()
	e := newFinderEnv(t, fixedNow, 40)
	for _, path := range []string{"/updates.csv", "/updates.json", "/commitments.csv?status=on_track", "/plans/2023-24/commitments.json"} {
		plain := fetch(t, e.h, path).Body.Bytes()
		tags := map[string]string{}
		for _, enc := range []string{"", "gzip", "br"} {
			t.Run(path+" "+enc, func(t *testing.T) {
				get := func(headers ...string) *httptest.ResponseRecorder {
					return fetch(t, e.h, path, append([]string{"Accept-Encoding", enc}, headers...)...)
				}
				full := get()
				body := full.Body.Bytes()
				if full.Code != http.StatusOK || len(body) < 100 {
					t.Fatalf("GET %s = %d with %d bytes", path, full.Code, len(body))
				}
				if got := full.Header().Get("Content-Encoding"); got != enc {
					t.Fatalf("Content-Encoding %q, want %q", got, enc)
				}
				if !bytes.Equal(decodeBody(t, enc, body), plain) {
					t.Fatalf("the %q download does not decode to the plain one", enc)
				}
				if got := full.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
					t.Errorf("Content-Length %q, body %d bytes", got, len(body))
				}
				if got := full.Header().Values("Vary"); len(got) != 1 || got[0] != "Cookie, Accept-Encoding" {
					t.Errorf("Vary %q, want Cookie, Accept-Encoding", got)
				}
				if again := get(); !bytes.Equal(again.Body.Bytes(), body) {
					t.Errorf("a second GET gives other bytes")
				}
				tag := full.Header().Get("ETag")
				if other := tags[tag]; other != "" {
					t.Errorf("ETag %s is that of the %s download too", tag, other)
				}
				tags[tag] = enc + " "

				part := get("Range", "bytes=10-59")
				if part.Code != http.StatusPartialContent || !bytes.Equal(part.Body.Bytes(), body[10:60]) ||
					part.Header().Get("Content-Range") != fmt.Sprintf("bytes 10-59/%d", len(body)) ||
					part.Header().Get("Content-Encoding") != enc {
					t.Errorf("Range bytes=10-59: %d, Content-Range %q, %q; want 206 and %q", part.Code,
						part.Header().Get("Content-Range"), part.Body.Bytes(), body[10:60])
				}
				tail := get("Range", "bytes=-20", "If-Range", tag)
				if tail.Code != http.StatusPartialContent || !bytes.Equal(tail.Body.Bytes(), body[len(body)-20:]) {
					t.Errorf("Range of the last 20 bytes If-Range the tag: %d %q", tail.Code, tail.Body.Bytes())
				}
				if stale := get("Range", "bytes=0-9", "If-Range", `"old"`); stale.Code != http.StatusOK ||
					!bytes.Equal(stale.Body.Bytes(), body) {
					t.Errorf("Range If-Range another tag: %d with %d bytes, want 200 and the whole", stale.Code, stale.Body.Len())
				}
				if rec := get("Range", fmt.Sprintf("bytes=%d-", len(body)+10)); rec.Code != http.StatusRequestedRangeNotSatisfiable {
					t.Errorf("Range past the end: %d, want 416", rec.Code)
				}
				if rec := get("If-None-Match", tag, "Range", "bytes=0-9"); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 ||
					rec.Header().Get("ETag") != tag {
					t.Errorf("If-None-Match the tag: %d with %d bytes, ETag %q, want 304", rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
				}

				req := httptest.NewRequest(http.MethodHead, path, nil)
				req.Header.Set("Accept-Encoding", enc)
				head := httptest.NewRecorder()
				e.h.ServeHTTP(head, req)
				if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != tag ||
					head.Header().Get("Content-Length") != strconv.Itoa(len(body)) ||
					head.Header().Get("Content-Encoding") != enc ||
					head.Header().Get("Content-Type") != full.Header().Get("Content-Type") ||
					head.Header().Get("Content-Disposition") != full.Header().Get("Content-Disposition") {
					t.Errorf("HEAD = %d with %d bytes, headers %v; GET's %v", head.Code, head.Body.Len(), head.Header(), full.Header())
				}
			})
		}
	}
}

// decodeBody returns body decoded from the Content-Encoding enc.
func decodeBody(t testing.TB, enc string, body []byte) []byte {
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
