package main

// The plain net/http server the cached pages are compared with: the same bytes, from memory, on a
// listener of its own, with no middleware.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// deployedAccept is the Accept-Encoding a browser sends to a site served over HTTPS (Chrome and
// Firefox both send it), as the portal is deployed: the portal answers it with brotli.
const deployedAccept = "gzip, deflate, br, zstd"

// capturedResponse is one response of the portal, headers and body, as a client got it.
type capturedResponse struct {
	header http.Header
	body   []byte
}

// capture asks the portal for path as a browser would, with Accept-Encoding, and keeps the
// response as it came: compressed, with every header. The transport does not decompress.
func capture(base, path string) (int, capturedResponse, error) {
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		return 0, capturedResponse{}, err
	}
	req.Header.Set("Accept-Encoding", deployedAccept)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return 0, capturedResponse{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, capturedResponse{}, err
	}
	h := resp.Header.Clone()
	h.Del("Date") // net/http adds its own
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return resp.StatusCode, capturedResponse{header: h, body: body}, nil
}

// plainServer is a net/http server with no middleware that answers each path it holds with the
// response the portal gave for it, headers (the request ID as it was) and body, byte for byte.
type plainServer struct {
	srv  *http.Server
	base string
}

func startPlain(pages map[string]capturedResponse) (*plainServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for k, v := range p.header {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(p.body)
	})}
	go func() { _ = srv.Serve(ln) }()
	return &plainServer{srv: srv, base: "http://" + ln.Addr().String()}, nil
}

func (p *plainServer) stop() { _ = p.srv.Close() }

// ensureBenchDatabase makes portal_bench, migrated and seeded, when an earlier step has not (as
// when the ceiling is run on its own with -only).
func (b *bench) ensureBenchDatabase(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, b.cluster.DatabaseURL("postgres"))
	if err != nil {
		return "", err
	}
	var exists bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'portal_bench')`).Scan(&exists)
	conn.Close(ctx)
	if err != nil {
		return "", err
	}
	if exists {
		return b.cluster.DatabaseURL("portal_bench"), nil
	}
	url, err := b.freshDatabase(ctx, "portal_bench")
	if err != nil {
		return "", err
	}
	if _, err := b.portal(ctx, []string{"DATABASE_URL=" + url, "LOG_FORMAT=text"}, "", "migrate"); err != nil {
		return "", fmt.Errorf("migrate portal_bench: %w", err)
	}
	return url, nil
}

// cpuTime returns the CPU time, user and system, that the process pid has used, from /proc.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command's name, which is in parentheses and may hold spaces.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is Linux's USER_HZ, the unit of /proc's CPU times.
const clockTicks = 100

// cpuEach is the CPU time a request took, measured over a wrk run and its 2 s warm-up: the
// requests of the warm-up are reckoned at the run's rate.
func (b *bench) cpuEach(cpu time.Duration, l load) float64 {
	requests := l.rps() * (b.opt.duration.Seconds() + 2)
	if requests <= 0 {
		return 0
	}
	return float64(cpu.Microseconds()) / requests
}
