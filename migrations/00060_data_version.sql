-- +goose Up
-- The version of the data the public pages show. It goes up by one in every transaction that
-- changes a plan, its aims, priority areas, organisations, commitments, lead lines or updates, at
-- commit and in the same transaction, so a reader that sees the new number also sees the change.
-- Public pages derive their ETag from it.
CREATE TABLE data_version (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   bigint NOT NULL DEFAULT 1
);
INSERT INTO data_version DEFAULT VALUES;

-- Bump the version once per transaction. The trigger is deferred to commit, so the row lock is
-- taken last and held only while the transaction commits: writers never wait on each other
-- here while holding other locks, and cannot deadlock through it. A transaction-local setting
-- remembers that this transaction has bumped it already, so a statement that touches many rows
-- costs one UPDATE.
-- +goose StatementBegin
CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('portal.data_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET version = version + 1;
        PERFORM set_config('portal.data_version_bumped', txid_current()::text, true);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER data_version_plans AFTER INSERT OR UPDATE OR DELETE ON plans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_aims AFTER INSERT OR UPDATE OR DELETE ON aims
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_priorities AFTER INSERT OR UPDATE OR DELETE ON priorities
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_organisations AFTER INSERT OR UPDATE OR DELETE ON organisations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_commitments AFTER INSERT OR UPDATE OR DELETE ON commitments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_commitment_leads AFTER INSERT OR UPDATE OR DELETE ON commitment_leads
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_commitment_lead_organisations
    AFTER INSERT OR UPDATE OR DELETE ON commitment_lead_organisations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
CREATE CONSTRAINT TRIGGER data_version_updates AFTER INSERT OR UPDATE OR DELETE ON updates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

-- +goose Down
DROP TRIGGER data_version_updates ON updates;
DROP TRIGGER data_version_commitment_lead_organisations ON commitment_lead_organisations;
DROP TRIGGER data_version_commitment_leads ON commitment_leads;
DROP TRIGGER data_version_commitments ON commitments;
DROP TRIGGER data_version_organisations ON organisations;
DROP TRIGGER data_version_priorities ON priorities;
DROP TRIGGER data_version_aims ON aims;
DROP TRIGGER data_version_plans ON plans;
DROP FUNCTION data_version_bump;
DROP TABLE data_version;
