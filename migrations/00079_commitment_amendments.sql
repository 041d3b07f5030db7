-- +goose Up
-- Amendments to what the public sees of a commitment, each with the short note staff gave for
-- it, such as "corrected the lead organisation". A commitment's public page lists them, newest
-- first ("Amended on 3 December 2026: corrected the lead organisation"); the audit log keeps the
-- same note with the change itself. fields are the labels of what changed, such as
-- {"who leads it"}. Rows are only ever added, in the transaction that changes the commitment.
CREATE TABLE commitment_amendments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commitment_id bigint NOT NULL REFERENCES commitments (id),
    amended_at    timestamptz NOT NULL,
    fields        text[] NOT NULL CHECK (cardinality(fields) > 0),
    note          text NOT NULL CHECK (note <> '' AND char_length(note) <= 200),
    user_id       bigint REFERENCES users (id)
);
CREATE INDEX commitment_amendments_commitment ON commitment_amendments (commitment_id, amended_at DESC, id DESC);
-- An amendment is part of the public data: adding one moves the data version (00060).
CREATE CONSTRAINT TRIGGER data_version_commitment_amendments AFTER INSERT OR UPDATE OR DELETE ON commitment_amendments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

-- +goose Down
DROP TABLE commitment_amendments;
