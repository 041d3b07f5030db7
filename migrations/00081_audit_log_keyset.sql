-- +goose NO TRANSACTION
-- +goose Up
-- The audit log a page at a time after a cursor (at, id), newest first, filtered by action, by
-- who acted or by record, and by date: each filter has an index whose key ends (at DESC, id DESC),
-- so a page of any filter, however deep, reads its rows in order from the index, and counting the
-- matches (up to a limit) is an index-only scan. They replace audit_log_actor and
-- audit_log_record, whose keys had no id to break ties.
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_action_at ON audit_log (action, at DESC, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_actor_at ON audit_log (actor_id, at DESC, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_record_at ON audit_log (record_type, record_id, at DESC, id DESC);
DROP INDEX CONCURRENTLY IF EXISTS audit_log_actor;
DROP INDEX CONCURRENTLY IF EXISTS audit_log_record;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_record ON audit_log (record_type, record_id, at DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_actor ON audit_log (actor_id, at DESC);
DROP INDEX CONCURRENTLY IF EXISTS audit_log_record_at;
DROP INDEX CONCURRENTLY IF EXISTS audit_log_actor_at;
DROP INDEX CONCURRENTLY IF EXISTS audit_log_action_at;
