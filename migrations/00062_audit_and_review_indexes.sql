-- +goose Up
-- Indexes for the audit log and review lists at national scale; internal/postgres's
-- TestListQueriesUseIndexes checks the plans.

-- The audit log, newest first, a page at a time, and filtered by the actor's address.
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor_email ON audit_log (lower(actor_email), at DESC, id DESC);

-- +goose Down
DROP INDEX audit_log_actor_email;
DROP INDEX audit_log_at;
