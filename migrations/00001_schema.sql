-- +goose Up
-- The core schema: plans and what they commit to, who leads each commitment, the people who use
-- the portal, the history of progress updates and an append-only audit log.

-- A delivery plan, published once a year. Exactly one plan is the current one.
CREATE TABLE plans (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    title         text NOT NULL CHECK (title <> ''),
    period        text NOT NULL CHECK (period <> ''),
    strategy      text NOT NULL DEFAULT '',
    published_on  date,
    source_url    text NOT NULL DEFAULT '',
    licence       text NOT NULL DEFAULT '',
    attribution   text NOT NULL DEFAULT '',
    is_current    boolean NOT NULL DEFAULT false,
    previous_id   bigint REFERENCES plans (id),
    retired_at    timestamptz,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX plans_one_current ON plans (is_current) WHERE is_current;

-- The strategy's aims, as the plan prints them.
CREATE TABLE aims (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id  bigint NOT NULL REFERENCES plans (id),
    number   integer NOT NULL CHECK (number > 0),
    text     text NOT NULL CHECK (text <> ''),
    UNIQUE (plan_id, number)
);

-- The priority areas of a plan. Heading, introduction and source exist where the plan gives them.
CREATE TABLE priorities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES plans (id),
    number      integer NOT NULL CHECK (number > 0),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name        text NOT NULL CHECK (name <> ''),
    tagline     text NOT NULL DEFAULT '',
    heading     text,
    intro       text,
    source_url  text,
    retired_at  timestamptz,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, number),
    UNIQUE (plan_id, slug)
);

-- The bodies that lead commitments. as_written holds the ways plans print the name.
CREATE TABLE organisations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]*$'),
    name        text NOT NULL CHECK (name <> ''),
    as_written  text[] NOT NULL DEFAULT '{}',
    retired_at  timestamptz,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Status values shared by commitments and updates. NULL on a commitment means no update yet.
CREATE DOMAIN delivery_status AS text
    CHECK (VALUE IN ('not_started', 'on_track', 'at_risk', 'delayed', 'delivered',
                     'withdrawn', 'carried_forward'));

-- A month is stored as its first day.
CREATE DOMAIN month AS date CHECK (VALUE = date_trunc('month', VALUE)::date);

-- What a plan commits to deliver. status, expected_month and status_reason follow the latest
-- published update; version increases with every change so that forms can detect a conflict.
CREATE TABLE commitments (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id              bigint NOT NULL REFERENCES plans (id),
    priority_id          bigint NOT NULL REFERENCES priorities (id),
    ref                  text NOT NULL CHECK (ref ~ '^[0-9]+\.[0-9]+$'),
    ordinal              integer NOT NULL CHECK (ordinal > 0),
    deliver              text NOT NULL CHECK (deliver <> ''),
    why                  text[] NOT NULL DEFAULT '{}',
    due_month            month NOT NULL,
    expected_month       month,
    status               delivery_status,
    status_reason        text,
    source_url           text,
    carried_forward_to   bigint REFERENCES commitments (id),
    carried_forward_from bigint REFERENCES commitments (id),
    last_published_at    timestamptz,
    retired_at           timestamptz,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, ref)
);
CREATE INDEX commitments_priority ON commitments (priority_id, ordinal);

-- Who leads a commitment: each line exactly as the plan prints it, in order.
CREATE TABLE commitment_leads (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commitment_id  bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    position       integer NOT NULL CHECK (position > 0),
    line           text NOT NULL CHECK (line <> ''),
    UNIQUE (commitment_id, position)
);

-- The organisations a lead line names, in the order it names them. Partners of these
-- organisations report on the commitment.
CREATE TABLE commitment_lead_organisations (
    lead_id          bigint NOT NULL REFERENCES commitment_leads (id) ON DELETE CASCADE,
    organisation_id  bigint NOT NULL REFERENCES organisations (id),
    position         integer NOT NULL CHECK (position > 0),
    PRIMARY KEY (lead_id, organisation_id),
    UNIQUE (lead_id, position)
);
CREATE INDEX commitment_lead_organisations_org ON commitment_lead_organisations (organisation_id);

-- People who sign in. Partners belong to one organisation; staff and admins to none.
CREATE TABLE users (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            text NOT NULL CHECK (email <> ''),
    name             text NOT NULL CHECK (name <> ''),
    password_hash    text,
    role             text NOT NULL CHECK (role IN ('admin', 'staff', 'partner')),
    organisation_id  bigint REFERENCES organisations (id),
    disabled_at      timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'partner') = (organisation_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Progress reported on a commitment. A portal update moves from draft to submitted to published
-- (or back to returned, with a review note). Reports taken from a published plan carry that plan's
-- own words (status_label, timescale) and its title, period and page in source_*; they have no
-- author and no publication time, because none is known. Once published, an update never changes:
-- a correction is a new update.
CREATE TABLE updates (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commitment_id    bigint NOT NULL REFERENCES commitments (id),
    state            text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'published')),
    status           delivery_status NOT NULL,
    status_label     text,
    narrative        text,
    expected_month   month,
    timescale        text,
    evidence_url     text CHECK (evidence_url ~ '^https?://'),
    status_reason    text,
    base_version     integer,
    author_id        bigint REFERENCES users (id),
    organisation_id  bigint REFERENCES organisations (id),
    source_title     text,
    source_period    text,
    source_url       text,
    review_note      text,
    reviewer_id      bigint REFERENCES users (id),
    submitted_at     timestamptz,
    returned_at      timestamptz,
    published_at     timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'published' OR published_at IS NOT NULL OR source_title IS NOT NULL)
);
CREATE INDEX updates_commitment_published ON updates (commitment_id, published_at DESC)
    WHERE state = 'published';
CREATE INDEX updates_state ON updates (state, submitted_at) WHERE state <> 'published';

-- +goose StatementBegin
CREATE FUNCTION updates_published_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'published update % cannot be changed or deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER updates_published_are_final BEFORE UPDATE OR DELETE ON updates
    FOR EACH ROW EXECUTE FUNCTION updates_published_are_final();

-- Who did what to which record, when and from where. Rows are only ever added.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     bigint REFERENCES users (id),
    actor_email  text,
    action       text NOT NULL CHECK (action <> ''),
    record_type  text NOT NULL DEFAULT '',
    record_id    text NOT NULL DEFAULT '',
    remote_addr  text NOT NULL DEFAULT '',
    details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, at DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only;
DROP TABLE updates;
DROP FUNCTION updates_published_are_final;
DROP TABLE users;
DROP TABLE commitment_lead_organisations;
DROP TABLE commitment_leads;
DROP TABLE commitments;
DROP DOMAIN month;
DROP DOMAIN delivery_status;
DROP TABLE organisations;
DROP TABLE priorities;
DROP TABLE aims;
DROP TABLE plans;
