-- +goose NO TRANSACTION
-- +goose Up
-- The words of each commitment's whole search document (commitment_search: its own words, lead
-- lines and published narratives), one row a word, with the rank a search for that word alone
-- gives it (ts_rank_cd of its own words, internal/postgres/search.go) and its ref's numbers. A
-- search for one plain word, the commonest kind, then reads its page in order from the index
-- commitment_terms_page and counts its results from the same index, rather than ranking every
-- commitment it finds: a word in nearly every commitment ranked ten thousand of them for each
-- page. Only words of letters and digits are kept, as only they are looked up; retired
-- commitments have none. The triggers keep the rows as the search documents, refs and
-- retirements change. The triggers come first and the backfill after them, in batches of
-- commitments that each commit.
SET statement_timeout = 0;

CREATE TABLE IF NOT EXISTS commitment_terms (
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    term text NOT NULL,
    plan_id bigint NOT NULL,
    rank real NOT NULL,
    major integer NOT NULL,
    minor integer NOT NULL,
    PRIMARY KEY (commitment_id, term)
);
CREATE INDEX IF NOT EXISTS commitment_terms_page ON commitment_terms (plan_id, term, rank DESC, major, minor)
    INCLUDE (commitment_id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_commitment_terms(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM commitment_terms WHERE commitment_id = ANY (ids);
    INSERT INTO commitment_terms (commitment_id, term, plan_id, rank, major, minor)
    SELECT c.id, w.lexeme, c.plan_id, ts_rank_cd(c.search, w.lexeme::tsquery),
           split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer
    FROM commitments c
    JOIN commitment_search s ON s.commitment_id = c.id
    CROSS JOIN LATERAL unnest(s.search) AS w
    WHERE c.id = ANY (ids) AND c.retired_at IS NULL AND w.lexeme ~ '^[a-z0-9]+$'
    ON CONFLICT (commitment_id, term) DO UPDATE
    SET plan_id = EXCLUDED.plan_id, rank = EXCLUDED.rank, major = EXCLUDED.major, minor = EXCLUDED.minor
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_terms(ARRAY(SELECT DISTINCT commitment_id FROM new_rows));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_terms_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_terms(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER IF EXISTS commitment_search_terms_insert ON commitment_search;
CREATE TRIGGER commitment_search_terms_insert AFTER INSERT ON commitment_search REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commitment_search_terms();
DROP TRIGGER IF EXISTS commitment_search_terms_update ON commitment_search;
CREATE TRIGGER commitment_search_terms_update AFTER UPDATE ON commitment_search REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commitment_search_terms();
DROP TRIGGER IF EXISTS commitments_terms ON commitments;
CREATE TRIGGER commitments_terms AFTER UPDATE OF ref, plan_id, retired_at, search ON commitments FOR EACH ROW
    WHEN (OLD.ref IS DISTINCT FROM NEW.ref OR OLD.plan_id IS DISTINCT FROM NEW.plan_id
          OR OLD.retired_at IS DISTINCT FROM NEW.retired_at OR OLD.search IS DISTINCT FROM NEW.search)
    EXECUTE FUNCTION commitment_terms_row();

-- +goose StatementBegin
DO $$
DECLARE
    after_id bigint := 0;
    ids bigint[];
BEGIN
    LOOP
        ids := ARRAY(SELECT id FROM commitments WHERE id > after_id ORDER BY id LIMIT 500);
        EXIT WHEN cardinality(ids) = 0;
        PERFORM refresh_commitment_terms(ids);
        after_id := ids[cardinality(ids)];
        COMMIT;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS commitments_terms ON commitments;
DROP TRIGGER IF EXISTS commitment_search_terms_update ON commitment_search;
DROP TRIGGER IF EXISTS commitment_search_terms_insert ON commitment_search;
DROP FUNCTION IF EXISTS commitment_terms_row();
DROP FUNCTION IF EXISTS commitment_search_terms();
DROP FUNCTION IF EXISTS refresh_commitment_terms(bigint[]);
DROP TABLE IF EXISTS commitment_terms;
