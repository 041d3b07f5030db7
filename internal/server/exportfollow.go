package server

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// A request for an export that is not kept yet need not wait for the whole file: it can follow
// the file as it is written, sending what is written so far and waiting for more, so that the
// first client gets the export in the time it takes to make rather than that time and the time to
// send it again. (An export smaller than followAfter is served whole, once made.) The database still writes only the file, as fast as it gives the rows, so a slow
// client holds a file, never a connection. Only a whole, uncompressed GET follows: a Range, HEAD
// or compressed request waits for the file, as before (see serveExport).

// followAfter is how much of an export must be written before a request follows it: a smaller
// export is served from its finished file, with its length and ranges, as a HEAD describes it.
const followAfter = 1 << 20

// errFollowCached says the export is kept already: serve it from its file.
var errFollowCached = errors.New("export cache: the export is kept")

// follow writes the export in slot at stamp to w as its file is written, starting the making of
// it if need be. It returns errFollowCached, having written nothing, when the file is kept
// already. An error after the first byte is returned as it is: the caller must end the response
// without letting it look whole.
func (c *exportCache) follow(ctx context.Context, slot, stamp string, write writeExport, start func(), w io.Writer) (written bool, err error) {
	c.mu.Lock()
	if e := c.cachedLocked(slot, stamp); e != nil {
		c.mu.Unlock()
		c.release(e)
		return false, errFollowCached
	}
	fl := c.flightLocked(ctx, slot, stamp, write)
	c.mu.Unlock()
	left := false
	defer func() {
		if !left {
			select {
			case <-fl.done:
			default:
				c.leave(slot, stamp, fl)
			}
		}
	}()
	// Wait for the file, taking a use of it so that it stays open while it is read.
	var file *exportFile
	for file == nil {
		f, _, changed := fl.progress()
		if f != nil {
			if !c.retain(f) {
				// The file was closed before it could be read: the export failed (or the file
				// has been evicted since). Once the flight has ended, its error says which.
				select {
				case <-fl.done:
				case <-ctx.Done():
					return false, ctx.Err()
				}
				return false, fl.errOr(errors.New("export cache: the file was closed before it could be read"))
			}
			file = f
			break
		}
		select {
		case <-changed:
		case <-fl.done:
			if f, _, _ := fl.progress(); f == nil {
				return false, fl.errOr(errors.New("export cache: the export made no file"))
			}
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	defer c.release(file)
	buf := make([]byte, 64<<10)
	var off int64
	for {
		_, n, changed := fl.progress()
		for off < n && (written || n >= followAfter) {
			if !written {
				start()
				written = true
			}
			k, err := file.f.ReadAt(buf[:min(int64(len(buf)), n-off)], off)
			if k > 0 {
				if _, err := w.Write(buf[:k]); err != nil {
					return true, err
				}
				off += int64(k)
			}
			if err != nil && k == 0 {
				// A file closed under the reader: the making failed, and says why.
				select {
				case <-fl.done:
				case <-ctx.Done():
				}
				return written, fl.errOr(err)
			}
		}
		select {
		case <-changed:
			continue
		case <-fl.done:
			left = true
			if fl.err != nil {
				return written, fl.err
			}
			if !written {
				// Made before there was much to follow: serve the kept file, with its length.
				return false, errFollowCached
			}
			if _, n, _ := fl.progress(); off < n {
				continue
			}
			return true, nil
		case <-ctx.Done():
			return written, ctx.Err()
		}
	}
}

// errOr returns the flight's error, once it is done with one, or err.
func (fl *exportFlight) errOr(err error) error {
	select {
	case <-fl.done:
		if fl.err != nil {
			return fl.err
		}
	default:
	}
	return err
}

// followExport serves an export by following its file as it is written (see follow), when the
// request is a whole, uncompressed GET and the export is not kept yet. It reports whether it
// served the request; an error is returned only when nothing was sent.
func (s *Server) followExport(w http.ResponseWriter, r *http.Request, x export, slot, stamp string) (bool, error) {
	if r.Method != http.MethodGet || r.Header.Get("Range") != "" || negotiated(r) != "" {
		return false, nil
	}
	written, err := s.exports.follow(r.Context(), slot, stamp, x.write, func() {
		s.exportHeaders(w, x)
		w.Header().Set("Accept-Ranges", "bytes") // once the file is whole
		if t := s.lastModified(x.modified); !t.IsZero() && t.Unix() > 0 {
			w.Header().Set("Last-Modified", t.Format(http.TimeFormat))
		}
		w.WriteHeader(http.StatusOK)
	}, w)
	switch {
	case errors.Is(err, errFollowCached):
		return false, nil
	case err != nil && written:
		// The response has begun: end the connection rather than let a part look whole.
		s.logger.ErrorContext(r.Context(), "export failed part way", "error", err)
		panic(http.ErrAbortHandler)
	}
	return true, err
}
