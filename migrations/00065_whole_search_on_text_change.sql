-- +goose Up
-- 00064 rebuilt a commitment's whole search document from a statement-level trigger that ran on
-- every update of commitments (a status, a publication date, the own-words refresh), capturing
-- the old and new rows of each statement to find the few whose text had changed. A row-level
-- trigger on the two columns, with a condition PostgreSQL checks before calling it, does the same
-- only when the text changes.
DROP TRIGGER commitments_whole_search_update ON commitments;
DROP FUNCTION commitments_whole_search_update;

-- +goose StatementBegin
CREATE FUNCTION commitment_whole_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER commitments_whole_search_update AFTER UPDATE OF deliver, why ON commitments
    FOR EACH ROW WHEN (OLD.deliver IS DISTINCT FROM NEW.deliver OR OLD.why IS DISTINCT FROM NEW.why)
    EXECUTE FUNCTION commitment_whole_search_row();

-- +goose Down
DROP TRIGGER commitments_whole_search_update ON commitments;
DROP FUNCTION commitment_whole_search_row;
-- +goose StatementBegin
CREATE FUNCTION commitments_whole_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.deliver IS DISTINCT FROM o.deliver OR n.why IS DISTINCT FROM o.why));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER commitments_whole_search_update AFTER UPDATE ON commitments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commitments_whole_search_update();
