-- +goose NO TRANSACTION
-- +goose Up
-- The retired commitments, few or none: the review queue is counted as the submitted updates
-- whose commitment is not among them, an anti-join against this small index, rather than a
-- lookup of every waiting update's commitment by its key.
CREATE INDEX CONCURRENTLY IF NOT EXISTS commitments_retired ON commitments (id) WHERE retired_at IS NOT NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS commitments_retired;
