package server

import (
	"net/http"
)

// NewWithTestRoutes is New with routes that exist only in tests: /test/panic panics after
// writing nothing, as a handler with a bug would.
func NewWithTestRoutes(cfg Config) http.Handler {
	r := newServer(cfg).routes()
	r.Get("/test/panic", func(http.ResponseWriter, *http.Request) {
		panic("test panic: something went wrong")
	})
	return r
}
