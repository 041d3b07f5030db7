-- +goose NO TRANSACTION
-- +goose Up
-- What a commitment's "Last reported ... by ..." line shows, kept beside the latest published
-- update it comes from (commitment_last_reports, migration 00083): when it was published, the
-- period it reports on and the organisation that reported it. Every list of commitments shows the
-- line for each row; read from here it is one lookup by key in a table of a row a commitment,
-- rather than one more in the updates, a table as large as the whole history whose rows a page
-- finds scattered over it. Published updates are final (updates_published_are_final), so the
-- copies never go stale: a trigger fills them whenever the row names an update, whoever writes it.
SET statement_timeout = 0;

ALTER TABLE commitment_last_reports
    ADD COLUMN IF NOT EXISTS published_at timestamptz,
    ADD COLUMN IF NOT EXISTS source_period text,
    ADD COLUMN IF NOT EXISTS organisation_id bigint;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_last_reports_fields() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT u.published_at, u.source_period, u.organisation_id
    INTO NEW.published_at, NEW.source_period, NEW.organisation_id
    FROM updates u WHERE u.id = NEW.update_id;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER IF EXISTS commitment_last_reports_fields ON commitment_last_reports;
CREATE TRIGGER commitment_last_reports_fields BEFORE INSERT OR UPDATE OF update_id ON commitment_last_reports
    FOR EACH ROW EXECUTE FUNCTION commitment_last_reports_fields();

-- The rows from before the trigger, in batches that each commit.
-- +goose StatementBegin
DO $$
DECLARE
    after_id bigint := 0;
    ids bigint[];
BEGIN
    LOOP
        ids := ARRAY(SELECT commitment_id FROM commitment_last_reports WHERE commitment_id > after_id
                     ORDER BY commitment_id LIMIT 1000);
        EXIT WHEN cardinality(ids) = 0;
        UPDATE commitment_last_reports lr
        SET published_at = u.published_at, source_period = u.source_period, organisation_id = u.organisation_id
        FROM updates u
        WHERE u.id = lr.update_id AND lr.commitment_id = ANY (ids);
        after_id := ids[cardinality(ids)];
        COMMIT;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS commitment_last_reports_fields ON commitment_last_reports;
DROP FUNCTION IF EXISTS commitment_last_reports_fields();
ALTER TABLE commitment_last_reports DROP COLUMN IF EXISTS published_at, DROP COLUMN IF EXISTS source_period,
    DROP COLUMN IF EXISTS organisation_id;
