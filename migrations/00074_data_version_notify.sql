-- +goose Up
-- Every portal instance keeps the data version (00060) in memory, hearing of each new one through
-- LISTEN data_version, instead of reading it for every anonymous page. The bump sends the new
-- version with pg_notify, which PostgreSQL delivers when the transaction commits, and never for
-- one that rolls back.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    IF current_setting('portal.data_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET version = version + 1 RETURNING version INTO v;
        PERFORM set_config('portal.data_version_bumped', txid_current()::text, true);
        PERFORM pg_notify('data_version', v::text);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('portal.data_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET version = version + 1;
        PERFORM set_config('portal.data_version_bumped', txid_current()::text, true);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
