-- +goose Up
-- Accounts: sessions shared by every instance, single-use links for setting passwords, and a
-- counter on each user that ends all their sessions when it moves.

-- Sessions, in the shape github.com/alexedwards/scs/pgxstore expects.
CREATE TABLE sessions (
    token   text PRIMARY KEY,
    data    bytea NOT NULL,
    expiry  timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- A session records the user's session_epoch when it starts; moving the epoch (disabling the
-- account, setting a new password) ends every session started before.
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;
ALTER TABLE users ADD COLUMN last_sign_in_at timestamptz;

-- Single-use links: to create the first administrator, to accept an invitation, to reset a
-- password. Only a SHA-256 hash of the token is kept, never the token.
CREATE TABLE account_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    purpose     text NOT NULL CHECK (purpose IN ('first_admin', 'invite', 'reset')),
    user_id     bigint REFERENCES users (id),
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK ((purpose = 'first_admin') = (user_id IS NULL))
);
CREATE INDEX account_tokens_user ON account_tokens (user_id) WHERE used_at IS NULL;

-- +goose Down
DROP TABLE account_tokens;
ALTER TABLE users DROP COLUMN last_sign_in_at;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN session_epoch;
DROP TABLE sessions;
