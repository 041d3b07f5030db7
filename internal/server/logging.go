package server

import (
	"context"
	"log/slog"
)

type ctxKey int

const requestIDKey ctxKey = iota

// RequestID returns the ID of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithRequestID returns a context carrying the request ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// LogHandler wraps h so that every record logged with a request's context carries its
// request_id.
func LogHandler(h slog.Handler) slog.Handler { return requestIDHandler{Handler: h} }

// BufferedLogHandler is LogHandler for a handler that writes to b: a warning or an error is
// written at once, with the lines b holds before it.
func BufferedLogHandler(h slog.Handler, b *LogBuffer) slog.Handler {
	return requestIDHandler{Handler: h, buf: b}
}

type requestIDHandler struct {
	slog.Handler
	buf *LogBuffer // flushed after a warning or an error; nil when h writes straight through
}

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	err := h.Handler.Handle(ctx, r)
	if h.buf != nil && r.Level >= slog.LevelWarn {
		if ferr := h.buf.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{Handler: h.Handler.WithAttrs(attrs), buf: h.buf}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{Handler: h.Handler.WithGroup(name), buf: h.buf}
}
