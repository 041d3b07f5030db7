-- +goose NO TRANSACTION
-- +goose Up
-- Each commitment's latest published update (in the order of publishedOrder in
-- internal/postgres/updates.go), where its "Last reported ... by ..." line comes from, kept by the
-- writes rather than looked for again among the commitment's updates each time a commitment is
-- read: every page of commitments, every search ranking and every export read it for each row.
-- Published updates are final (updates_published_are_final), so the latest changes only when an
-- update becomes published, inserted so or changed to it; the triggers keep it then, for the
-- commitments of the statement's published rows. It is kept in a table of its own rather than on
-- the commitment's row, so that keeping it neither touches the commitment's updated_at nor its
-- version. The triggers come first and the backfill after them, in batches of commitments that
-- each commit, so that an update published meanwhile is never overwritten by an older one.
SET statement_timeout = 0;

CREATE TABLE IF NOT EXISTS commitment_last_reports (
    commitment_id bigint PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    update_id bigint NOT NULL REFERENCES updates (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS commitment_last_reports_update ON commitment_last_reports (update_id);

-- The latest published update of each of the commitments, by the rule of publishedOrder.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_commitment_last_reports(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO commitment_last_reports (commitment_id, update_id)
    SELECT c.id, latest.id
    FROM unnest(ids) AS c (id),
    LATERAL (SELECT u.id FROM updates u WHERE u.commitment_id = c.id AND u.state = 'published'
             ORDER BY u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST,
                      u.source_period DESC NULLS LAST, u.id DESC
             LIMIT 1) latest
    ON CONFLICT (commitment_id) DO UPDATE SET update_id = EXCLUDED.update_id
    WHERE commitment_last_reports.update_id IS DISTINCT FROM EXCLUDED.update_id
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION updates_last_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_last_reports(ARRAY(
        SELECT DISTINCT commitment_id FROM new_rows WHERE state = 'published'));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER IF EXISTS updates_last_report_insert ON updates;
CREATE TRIGGER updates_last_report_insert AFTER INSERT ON updates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION updates_last_report();
DROP TRIGGER IF EXISTS updates_last_report_update ON updates;
CREATE TRIGGER updates_last_report_update AFTER UPDATE ON updates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION updates_last_report();

-- +goose StatementBegin
DO $$
DECLARE
    after_id bigint := 0;
    ids bigint[];
BEGIN
    LOOP
        ids := ARRAY(SELECT id FROM commitments WHERE id > after_id ORDER BY id LIMIT 1000);
        EXIT WHEN cardinality(ids) = 0;
        INSERT INTO commitment_last_reports (commitment_id, update_id)
        SELECT c.id, latest.id
        FROM unnest(ids) AS c (id),
        LATERAL (SELECT u.id FROM updates u WHERE u.commitment_id = c.id AND u.state = 'published'
                 ORDER BY u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST,
                          u.source_period DESC NULLS LAST, u.id DESC
                 LIMIT 1) latest
        ON CONFLICT (commitment_id) DO NOTHING;
        after_id := ids[cardinality(ids)];
        COMMIT;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS updates_last_report_insert ON updates;
DROP TRIGGER IF EXISTS updates_last_report_update ON updates;
DROP FUNCTION IF EXISTS updates_last_report();
DROP FUNCTION IF EXISTS refresh_commitment_last_reports(bigint[]);
DROP TABLE IF EXISTS commitment_last_reports;
