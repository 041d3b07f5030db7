-- +goose NO TRANSACTION
-- +goose Up
-- Links the rows already in the audit log into the chain (00071), oldest first, in batches of
-- 10,000 rows that each commit, so that a long log is not rewritten in one transaction. Portals
-- still running meanwhile keep adding rows; the last step locks out new rows for a moment, links
-- any rows not linked yet, and creates the trigger that links every row from then on, in one
-- transaction. Run again after a failure, it carries on where it stopped. Without a statement
-- timeout: a million rows take longer than the portal's.
SET statement_timeout = 0;

-- Links up to max_rows rows (all when NULL) not linked yet and with an id above after_id, in id
-- order, after the chain's head, and returns the highest id linked (NULL when there were none).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_chain_backfill(after_id bigint, max_rows integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    head audit_chain_head;
    last_id bigint;
    last_position bigint;
    last_hash bytea;
BEGIN
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
    WITH todo AS (
        SELECT a.id, audit_log_content(a) AS content FROM audit_log a
        WHERE a.row_hash IS NULL AND a.id > after_id
        ORDER BY a.id LIMIT max_rows
    ), linked AS (
        SELECT id, head.position + row_number() OVER w AS position,
               audit_chain_hash(head.hash, content) OVER w AS hash
        FROM todo WINDOW w AS (ORDER BY id)
    ), links AS (
        SELECT id, position, hash, coalesce(lag(hash) OVER (ORDER BY position), head.hash) AS prev_hash
        FROM linked
    ), updated AS (
        UPDATE audit_log a SET chain_position = l.position, prev_hash = l.prev_hash, row_hash = l.hash
        FROM links l WHERE a.id = l.id
        RETURNING a.id, a.chain_position, a.row_hash
    )
    SELECT id, chain_position, row_hash INTO last_id, last_position, last_hash
    FROM updated ORDER BY chain_position DESC LIMIT 1;
    IF last_id IS NOT NULL THEN
        UPDATE audit_chain_head SET position = last_position, hash = last_hash;
    END IF;
    RETURN last_id;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    after_id bigint := 0;
    last_id bigint;
BEGIN
    LOOP
        last_id := audit_chain_backfill(after_id, 10000);
        EXIT WHEN last_id IS NULL;
        after_id := last_id;
        COMMIT;
    END LOOP;
    COMMIT;
    -- The rest, with new rows held back until the trigger exists. Rows committed meanwhile with
    -- lower ids than those linked already are linked here too, after them.
    LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;
    PERFORM audit_chain_backfill(0, NULL);
    DROP TRIGGER IF EXISTS audit_log_chain ON audit_log;
    CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
END;
$$;
-- +goose StatementEnd

DROP FUNCTION IF EXISTS audit_chain_backfill;
RESET statement_timeout;

-- +goose Down
DROP TRIGGER audit_log_chain ON audit_log;
-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
    UPDATE audit_log SET chain_position = NULL, prev_hash = NULL, row_hash = NULL;
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
    UPDATE audit_chain_head SET position = 0, hash = '';
END;
$$;
-- +goose StatementEnd
