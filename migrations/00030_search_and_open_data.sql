-- +goose Up
-- Finding, exporting and following commitments.
--
-- Each commitment carries a full-text search document (English stemming) over what it will
-- deliver, why, its lead lines as printed and the narratives of its published updates. Triggers
-- keep the document true whenever any of those change, including when an update is published
-- later, so a search is one indexed lookup on commitments. Further indexes serve the public
-- filters, sorts and feeds, and a touch trigger keeps updated_at true on the tables the open data
-- is drawn from, so that exports and feeds can tell a reader whether anything changed.

ALTER TABLE commitments ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;

-- The search document of a commitment, from its text. Narratives come newest first: the first
-- 60,000 characters keep word positions, so that phrases match; the next 100,000 keep words only.
-- Older text is left out, so that a commitment with a long history can never build a document
-- beyond PostgreSQL's limit for one and make publishing fail.
-- +goose StatementBegin
CREATE FUNCTION commitment_search_vector(deliver text, why text[], leads text, narratives text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', deliver), 'A')
        || setweight(to_tsvector('english', array_to_string(why, ' ')), 'B')
        || setweight(to_tsvector('english', leads), 'B')
        || setweight(to_tsvector('english', left(narratives, 60000)), 'C')
        || strip(to_tsvector('english', substr(narratives, 60001, 100000)))
$$;
-- +goose StatementEnd

-- Rebuilds the search documents of the commitments, in one statement for all of them: a bulk load
-- of updates reads the updates once rather than once for each commitment. EXECUTE plans it for the
-- number of commitments at hand.
-- +goose StatementBegin
CREATE FUNCTION refresh_commitment_search(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
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

-- A commitment's own text. A new commitment has no lead lines or updates yet.
-- +goose StatementBegin
CREATE FUNCTION commitments_search() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER commitments_search BEFORE INSERT OR UPDATE OF deliver, why ON commitments
    FOR EACH ROW EXECUTE FUNCTION commitments_search();

-- Its lead lines, and the organisations they name (which leave the text alone but change what the
-- exports say, so they refresh the commitment too and with it its updated_at).
-- +goose StatementBegin
CREATE FUNCTION commitment_leads_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_search(ARRAY(SELECT DISTINCT commitment_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_search(ARRAY(SELECT DISTINCT commitment_id FROM old_rows));
    ELSE
        PERFORM refresh_commitment_search(ARRAY(
            SELECT commitment_id FROM new_rows UNION SELECT commitment_id FROM old_rows));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER commitment_leads_search_insert AFTER INSERT ON commitment_leads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_leads_search();
CREATE TRIGGER commitment_leads_search_update AFTER UPDATE ON commitment_leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commitment_leads_search();
CREATE TRIGGER commitment_leads_search_delete AFTER DELETE ON commitment_leads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_leads_search();

-- +goose StatementBegin
CREATE FUNCTION commitment_lead_organisations_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_search(ARRAY(
            SELECT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_search(ARRAY(
            SELECT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM old_rows)));
    ELSE
        PERFORM refresh_commitment_search(ARRAY(
            SELECT l.commitment_id FROM commitment_leads l
            WHERE l.id IN (SELECT lead_id FROM new_rows UNION SELECT lead_id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER commitment_lead_organisations_touch_insert AFTER INSERT ON commitment_lead_organisations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_lead_organisations_touch();
CREATE TRIGGER commitment_lead_organisations_touch_update AFTER UPDATE ON commitment_lead_organisations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION commitment_lead_organisations_touch();
CREATE TRIGGER commitment_lead_organisations_touch_delete AFTER DELETE ON commitment_lead_organisations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_lead_organisations_touch();

-- Its published updates. A published update never changes, so any published row a statement
-- inserts or updates has just been published. One refresh per commitment per statement keeps bulk
-- loads linear.
-- +goose StatementBegin
CREATE FUNCTION updates_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_search(ARRAY(
        SELECT DISTINCT commitment_id FROM new_rows WHERE state = 'published'));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER updates_search_insert AFTER INSERT ON updates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION updates_search();
CREATE TRIGGER updates_search_update AFTER UPDATE ON updates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION updates_search();

SELECT refresh_commitment_search(ARRAY(SELECT id FROM commitments));

-- updated_at is the time of the latest change to a row, whoever makes it.
-- +goose StatementBegin
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER plans_touch BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER priorities_touch BEFORE UPDATE ON priorities FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER organisations_touch BEFORE UPDATE ON organisations FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER commitments_touch BEFORE UPDATE ON commitments FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER updates_touch BEFORE UPDATE ON updates FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Search, filters and sorts of /commitments and its exports, all within one plan.
CREATE INDEX commitments_search_document ON commitments USING gin (search);
CREATE INDEX commitments_plan_ref_order ON commitments
    (plan_id, (split_part(ref, '.', 1)::integer), (split_part(ref, '.', 2)::integer))
    WHERE retired_at IS NULL;
CREATE INDEX commitments_plan_expected ON commitments (plan_id, (coalesce(expected_month, due_month)))
    WHERE retired_at IS NULL;
CREATE INDEX commitments_plan_last_published ON commitments (plan_id, last_published_at DESC NULLS LAST)
    WHERE retired_at IS NULL;
CREATE INDEX commitments_plan_status ON commitments (plan_id, status) WHERE retired_at IS NULL;
-- The version of the open data: the latest change to a plan's commitments and to published updates.
CREATE INDEX commitments_plan_updated ON commitments (plan_id, updated_at);
CREATE INDEX updates_published_updated ON updates (updated_at) WHERE state = 'published';
-- Feeds: the latest published updates.
CREATE INDEX updates_published_at ON updates (published_at DESC) WHERE state = 'published';

-- +goose Down
DROP INDEX updates_published_at;
DROP INDEX updates_published_updated;
DROP INDEX commitments_plan_updated;
DROP INDEX commitments_plan_status;
DROP INDEX commitments_plan_last_published;
DROP INDEX commitments_plan_expected;
DROP INDEX commitments_plan_ref_order;
DROP INDEX commitments_search_document;
DROP TRIGGER updates_touch ON updates;
DROP TRIGGER commitments_touch ON commitments;
DROP TRIGGER organisations_touch ON organisations;
DROP TRIGGER priorities_touch ON priorities;
DROP TRIGGER plans_touch ON plans;
DROP FUNCTION touch_updated_at;
DROP TRIGGER updates_search_update ON updates;
DROP TRIGGER updates_search_insert ON updates;
DROP FUNCTION updates_search;
DROP TRIGGER commitment_lead_organisations_touch_delete ON commitment_lead_organisations;
DROP TRIGGER commitment_lead_organisations_touch_update ON commitment_lead_organisations;
DROP TRIGGER commitment_lead_organisations_touch_insert ON commitment_lead_organisations;
DROP FUNCTION commitment_lead_organisations_touch;
DROP TRIGGER commitment_leads_search_delete ON commitment_leads;
DROP TRIGGER commitment_leads_search_update ON commitment_leads;
DROP TRIGGER commitment_leads_search_insert ON commitment_leads;
DROP FUNCTION commitment_leads_search;
DROP TRIGGER commitments_search ON commitments;
DROP FUNCTION commitments_search;
DROP FUNCTION refresh_commitment_search;
DROP FUNCTION commitment_search_vector;
ALTER TABLE commitments DROP COLUMN search;
