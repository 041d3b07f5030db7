-- +goose Up
-- Indexes for the public pages' queries at national scale (every plan of every year, a million
-- updates): each reads only the rows it shows. internal/postgres's TestListQueriesUseIndexes
-- checks the plans.

-- The overview's counts by priority area and status read this index alone, not the table.
CREATE INDEX commitments_counts ON commitments (plan_id, priority_id) INCLUDE (status, expected_month, due_month)
    WHERE retired_at IS NULL;

-- +goose Down
DROP INDEX commitments_counts;
