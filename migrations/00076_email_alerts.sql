-- +goose NO TRANSACTION
-- +goose Up
-- Emails at every hand-off, and public email alerts.
--
-- The outbox carries an HTML part beside the plain text, the RFC 8058 unsubscribe address of an
-- alert, and which alert address and subscriptions an alert email was for: when the address is
-- deleted its emails go with it, and an email about subscriptions that have all ended is not sent.
ALTER TABLE outbox
    ADD COLUMN IF NOT EXISTS html text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS list_unsubscribe text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS subscriber_id bigint,
    ADD COLUMN IF NOT EXISTS subscription_ids bigint[];

-- Each person's choice, per kind of email, between at once and a daily summary. No row: at once.
CREATE TABLE IF NOT EXISTS email_preferences (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind <> ''),
    frequency text NOT NULL CHECK (frequency IN ('immediate', 'daily')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);

-- People who asked for public email alerts: the address only, deleted when its last
-- subscription ends or when it is left unconfirmed for 7 days.
CREATE TABLE IF NOT EXISTS alert_subscribers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE CHECK (email <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- What an address follows: the plan, a priority area, a commitment or an organisation, at once or
-- daily. Nothing is sent for a subscription until it is confirmed.
CREATE TABLE IF NOT EXISTS alert_subscriptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES alert_subscribers (id) ON DELETE CASCADE,
    scope text NOT NULL CHECK (scope IN ('plan', 'priority', 'commitment', 'organisation')),
    scope_id bigint NOT NULL,
    frequency text NOT NULL CHECK (frequency IN ('immediate', 'daily')),
    created_at timestamptz NOT NULL DEFAULT now(),
    confirmed_at timestamptz,
    UNIQUE (subscriber_id, scope, scope_id)
);
CREATE INDEX IF NOT EXISTS alert_subscriptions_scope ON alert_subscriptions (scope, scope_id) WHERE confirmed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS alert_subscriptions_unconfirmed ON alert_subscriptions (created_at) WHERE confirmed_at IS NULL;

-- The links in alert emails: only the SHA-256 of each token is kept. A confirm token confirms its
-- subscriptions, an unsubscribe token ends them, a manage token opens the page of every
-- subscription of its address.
CREATE TABLE IF NOT EXISTS alert_tokens (
    token_hash bytea PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES alert_subscribers (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe', 'manage')),
    subscription_ids bigint[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_tokens_subscriber ON alert_tokens (subscriber_id);
CREATE INDEX IF NOT EXISTS alert_tokens_expires ON alert_tokens (expires_at);

-- Published changes to tell subscribers of, written in the transaction that publishes them and
-- turned into emails (or digest lines) by the outbox worker, which marks each one done.
CREATE TABLE IF NOT EXISTS alert_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('update', 'commitment')),
    commitment_id bigint NOT NULL REFERENCES commitments (id),
    update_id bigint REFERENCES updates (id),
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    done_at timestamptz
);
CREATE INDEX IF NOT EXISTS alert_events_pending ON alert_events (id) WHERE done_at IS NULL;

-- Lines waiting for a person's daily summary: a staff member's or partner's (user_id) or an alert
-- address's (subscriber_id). The daily job sends one summary per person per day and deletes them.
CREATE TABLE IF NOT EXISTS digest_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint REFERENCES users (id) ON DELETE CASCADE,
    subscriber_id bigint REFERENCES alert_subscribers (id) ON DELETE CASCADE,
    subscription_ids bigint[],
    kind text NOT NULL,
    dedupe_key text UNIQUE,
    subject text NOT NULL,
    body text NOT NULL,
    link text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    CHECK ((user_id IS NULL) <> (subscriber_id IS NULL))
);
CREATE INDEX IF NOT EXISTS digest_items_user ON digest_items (user_id, created_at) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS digest_items_subscriber ON digest_items (subscriber_id, created_at) WHERE subscriber_id IS NOT NULL;

CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_subscriber ON outbox (subscriber_id) WHERE subscriber_id IS NOT NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS outbox_subscriber;
DROP TABLE IF EXISTS digest_items;
DROP TABLE IF EXISTS alert_events;
DROP TABLE IF EXISTS alert_tokens;
DROP TABLE IF EXISTS alert_subscriptions;
DROP TABLE IF EXISTS alert_subscribers;
DROP TABLE IF EXISTS email_preferences;
ALTER TABLE outbox DROP COLUMN IF EXISTS html, DROP COLUMN IF EXISTS list_unsubscribe,
    DROP COLUMN IF EXISTS subscriber_id, DROP COLUMN IF EXISTS subscription_ids;
