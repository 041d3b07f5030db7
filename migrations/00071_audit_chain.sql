-- +goose Up
-- A hash chain through the audit log, so that a row changed or removed by someone able to get
-- past the append-only triggers (a superuser, or the tables' owner) shows. Each row carries its
-- place in the chain, the hash of the row before it (prev_hash; empty for the first) and its own
-- hash, row_hash = sha256(prev_hash || audit_log_content(row)). `portal audit verify` recomputes
-- them in Go from the rows' values and reports the first that does not hold.
--
-- A row is linked when its transaction commits (audit_log_chain, made in 00072 once the rows
-- already there are linked), under a lock on the chain's head, so that transactions auditing at
-- the same time take their places one after another, in the order they commit. Until its
-- transaction commits a row has no place; a committed row without one was added with the
-- triggers disabled.
ALTER TABLE audit_log
    ADD COLUMN chain_position bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN row_hash bytea;

-- The end of the chain: the place and hash of the last row linked. One row.
CREATE TABLE audit_chain_head (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    position  bigint NOT NULL DEFAULT 0,
    hash      bytea NOT NULL DEFAULT ''
);
INSERT INTO audit_chain_head DEFAULT VALUES;
-- The serving role reads the head (to verify) and never moves it: audit_log_chain does, as owner.
REVOKE INSERT, UPDATE, DELETE ON audit_chain_head FROM delivery_tracker_app;

-- What a row's hash covers: every column but the chain's own, each as text (the time as
-- microseconds since 1970, details as jsonb prints it), written as its length in bytes, a colon
-- and the text, or '-' for NULL, one after another, in UTF-8. postgres.auditContent builds the
-- same bytes in Go; the two must not drift apart.
-- +goose StatementBegin
CREATE FUNCTION audit_chain_field(f text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN f IS NULL THEN '-' ELSE octet_length(convert_to(f, 'UTF8')) || ':' || f END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION audit_log_content(r audit_log) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT convert_to(
        audit_chain_field(r.id::text)
        || audit_chain_field((extract(epoch FROM r.at) * 1000000)::bigint::text)
        || audit_chain_field(r.actor_id::text)
        || audit_chain_field(r.actor_email)
        || audit_chain_field(r.action)
        || audit_chain_field(r.record_type)
        || audit_chain_field(r.record_id)
        || audit_chain_field(r.remote_addr)
        || audit_chain_field(r.details::text), 'UTF8')
$$;
-- +goose StatementEnd

-- The chain over rows in order, as a running aggregate: audit_chain_hash(start, content) OVER
-- (ORDER BY ...) gives each row's hash, the chain starting from the hash start.
-- +goose StatementBegin
CREATE FUNCTION audit_chain_step(state bytea, start bytea, content bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(coalesce(state, start) || content)
$$;
-- +goose StatementEnd
CREATE AGGREGATE audit_chain_hash(bytea, bytea) (SFUNC = audit_chain_step, STYPE = bytea);

-- Links a row into the chain when its transaction commits. It runs as the owner of the audit log,
-- the only role that may write the chain's columns and head. A committing transaction that also
-- changed public data takes the data version's lock (00060) at commit too: both take that lock
-- before the head's, so that two commits never wait on each other crosswise.
-- +goose StatementBegin
CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head audit_chain_head;
    link bytea;
BEGIN
    PERFORM 1 FROM data_version FOR UPDATE;
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
    link := sha256(head.hash || audit_log_content(NEW));
    UPDATE audit_log SET chain_position = head.position + 1, prev_hash = head.hash, row_hash = link
    WHERE id = NEW.id;
    UPDATE audit_chain_head SET position = head.position + 1, hash = link;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION audit_log_chain() FROM PUBLIC;

-- Rows are added, never changed or removed; the one change allowed is linking a new row into the
-- chain, once. A new row comes without a place in the chain, whatever the INSERT said.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.chain_position := NULL;
        NEW.prev_hash := NULL;
        NEW.row_hash := NULL;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.row_hash IS NULL AND NEW.row_hash IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_email, NEW.action, NEW.record_type, NEW.record_id,
            NEW.remote_addr, NEW.details)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.actor_email, OLD.action, OLD.record_type, OLD.record_id,
            OLD.remote_addr, OLD.details) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_unlinked BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_log_unlinked ON audit_log;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
DROP FUNCTION audit_log_chain;
DROP AGGREGATE audit_chain_hash (bytea, bytea);
DROP FUNCTION audit_chain_step;
DROP FUNCTION audit_log_content;
DROP FUNCTION audit_chain_field;
DROP TABLE audit_chain_head;
ALTER TABLE audit_log DROP COLUMN row_hash, DROP COLUMN prev_hash, DROP COLUMN chain_position;
