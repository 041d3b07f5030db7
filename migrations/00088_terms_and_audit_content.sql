-- +goose Up
-- The rows of commitment_terms (00084) for some commitments, as a query of their own, so that a
-- bulk load that has just written the commitments' search documents can insert them with
-- nothing to delete and no conflicts to look for, while refresh_commitment_terms still replaces
-- them for the triggers. Being one SELECT, it is inlined into the statement that calls it.
-- Each word of the whole document comes from tsvector_to_array rather than unnest: the same
-- words in the same order, without building an array of the positions of each, which a whole
-- document of a hundred narratives has thousands of (a third of the time of a refresh). The rank
-- is still ts_rank_cd's own: working it out from unnest(c.search)'s positions and weights took
-- longer than the call.
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_commitment_terms(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM commitment_terms WHERE commitment_id = ANY (ids);
    INSERT INTO commitment_terms (commitment_id, term, plan_id, rank, major, minor)
    SELECT * FROM commitment_terms_of(ids)
    ON CONFLICT (commitment_id, term) DO UPDATE
    SET plan_id = EXCLUDED.plan_id, rank = EXCLUDED.rank, major = EXCLUDED.major, minor = EXCLUDED.minor
$$;
-- +goose StatementEnd

-- What an audit row's hash covers (00071), the same bytes made about five times faster: each
-- field written out here rather than through audit_chain_field, so that the whole is one
-- expression, inlined into the query that calls it, with each value turned into text once or
-- twice rather than three times. coalesce gives '-' where the field is NULL, as the length and
-- the text joined to it are then NULL too. The numbers are ASCII digits, whose length in
-- characters is their length in bytes in any server encoding. A bulk load that links its rows
-- into the chain itself (the demonstration data) spent most of its time here. Every hash stays
-- as it was: `portal audit verify` recomputes them in Go from the rows' values
-- (TestAuditChainHoldsAndGoMatchesTheDatabase).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_content(r audit_log) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT convert_to(concat(
        coalesce(length(r.id::text) || ':' || r.id, '-'),
        coalesce(length((extract(epoch FROM r.at) * 1000000)::bigint::text) || ':'
                 || (extract(epoch FROM r.at) * 1000000)::bigint, '-'),
        coalesce(length(r.actor_id::text) || ':' || r.actor_id, '-'),
        coalesce(octet_length(convert_to(r.actor_email, 'UTF8')) || ':' || r.actor_email, '-'),
        coalesce(octet_length(convert_to(r.action, 'UTF8')) || ':' || r.action, '-'),
        coalesce(octet_length(convert_to(r.record_type, 'UTF8')) || ':' || r.record_type, '-'),
        coalesce(octet_length(convert_to(r.record_id, 'UTF8')) || ':' || r.record_id, '-'),
        coalesce(octet_length(convert_to(r.remote_addr, 'UTF8')) || ':' || r.remote_addr, '-'),
        coalesce(octet_length(convert_to(r.details::text, 'UTF8')) || ':' || r.details::text, '-')), 'UTF8')
$$;
-- +goose StatementEnd

-- +goose Down
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
CREATE OR REPLACE FUNCTION audit_log_content(r audit_log) RETURNS bytea
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
DROP FUNCTION IF EXISTS commitment_terms_of(bigint[]);
