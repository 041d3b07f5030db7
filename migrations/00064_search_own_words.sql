-- +goose Up
-- Two search documents for a commitment rather than one. commitments.search now holds only the
-- commitment's own words (what it will deliver, why, its lead lines): a few hundred bytes kept in
-- the row, cheap to match and to rank. The whole document, its own words and the narratives of
-- its published updates as before, grows with every report to kilobytes; it moves to
-- commitment_search, where it is matched through its own index and read only when that index
-- cannot answer alone. A search matches the whole document, as before, and ranks on the own
-- words, so that a commitment found only through its updates comes after those that say the
-- words themselves.
--
-- Rebuilding every commitment's documents reads every published update, which with a million of
-- them takes longer than the statement timeout the portal sets for its requests: this migration's
-- transaction has none.
SET LOCAL statement_timeout = 0;

CREATE TABLE commitment_search (
    commitment_id bigint PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    search tsvector NOT NULL
);
CREATE INDEX commitment_search_document ON commitment_search USING gin (search);

-- A commitment's own words.
-- +goose StatementBegin
CREATE FUNCTION commitment_own_search_vector(deliver text, why text[], leads text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', deliver), 'A')
        || setweight(to_tsvector('english', array_to_string(why, ' ')), 'B')
        || setweight(to_tsvector('english', leads), 'B')
$$;
-- +goose StatementEnd

-- Rebuilds the whole documents of the commitments (commitment_search_vector, from 00030), in
-- one statement for all of them: a bulk load of updates reads the updates once rather than once
-- for each commitment.
-- +goose StatementBegin
CREATE FUNCTION refresh_commitment_whole_search(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE $sql$
        INSERT INTO commitment_search (commitment_id, search)
        SELECT c.id, commitment_search_vector(c.deliver, c.why, coalesce(l.text, ''), coalesce(n.text, ''))
        FROM commitments c
        LEFT JOIN (SELECT commitment_id, string_agg(line, ' ' ORDER BY position) AS text
                   FROM commitment_leads WHERE commitment_id = ANY ($1) GROUP BY commitment_id) AS l
               ON l.commitment_id = c.id
        LEFT JOIN (SELECT commitment_id, string_agg(narrative, ' ' ORDER BY id DESC) AS text
                   FROM updates
                   WHERE commitment_id = ANY ($1) AND state = 'published' AND narrative IS NOT NULL
                   GROUP BY commitment_id) AS n
               ON n.commitment_id = c.id
        WHERE c.id = ANY ($1)
        ON CONFLICT (commitment_id) DO UPDATE SET search = EXCLUDED.search
    $sql$ USING ids;
END;
$$;
-- +goose StatementEnd

-- Rebuilds both documents (the lead lines changed, or the organisations they name, which also
-- changes the commitment's updated_at, as the exports need).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_commitment_search(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE $sql$
        UPDATE commitments c
        SET search = commitment_own_search_vector(c.deliver, c.why, coalesce(l.text, ''))
        FROM (SELECT DISTINCT id FROM unnest($1) AS i (id)) AS i
        LEFT JOIN (SELECT commitment_id, string_agg(line, ' ' ORDER BY position) AS text
                   FROM commitment_leads WHERE commitment_id = ANY ($1) GROUP BY commitment_id) AS l
               ON l.commitment_id = i.id
        WHERE c.id = i.id
    $sql$ USING ids;
    PERFORM refresh_commitment_whole_search(ids);
END;
$$;
-- +goose StatementEnd

-- The own words as a commitment is written; the whole document after the statement.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitments_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.search := commitment_own_search_vector(NEW.deliver, NEW.why, '');
    ELSE
        NEW.search := commitment_own_search_vector(NEW.deliver, NEW.why,
            coalesce((SELECT string_agg(l.line, ' ' ORDER BY l.position)
                      FROM commitment_leads l WHERE l.commitment_id = NEW.id), ''));
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION commitments_whole_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER commitments_whole_search_insert AFTER INSERT ON commitments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitments_whole_search();
-- A statement-level trigger cannot name columns with transition tables, so the function is
-- called for every update of commitments, and rebuilds only those whose text changed.
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

-- A published update never changes, so any published row a statement inserts or updates has just
-- been published: only the whole document changes.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION updates_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY(
        SELECT DISTINCT commitment_id FROM new_rows WHERE state = 'published' AND narrative IS NOT NULL));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The commitments whose whole document matches the query, from the index alone. The planner
-- cannot see that reading a whole document costs far more than reading its index entries (a
-- document is kilobytes, kept out of the row), so for a common word it would read every document
-- rather than the index; this function always takes the index. A query whose words must stand
-- together ("phrases") still reads the documents of the candidates the index finds.
-- +goose StatementBegin
CREATE FUNCTION commitments_matching(query tsquery) RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE SET enable_seqscan = off AS $$
    SELECT coalesce(array_agg(commitment_id), '{}') FROM commitment_search WHERE search @@ query
$$;
-- +goose StatementEnd

SELECT refresh_commitment_search(ARRAY(SELECT id FROM commitments));

-- +goose Down
SET LOCAL statement_timeout = 0;
DROP FUNCTION commitments_matching;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION updates_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_search(ARRAY(
        SELECT DISTINCT commitment_id FROM new_rows WHERE state = 'published'));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
DROP TRIGGER commitments_whole_search_update ON commitments;
DROP FUNCTION commitments_whole_search_update;
DROP TRIGGER commitments_whole_search_insert ON commitments;
DROP FUNCTION commitments_whole_search;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitments_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.search := commitment_search_vector(NEW.deliver, NEW.why, '', '');
    ELSE
        NEW.search := commitment_search_vector(NEW.deliver, NEW.why,
            coalesce((SELECT string_agg(l.line, ' ' ORDER BY l.position)
                      FROM commitment_leads l WHERE l.commitment_id = NEW.id), ''),
            coalesce((SELECT string_agg(u.narrative, ' ' ORDER BY u.id DESC)
                      FROM updates u
                      WHERE u.commitment_id = NEW.id AND u.state = 'published' AND u.narrative IS NOT NULL), ''));
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_commitment_search(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE $sql$
        UPDATE commitments c
        SET search = commitment_search_vector(c.deliver, c.why, coalesce(l.text, ''), coalesce(n.text, ''))
        FROM (SELECT DISTINCT id FROM unnest($1) AS i (id)) AS i
        LEFT JOIN (SELECT commitment_id, string_agg(line, ' ' ORDER BY position) AS text
                   FROM commitment_leads WHERE commitment_id = ANY ($1) GROUP BY commitment_id) AS l
               ON l.commitment_id = i.id
        LEFT JOIN (SELECT commitment_id, string_agg(narrative, ' ' ORDER BY id DESC) AS text
                   FROM updates
                   WHERE commitment_id = ANY ($1) AND state = 'published' AND narrative IS NOT NULL
                   GROUP BY commitment_id) AS n
               ON n.commitment_id = i.id
        WHERE c.id = i.id
    $sql$ USING ids;
END;
$$;
-- +goose StatementEnd

DROP TABLE commitment_search;
SELECT refresh_commitment_search(ARRAY(SELECT id FROM commitments));
DROP FUNCTION refresh_commitment_whole_search;
DROP FUNCTION commitment_own_search_vector;
