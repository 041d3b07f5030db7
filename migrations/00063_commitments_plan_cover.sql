-- +goose Up
-- One covering index for the questions asked of a whole plan's commitments: the counts by
-- priority area and status, and the dashboard's overdue and update-due lists, which find and
-- count their commitments from it alone before reading the few they show. It replaces
-- commitments_counts, which held too few columns for the lists.
CREATE INDEX commitments_plan_cover ON commitments (plan_id, priority_id)
    INCLUDE (status, expected_month, due_month, last_published_at, ordinal, id)
    WHERE retired_at IS NULL;
DROP INDEX commitments_counts;

-- +goose Down
CREATE INDEX commitments_counts ON commitments (plan_id, priority_id) INCLUDE (status, expected_month, due_month)
    WHERE retired_at IS NULL;
DROP INDEX commitments_plan_cover;
