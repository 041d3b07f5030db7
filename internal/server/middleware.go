package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

// requestID gives every request an ID, carried in its context, logged on every line and sent
// back in the X-Request-ID header.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header()["X-Request-Id"] = []string{id}
		next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
	})
}

// accessLog logs each request once it has been served.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.logRequest(r, status, ww.BytesWritten(), time.Since(start), "")
	})
}

// logRequest writes the request log's line for a request served. A request ID not carried by
// the request's context (see WithRequestID) is given as id, and goes in the line itself.
func (s *Server) logRequest(r *http.Request, status, bytes int, took time.Duration, id string) {
	attrs := [...]slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Int("bytes", bytes), slog.Duration("duration", took),
		slog.String("request_id", id)}
	n := len(attrs)
	if id == "" {
		n--
	}
	s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs[:n]...)
}

// recoverPanics turns a panic in a handler into the generic error page, logging it with the
// request ID and the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.serviceError(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// permissionsPolicy turns off the browser features the portal never uses, so that nothing it
// serves or embeds can ask for them. Only features that browsers implement today are named:
// interest-cohort, for Chrome's withdrawn FLoC trial, is gone, and a feature a browser does not
// know makes it warn on the console of every page (Chromium 156 knows each of these).
const permissionsPolicy = "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), " +
	"magnetometer=(), microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), " +
	"xr-spatial-tracking=()"

// securityHeaderList is the headers every response carries, their keys canonical.
func securityHeaderList(secure bool) []headerValue {
	hv := []headerValue{
		{"Content-Security-Policy", []string{"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"}},
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
		{"X-Frame-Options", []string{"DENY"}},
		{"Permissions-Policy", []string{permissionsPolicy}},
		{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	}
	if secure {
		hv = append(hv, headerValue{"Strict-Transport-Security", []string{"max-age=31536000; includeSubDomains"}})
	}
	return hv
}

// securityHeaders sets the headers every response carries (securityHeaderList). Their values are
// shared between responses: each is a slice of one, so that adding to one header copies it.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range s.secHeaders {
			h[kv.key] = kv.value[:1:1]
		}
		next.ServeHTTP(w, r)
	})
}

// timeout gives each request's context a deadline, so that every query made for it ends in time
// and the user gets an error page rather than waiting on a database that does not answer.
func (s *Server) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
