-- +goose Up
-- Reporting rounds, and the outbox of emails the portal sends, such as round reminders.

-- A reporting round: staff ask for updates on a plan's commitments by a deadline. Dates are days
-- in the UK. Reminders go out the given numbers of days before and after the deadline until the
-- round is closed. A plan has at most one round that is not closed.
CREATE TABLE reporting_rounds (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id        bigint NOT NULL REFERENCES plans (id),
    name           text NOT NULL CHECK (name <> ''),
    opens_on       date NOT NULL,
    deadline       date NOT NULL,
    remind_before  integer[] NOT NULL DEFAULT '{}',
    remind_after   integer[] NOT NULL DEFAULT '{}',
    closed_at      timestamptz,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (deadline >= opens_on),
    UNIQUE (plan_id, name)
);
CREATE UNIQUE INDEX reporting_rounds_one_open ON reporting_rounds (plan_id) WHERE closed_at IS NULL;

-- Emails the portal sends, kept so that staff can read what went out, what failed and, where no
-- mail server is configured, what would have been sent. A worker claims pending rows with
-- FOR UPDATE SKIP LOCKED, so each is sent by one instance only. dedupe_key makes scheduling
-- idempotent: a reminder for a user in a round is queued once however many instances run.
CREATE TABLE outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind <> ''),
    recipient   text NOT NULL CHECK (recipient <> ''),
    subject     text NOT NULL CHECK (subject <> ''),
    body        text NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    not_before  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    round_id    bigint REFERENCES reporting_rounds (id),
    reminder    text,
    user_id     bigint REFERENCES users (id),
    dedupe_key  text UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending ON outbox (not_before) WHERE status = 'pending';
CREATE INDEX outbox_created ON outbox (created_at DESC, id DESC);
CREATE INDEX outbox_round ON outbox (round_id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE reporting_rounds;
