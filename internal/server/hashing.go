package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/scottish-government/delivery-tracker/internal/password"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// hashRetryAfter is the Retry-After, in seconds, of the answer to a request whose password could
// not be hashed because too many were being hashed at once.
const hashRetryAfter = "5"

// hashError answers a request whose password could not be checked or hashed. When every slot of
// the hashing limiter stayed taken, it is a quick 503 asking the client to come back in a few
// seconds, rather than one more request waiting in a pile.
func (s *Server) hashError(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, password.ErrBusy) {
		return err
	}
	s.logger.WarnContext(r.Context(), "too many passwords being hashed at once", "limit", s.hashing.Size())
	w.Header().Set("Retry-After", hashRetryAfter)
	w.Header().Set("Cache-Control", "no-store")
	return s.page(w, r, http.StatusServiceUnavailable, web.ServiceUnavailablePage(s.layout(r)))
}

// returnAttempt takes back an attempt counted against the rules that was never checked, logging
// the error if it cannot: the request is already failing for another reason.
func (s *Server) returnAttempt(ctx context.Context, rules []tracker.ThrottleRule) {
	if err := s.store.ReturnAttempt(context.WithoutCancel(ctx), rules); err != nil {
		s.logger.ErrorContext(ctx, "return a sign-in attempt", "err", err)
	}
}
