package server

import (
	"net/http"

	"github.com/a-h/templ"
)

// handlerFunc is the shape of every handler in the portal: it answers the request, or returns an
// error for the server to turn into a response. A handler that has answered already, with a page
// or a redirect, returns nil.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handler to the router: an error it returns is rendered by (*Server).error, the
// one place that chooses the page for an error, so that no handler writes its own error page and
// no internal error text reaches a page. A read from the replica that finds it unavailable is
// made again from the primary (see replicaFailed).
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err != nil && s.replicaFailed(r, err) {
			err = h(w, r)
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		if r.Method == http.MethodPost && s.emailQueued != nil {
			// A change may have queued emails (hand-offs, reset links, alert confirmations):
			// the outbox worker sends them now rather than at its next interval.
			s.emailQueued()
		}
	}
}

// page renders a page with the status, for a handler to return: the request is answered.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	s.render(w, r, status, c)
	return nil
}
