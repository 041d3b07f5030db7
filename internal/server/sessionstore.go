package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/scottish-government/delivery-tracker/internal/postgres"
)

// hashedStore is a session store that keeps each session under the SHA-256 of its token rather
// than the token itself, so that someone who reads the sessions table (a backup, a replica, a
// leaked dump) learns nothing they could put in a cookie. Its database errors follow the store's
// contract: an outage is a tracker.EUNAVAILABLE error. Tokens are 256 random bits, so an
// unsalted fast hash is enough: there is nothing to guess.
type hashedStore struct {
	inner scs.Store
}

var _ scs.CtxStore = hashedStore{}

// tokenHash is what the sessions table holds for a token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Find returns the data of the session with the token.
func (h hashedStore) Find(token string) ([]byte, bool, error) {
	b, ok, err := h.inner.Find(tokenHash(token))
	return b, ok, postgres.Classify(err)
}

// Commit saves the data of the session with the token.
func (h hashedStore) Commit(token string, b []byte, expiry time.Time) error {
	return postgres.Classify(h.inner.Commit(tokenHash(token), b, expiry))
}

// Delete removes the session with the token.
func (h hashedStore) Delete(token string) error {
	return postgres.Classify(h.inner.Delete(tokenHash(token)))
}

// FindCtx is Find with a context, passed on when the store underneath takes one.
func (h hashedStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if c, ok := h.inner.(scs.CtxStore); ok {
		b, ok, err := c.FindCtx(ctx, tokenHash(token))
		return b, ok, postgres.Classify(err)
	}
	return h.Find(token)
}

// CommitCtx is Commit with a context, passed on when the store underneath takes one.
func (h hashedStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if c, ok := h.inner.(scs.CtxStore); ok {
		return postgres.Classify(c.CommitCtx(ctx, tokenHash(token), b, expiry))
	}
	return h.Commit(token, b, expiry)
}

// DeleteCtx is Delete with a context, passed on when the store underneath takes one.
func (h hashedStore) DeleteCtx(ctx context.Context, token string) error {
	if c, ok := h.inner.(scs.CtxStore); ok {
		return postgres.Classify(c.DeleteCtx(ctx, tokenHash(token)))
	}
	return h.Delete(token)
}
