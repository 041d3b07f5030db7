package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Downloads are never streamed from the database to the client. A client that asks for
// /updates.csv and reads slowly, or not at all, would otherwise hold one of the pool's few
// connections for as long as it cared to: a handful of them would take the whole pool, and every
// page would wait for a connection until it gave up. Instead each export is written once per data
// version (and format, plan, filters and site address) to a file, as fast as the database gives
// the rows, and every request for it is served from that file by http.ServeContent, which also
// answers Range, If-Range and HEAD. Requests that arrive while the file is being written wait for
// that one writer. The files are kept within a bound on their total size, the least recently
// served going first, and a new version of an export replaces the old at once.
//
// Each file is removed from the directory as soon as it is created: only its open descriptor
// is kept, so a file is never found half-written, two portals (or two test servers) sharing the
// directory can never serve each other's data, and nothing is left behind when the process ends,
// however it ends. Disk space shows in df, not in ls.

// DefaultExportCacheBytes bounds the disk space the files of exports take unless configured.
const DefaultExportCacheBytes = 1 << 30

// maxExportFiles bounds how many export files are kept open, whatever their size.
const maxExportFiles = 256

// exportMakers is how many exports may be read from the database at once, so that downloads
// never take more than two of the pool's connections however many different ones are asked for.
const exportMakers = 2

// exportTimeout bounds the making of one export. It goes on for as long as one request still
// waits for it: a request's deadline ends only its own wait.
const exportTimeout = 2 * time.Minute

// DefaultExportCacheDir returns the directory exports are written to unless configured: a
// directory in the user's cache directory or, failing that, in the temporary directory.
func DefaultExportCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "delivery-tracker", "exports")
	}
	return filepath.Join(os.TempDir(), "delivery-tracker-exports")
}

// exportCache keeps the files of exports, and the exports being made.
type exportCache struct {
	dirs  []string // where files may be created, tried in order
	limit int64

	makers chan struct{}

	mu      sync.Mutex
	files   map[string]*exportFile // by slot: one version of each export at a time
	size    int64
	clock   uint64 // counts uses, for least-recently-used eviction
	flights map[string]*exportFlight
}

// newExportCache returns a cache writing to dir, or to the default directories when dir is
// empty, within limit bytes (DefaultExportCacheBytes when not positive).
func newExportCache(dir string, limit int64) *exportCache {
	dirs := []string{dir}
	if dir == "" {
		dirs = []string{DefaultExportCacheDir(), filepath.Join(os.TempDir(), "delivery-tracker-exports")}
	}
	if limit <= 0 {
		limit = DefaultExportCacheBytes
	}
	return &exportCache{dirs: dirs, limit: limit, makers: make(chan struct{}, exportMakers),
		files: map[string]*exportFile{}, flights: map[string]*exportFlight{}}
}

// exportFile is an export written out in full, open for reading.
type exportFile struct {
	slot, stamp string
	f           *os.File
	path        string // set only where an open file could not be removed: removed on close
	size        int64
	used        uint64
	refs        int  // requests serving it
	dropped     bool // no longer in the cache: closed when the last request is done
	closed      bool
}

// reader returns a reader of the whole file of its own; many may read the file at once.
func (e *exportFile) reader() io.ReadSeeker { return io.NewSectionReader(e.f, 0, e.size) }

func (e *exportFile) close() {
	e.closed = true
	_ = e.f.Close()
	if e.path != "" {
		_ = os.Remove(e.path)
	}
}

// exportFlight is the making of one export, with the requests waiting for it.
type exportFlight struct {
	done    chan struct{}
	err     error
	waiters int
	cancel  context.CancelFunc

	// What has been written so far, for requests that follow the file as it grows (see follow).
	mu      sync.Mutex
	file    *exportFile   // once created
	written int64         // bytes of file written
	changed chan struct{} // closed, and replaced, when file or written change
}

// progress returns the file being written, how much of it is written and a channel closed when
// that changes.
func (fl *exportFlight) progress() (*exportFile, int64, <-chan struct{}) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.file, fl.written, fl.changed
}

// advance records the file being written (once) and n more bytes written to it.
func (fl *exportFlight) advance(file *exportFile, n int64) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.file = file
	fl.written += n
	close(fl.changed)
	fl.changed = make(chan struct{})
}

// flightWriter writes the file of a flight, recording its progress.
type flightWriter struct {
	fl   *exportFlight
	file *exportFile
}

func (w flightWriter) Write(p []byte) (int, error) {
	n, err := w.file.f.Write(p)
	w.fl.advance(w.file, int64(n))
	return n, err
}

// writeExport writes an export's bytes. ctx is not the request's: it lasts while any request
// waits for the export.
type writeExport func(ctx context.Context, w io.Writer) error

// get returns the file of the export in slot at stamp, making it with write if it is not kept,
// or waiting for the request already making it. The caller must release the file.
func (c *exportCache) get(ctx context.Context, slot, stamp string, write writeExport) (*exportFile, error) {
	// A file made for the request can be evicted before the request takes it, by a burst of
	// other exports filling the cache: then it is made again, a few times at most.
	for range 3 {
		c.mu.Lock()
		if e := c.cachedLocked(slot, stamp); e != nil {
			c.mu.Unlock()
			return e, nil
		}
		fl := c.flightLocked(ctx, slot, stamp, write)
		c.mu.Unlock()
		select {
		case <-fl.done:
			if fl.err != nil {
				return nil, fl.err
			}
		case <-ctx.Done():
			c.leave(slot, stamp, fl)
			return nil, ctx.Err()
		}
	}
	return nil, fmt.Errorf("export cache: the export was evicted as soon as it was made: raise the cache's size")
}

// cachedLocked returns the file of the export in slot at stamp, taking a use of it, or nil.
func (c *exportCache) cachedLocked(slot, stamp string) *exportFile {
	e := c.files[slot]
	if e == nil || e.stamp != stamp {
		return nil
	}
	e.refs++
	c.clock++
	e.used = c.clock
	return e
}

// flightLocked returns the making of the export in slot at stamp, starting it if need be, with
// the caller counted as waiting for it (until leave, or the flight is done).
func (c *exportCache) flightLocked(ctx context.Context, slot, stamp string, write writeExport) *exportFlight {
	key := slot + "\x00" + stamp
	fl := c.flights[key]
	if fl == nil {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exportTimeout)
		fl = &exportFlight{done: make(chan struct{}), cancel: cancel, changed: make(chan struct{})}
		c.flights[key] = fl
		go func() {
			fl.err = c.produce(fctx, fl, slot, stamp, write)
			cancel()
			c.mu.Lock()
			if c.flights[key] == fl {
				delete(c.flights, key)
			}
			c.mu.Unlock()
			close(fl.done)
		}()
	}
	fl.waiters++
	return fl
}

// leave ends a request's wait for a flight that is not done.
func (c *exportCache) leave(slot, stamp string, fl *exportFlight) {
	key := slot + "\x00" + stamp
	c.mu.Lock()
	defer c.mu.Unlock()
	if fl.waiters--; fl.waiters == 0 {
		// Nobody waits any longer: stop reading the database, and let the next request
		// start afresh rather than join a flight that is ending.
		fl.cancel()
		if c.flights[key] == fl {
			delete(c.flights, key)
		}
	}
}

// produce writes the export to a new file and keeps it.
func (c *exportCache) produce(ctx context.Context, fl *exportFlight, slot, stamp string, write writeExport) error {
	select {
	case c.makers <- struct{}{}:
		defer func() { <-c.makers }()
	case <-ctx.Done():
		return ctx.Err()
	}
	f, path, err := c.create()
	if err != nil {
		return err
	}
	e := &exportFile{slot: slot, stamp: stamp, f: f, path: path}
	fl.advance(e, 0)
	bw := bufio.NewWriterSize(flightWriter{fl, e}, 64<<10)
	err = write(ctx, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		e.size, err = f.Seek(0, io.SeekCurrent)
	}
	if err != nil {
		// Requests following the file as it was written may hold it still: it is closed when
		// the last of them is done, under the cache's lock, as a dropped file is.
		c.mu.Lock()
		e.dropped = true
		if e.refs == 0 {
			e.close()
		}
		c.mu.Unlock()
		return err
	}
	c.put(e)
	return nil
}

// create opens a new file in the first directory that takes one, and removes its name.
func (c *exportCache) create() (*os.File, string, error) {
	var errs []error
	for _, dir := range c.dirs {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := os.CreateTemp(dir, "export-*")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.Remove(f.Name()); err != nil {
			return f, f.Name(), nil // Windows: removed when closed
		}
		return f, "", nil
	}
	return nil, "", fmt.Errorf("export cache: create a file: %w", errors.Join(errs...))
}

// put keeps e in place of any other version of its export, then evicts the least recently
// used files until the rest fit the bounds. The newest file is kept even when it alone is
// larger than the bound, so that it is made only once.
func (c *exportCache) put(e *exportFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.files[e.slot]; old != nil {
		c.dropLocked(old)
	}
	c.clock++
	e.used = c.clock
	c.files[e.slot] = e
	c.size += e.size
	for c.size > c.limit || len(c.files) > maxExportFiles {
		var oldest *exportFile
		for _, f := range c.files {
			if f != e && (oldest == nil || f.used < oldest.used) {
				oldest = f
			}
		}
		if oldest == nil {
			break
		}
		c.dropLocked(oldest)
	}
}

func (c *exportCache) dropLocked(e *exportFile) {
	delete(c.files, e.slot)
	c.size -= e.size
	e.dropped = true
	if e.refs == 0 {
		e.close()
	}
}

// retain takes another use of a file, as get does, unless it has been closed already.
func (c *exportCache) retain(e *exportFile) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.closed {
		return false
	}
	e.refs++
	return true
}

// release ends a request's use of a file got from get.
func (c *exportCache) release(e *exportFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.refs--; e.refs == 0 && e.dropped {
		e.close()
	}
}

// export is a download: what decides its bytes, its headers and how to write it.
type export struct {
	format format
	name   string // the file name, without the extension
	// slot names the export apart from the version of the data: its kind, format, plan, filters
	// and the site's address, which its links begin with. stamp is everything else its bytes
	// depend on: the data version and, where it matters, the month.
	slot, stamp []string
	modified    time.Time
	write       writeExport
}

// downloadWriteTimeout is how long a client may take to read a download: 48 MB at about
// 650 kbit/s.
const downloadWriteTimeout = 10 * time.Minute

// serveExport serves an export from its file, making the file first if need be. The caller has
// set the validators and answered a conditional request already (see notModified). An error
// making the file is returned, with the validators taken back: the error page is not the export.
//
// A client that accepts gzip or brotli gets the file in that encoding: a file of its own in the
// cache, compressed from the plain one once per data version, the first time it is asked for.
// http.ServeContent serves it like the plain one, so Range and If-Range requests work on the bytes
// sent, under the encoding's own ETag (see notModified), and a download that stops can be resumed.
func (s *Server) serveExport(w http.ResponseWriter, r *http.Request, x export) error {
	slot, stamp := strings.Join(x.slot, "\x00"), strings.Join(x.stamp, "\x00")
	h := w.Header()
	fail := func(err error) error {
		h.Del("ETag")
		h.Del("Last-Modified")
		h.Set("Cache-Control", "no-cache")
		return err
	}
	// The file's validators and time are set already; a slow reader may take longer than the
	// server's write timeout for pages. A writer that cannot move its deadline keeps the server's.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(downloadWriteTimeout))
	if served, err := s.followExport(w, r, x, slot, stamp); served || err != nil {
		if err != nil {
			return fail(err)
		}
		return nil
	}
	file, err := s.exports.get(r.Context(), slot, stamp, x.write)
	if err != nil {
		return fail(err)
	}
	defer s.exports.release(file)
	enc := negotiated(r)
	if enc != "" && file.size >= minCompressSize {
		coded, err := s.exports.get(r.Context(), slot+"\x00"+enc, stamp, s.exports.encode(file, enc))
		if err != nil {
			return fail(err)
		}
		defer s.exports.release(coded)
		file = coded
		h.Set("Content-Encoding", enc)
		// http.ServeContent leaves the length of a whole response with a Content-Encoding out
		// (it cannot know what a writer that compresses would send): this one is known.
		h.Set("Content-Length", strconv.FormatInt(file.size, 10))
	}
	s.exportHeaders(w, x)
	http.ServeContent(w, r, "", s.lastModified(x.modified), file.reader())
	return nil
}

// exportHeaders sets the type, name and sharing of an export's response.
func (s *Server) exportHeaders(w http.ResponseWriter, x export) {
	h := w.Header()
	switch x.format {
	case formatCSV:
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
		h.Set("Content-Disposition", `attachment; filename="`+x.name+`.csv"`)
	default:
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="`+x.name+`.json"`)
	}
	h.Set("Access-Control-Allow-Origin", "*")
}

// encode returns the writer of the export in plain compressed with enc. plain is the request's
// file, which the writer takes a use of its own of while it reads it.
func (c *exportCache) encode(plain *exportFile, enc string) writeExport {
	return func(ctx context.Context, w io.Writer) error {
		if !c.retain(plain) {
			return fmt.Errorf("export cache: the plain file was evicted before it could be compressed")
		}
		defer c.release(plain)
		e := storedEncoder(enc, w, plain.size)
		if _, err := io.Copy(e, ctxReader{ctx, plain.reader()}); err != nil {
			return err
		}
		return e.Close()
	}
}

// ctxReader stops reading once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
