package main

// Downloading the national-scale plan as CSV.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

func (b *bench) csv(s *server) csvFigures {
	var f csvFigures
	for _, p := range csvCandidates {
		status, _, err := s.get(p+sep(p)+"q=telehealth+dementia", nil)
		if err == nil && status == http.StatusOK {
			f.path = p
			break
		}
	}
	if f.path == "" {
		f.missing = "no CSV of the commitments on this build (tried " + strings.Join(csvCandidates, ", ") + ")"
		return f
	}
	f.rssBefore, _ = s.memory()
	f.smallPath = f.path + sep(f.path) + "status=delayed&priority=2"
	_, small, _ := s.get(f.smallPath, nil)
	f.smallBytes, f.smallRows = len(small), csvRecords(bytes.NewReader(small))
	_, f.hwmSmall = s.memory()
	// The figures of record are of the plain file, as a client that asks for no compression
	// gets it (Go's client would otherwise ask for gzip by itself).
	start := time.Now()
	resp, err := download(s.base+f.path, "identity")
	if err != nil {
		f.missing = err.Error()
		return f
	}
	counted := &byteCounter{r: resp.Body}
	f.rows = csvRecords(counted)
	n := counted.n
	resp.Body.Close()
	f.took = time.Since(start)
	f.bytes = int(n)
	_, f.hwmAfter = s.memory()
	for range 3 {
		if resp, err := download(s.base+f.path, "identity"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	_, f.repeatHWMAfter = s.memory()
	fmt.Fprintf(&b.raw, "BenchmarkCSV/all-commitments 1 %d ns/op %d B/file %d rows %d peak-rss-B\n",
		f.took.Nanoseconds(), f.bytes, f.rows, f.hwmAfter)
	b.logf("CSV: %d rows, %d bytes in %v; peak RSS %d MB (small CSV: %d MB)", f.rows, f.bytes, f.took,
		f.hwmAfter>>20, f.hwmSmall>>20)

	// Compressed: the first gzip download compresses the file once into the export cache, the
	// next is served from there.
	for i, took := range []*time.Duration{&f.gzipFirst, &f.gzipAgain} {
		start := time.Now()
		resp, err := download(s.base+f.path, "gzip")
		if err != nil {
			return f
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		*took = time.Since(start)
		if i == 0 {
			f.gzipBytes = int(n)
		}
	}
	_, f.gzipHWM = s.memory()
	fmt.Fprintf(&b.raw, "BenchmarkCSV/all-commitments-gzip-first 1 %d ns/op %d B/file %d peak-rss-B\n",
		f.gzipFirst.Nanoseconds(), f.gzipBytes, f.gzipHWM)
	fmt.Fprintf(&b.raw, "BenchmarkCSV/all-commitments-gzip-again 1 %d ns/op %d B/file\n", f.gzipAgain.Nanoseconds(), f.gzipBytes)
	b.logf("CSV gzip: %d bytes in %v the first time, %v again; peak RSS %d MB", f.gzipBytes, f.gzipFirst, f.gzipAgain, f.gzipHWM>>20)
	return f
}

// download GETs url asking for the encoding in Accept-Encoding, and returns the response with
// its body as sent, not decoded.
func download(url, encoding string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", encoding)
	return http.DefaultClient.Do(req)
}

func sep(p string) string {
	if strings.Contains(p, "?") {
		return "&"
	}
	return "?"
}

// byteCounter counts the bytes read through it.
type byteCounter struct {
	r io.Reader
	n int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvRecords counts the records of a CSV file, header included, reading it as it streams.
func csvRecords(r io.Reader) int {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	n := 0
	for {
		if _, err := cr.Read(); err != nil {
			_, _ = io.Copy(io.Discard, r)
			return n
		}
		n++
	}
}
