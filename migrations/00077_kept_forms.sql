-- +goose Up
-- What someone typed into a form they sent after their session had ended (it went unused too
-- long, lasted too long, their account was signed out everywhere or disabled), kept so that they
-- get it back once they sign in again as the same account. Each is found by the SHA-256 of a
-- random single-use key, which only the browser that sent the form is given; the key itself is
-- never stored. Passwords are never kept (tracker.SecretField). Rows go once used, and
-- housekeeping deletes them once they expire (tracker.KeptFormTTL after they were kept). At most
-- tracker.MaxKeptForms are kept for one account: keeping another lets the oldest go.
CREATE TABLE kept_forms (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash     text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path         text NOT NULL CHECK (path LIKE '/%'),
    form_values  jsonb NOT NULL CHECK (jsonb_typeof(form_values) = 'object'),
    reason       text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX kept_forms_expires_at ON kept_forms (expires_at);
CREATE INDEX kept_forms_user_id ON kept_forms (user_id);

-- +goose Down
DROP TABLE kept_forms;
