-- +goose NO TRANSACTION
-- +goose Up
-- Each commitment in use with each organisation its lead lines name, and its ref's numbers. The
-- finder lists a lead organisation's commitments by reading them in order of ref from the index
-- commitment_organisations_page and stopping after the page, where it found every one of them
-- through its lead lines (351 for an organisation at national scale) to put them in order. The
-- triggers keep the rows as lead lines, the organisations they name, refs and retirements
-- change; the backfill comes after them, in batches of commitments that each commit.
SET statement_timeout = 0;

CREATE TABLE IF NOT EXISTS commitment_organisations (
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    plan_id bigint NOT NULL,
    major integer NOT NULL,
    minor integer NOT NULL,
    PRIMARY KEY (commitment_id, organisation_id)
);
CREATE INDEX IF NOT EXISTS commitment_organisations_page
    ON commitment_organisations (organisation_id, plan_id, major, minor) INCLUDE (commitment_id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_commitment_organisations(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM commitment_organisations WHERE commitment_id = ANY (ids);
    INSERT INTO commitment_organisations (commitment_id, organisation_id, plan_id, major, minor)
    SELECT DISTINCT c.id, clo.organisation_id, c.plan_id,
           split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer
    FROM commitments c
    JOIN commitment_leads l ON l.commitment_id = c.id
    JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
    WHERE c.id = ANY (ids) AND c.retired_at IS NULL
    ON CONFLICT (commitment_id, organisation_id) DO UPDATE
    SET plan_id = EXCLUDED.plan_id, major = EXCLUDED.major, minor = EXCLUDED.minor
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_leads_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_organisations(ARRAY(SELECT DISTINCT commitment_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_organisations(ARRAY(SELECT DISTINCT commitment_id FROM old_rows));
    ELSE
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT commitment_id FROM new_rows UNION SELECT commitment_id FROM old_rows));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_lead_organisations_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A lead line deleted with the organisations it names is gone by now: its own trigger
    -- refreshes its commitment.
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT DISTINCT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT DISTINCT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM old_rows)));
    ELSE
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT DISTINCT l.commitment_id FROM commitment_leads l
            WHERE l.id IN (SELECT lead_id FROM new_rows UNION SELECT lead_id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION commitment_organisations_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_commitment_organisations(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER IF EXISTS commitment_leads_organisations_insert ON commitment_leads;
CREATE TRIGGER commitment_leads_organisations_insert AFTER INSERT ON commitment_leads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_leads_organisations();
DROP TRIGGER IF EXISTS commitment_leads_organisations_update ON commitment_leads;
CREATE TRIGGER commitment_leads_organisations_update AFTER UPDATE ON commitment_leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_leads_organisations();
DROP TRIGGER IF EXISTS commitment_leads_organisations_delete ON commitment_leads;
CREATE TRIGGER commitment_leads_organisations_delete AFTER DELETE ON commitment_leads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_leads_organisations();
DROP TRIGGER IF EXISTS commitment_lead_organisations_organisations_insert ON commitment_lead_organisations;
CREATE TRIGGER commitment_lead_organisations_organisations_insert AFTER INSERT ON commitment_lead_organisations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_lead_organisations_organisations();
DROP TRIGGER IF EXISTS commitment_lead_organisations_organisations_update ON commitment_lead_organisations;
CREATE TRIGGER commitment_lead_organisations_organisations_update AFTER UPDATE ON commitment_lead_organisations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION commitment_lead_organisations_organisations();
DROP TRIGGER IF EXISTS commitment_lead_organisations_organisations_delete ON commitment_lead_organisations;
CREATE TRIGGER commitment_lead_organisations_organisations_delete AFTER DELETE ON commitment_lead_organisations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commitment_lead_organisations_organisations();
DROP TRIGGER IF EXISTS commitments_organisations ON commitments;
CREATE TRIGGER commitments_organisations AFTER UPDATE OF ref, plan_id, retired_at ON commitments FOR EACH ROW
    WHEN (OLD.ref IS DISTINCT FROM NEW.ref OR OLD.plan_id IS DISTINCT FROM NEW.plan_id
          OR OLD.retired_at IS DISTINCT FROM NEW.retired_at)
    EXECUTE FUNCTION commitment_organisations_row();

-- +goose StatementBegin
DO $$
DECLARE
    after_id bigint := 0;
    ids bigint[];
BEGIN
    LOOP
        ids := ARRAY(SELECT id FROM commitments WHERE id > after_id ORDER BY id LIMIT 2000);
        EXIT WHEN cardinality(ids) = 0;
        PERFORM refresh_commitment_organisations(ids);
        after_id := ids[cardinality(ids)];
        COMMIT;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS commitments_organisations ON commitments;
DROP TRIGGER IF EXISTS commitment_lead_organisations_organisations_delete ON commitment_lead_organisations;
DROP TRIGGER IF EXISTS commitment_lead_organisations_organisations_update ON commitment_lead_organisations;
DROP TRIGGER IF EXISTS commitment_lead_organisations_organisations_insert ON commitment_lead_organisations;
DROP TRIGGER IF EXISTS commitment_leads_organisations_delete ON commitment_leads;
DROP TRIGGER IF EXISTS commitment_leads_organisations_update ON commitment_leads;
DROP TRIGGER IF EXISTS commitment_leads_organisations_insert ON commitment_leads;
DROP FUNCTION IF EXISTS commitment_organisations_row();
DROP FUNCTION IF EXISTS commitment_lead_organisations_organisations();
DROP FUNCTION IF EXISTS commitment_leads_organisations();
DROP FUNCTION IF EXISTS refresh_commitment_organisations(bigint[]);
DROP TABLE IF EXISTS commitment_organisations;
