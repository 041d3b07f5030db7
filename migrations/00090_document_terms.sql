-- +goose Up
-- The words of a commitment's search document that a one-word search looks up (00084), each
-- with its rank, as a function of the documents alone: the whole document, whose plain words
-- they are, and the commitment's own, which ranks them (ts_rank_cd, as before). So a bulk load
-- can work them out before the commitments they belong to are written, on another connection
-- (the demonstration data), by the same rule as commitment_terms_of, which now calls it. One
-- SELECT, neither strict nor volatile: inlined where it is called.
-- +goose StatementBegin
CREATE FUNCTION commitment_document_terms(own tsvector, whole tsvector)
RETURNS TABLE (term text, rank real)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT w.term, ts_rank_cd(own, w.term::tsquery)
    FROM unnest(tsvector_to_array(whole)) AS w (term)
    WHERE w.term ~ '^[a-z0-9]+$'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_terms_of(ids bigint[])
RETURNS TABLE (commitment_id bigint, term text, plan_id bigint, rank real, major integer, minor integer)
LANGUAGE sql STABLE AS $$
    SELECT c.id, w.term, c.plan_id, w.rank,
           split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer
    FROM commitments c
    JOIN commitment_search s ON s.commitment_id = c.id
    CROSS JOIN LATERAL commitment_document_terms(c.search, s.search) AS w
    WHERE c.id = ANY (ids) AND c.retired_at IS NULL
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_terms_of(ids bigint[])
RETURNS TABLE (commitment_id bigint, term text, plan_id bigint, rank real, major integer, minor integer)
LANGUAGE sql STABLE AS $$
    SELECT c.id, w.term, c.plan_id, ts_rank_cd(c.search, w.term::tsquery),
           split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer
    FROM commitments c
    JOIN commitment_search s ON s.commitment_id = c.id
    CROSS JOIN LATERAL unnest(tsvector_to_array(s.search)) AS w (term)
    WHERE c.id = ANY (ids) AND c.retired_at IS NULL AND w.term ~ '^[a-z0-9]+$'
$$;
-- +goose StatementEnd
DROP FUNCTION commitment_document_terms(tsvector, tsvector);
