package server

import (
	"bytes"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// staleWait is how long a public page waits to learn the data version when a copy of it is
// stored, before serving that copy instead.
const staleWait = 2 * time.Second

// serveStale serves a stored public page whose data version could not be checked: with an Age
// header, no ETag (it may not be current), compressed as it is sent, and a notice saying how old it is at the top of the
// page's main content.
func serveStale(w http.ResponseWriter, r *http.Request, p cachedPage, now time.Time) {
	age := max(now.Sub(p.at), 0)
	body := p.body
	if strings.HasPrefix(p.contentType, "text/html") {
		notice := `<div class="ds_inset-text app-stale" role="status"><p class="ds_inset-text__text">` +
			html.EscapeString(tracker.StalePageNotice(age)) + `</p></div>`
		if i := bytes.Index(body, []byte(`<main`)); i >= 0 {
			if j := bytes.IndexByte(body[i:], '>'); j >= 0 {
				at := i + j + 1
				body = append(append(append([]byte{}, body[:at]...), notice...), body[at:]...)
			}
		}
	}
	h := w.Header()
	h.Del("ETag")
	h.Set("Cache-Control", "no-cache")
	h.Set("Age", strconv.Itoa(int(age/time.Second)))
	h.Set("Content-Type", p.contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	// Written for HEAD too (net/http sends none), so that the compress middleware gives HEAD the
	// headers of a GET.
	_, _ = w.Write(body)
}
