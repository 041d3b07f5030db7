package server

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// BenchStaticPrefix is where Config.BenchStaticDir is served.
const BenchStaticPrefix = "/_bench/static/"

// benchStatic serves the files of dir, read once into memory and served as the embedded static
// files are (http.ServeContent with an ETag), through the same middleware as every page. make
// bench writes a rendered page there to compare the page with the same bytes served as a static
// file by the same binary. Only plain names directly in dir are served.
func (s *Server) benchStatic(dir string) handlerFunc {
	var files sync.Map // name -> []byte
	return func(w http.ResponseWriter, r *http.Request) error {
		name := chi.URLParam(r, "name")
		if name == "" || name != filepath.Base(name) || name[0] == '.' {
			return tracker.ErrNotFound
		}
		v, ok := files.Load(name)
		if !ok {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return tracker.ErrNotFound
			}
			v, _ = files.LoadOrStore(name, b)
		}
		b := v.([]byte)
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "public, no-cache")
		h.Set("ETag", `"bench-`+name+`"`)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
		return nil
	}
}
