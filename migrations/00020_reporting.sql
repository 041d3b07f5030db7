-- +goose Up
-- Partners report progress and staff review and publish it.

-- Submissions for review are numbered in the order they happen. A report form remembers the
-- highest number it knew of (base_submission), so that on submit the portal can tell whether
-- another update was submitted after the form was opened. published_version is the commitment
-- version that publishing the update made, so that a form opened at version N can be shown the
-- updates published since.
CREATE SEQUENCE updates_submission_seq;
-- Withdrawn and Carried forward always come with a reason, and Carried forward names the later
-- plan, except in reports taken from a published plan, which say what they say.
ALTER TABLE updates
    ADD COLUMN submission           bigint,
    ADD COLUMN base_submission      bigint,
    ADD COLUMN published_version    integer,
    ADD COLUMN carried_forward_plan text CHECK (carried_forward_plan <> ''),
    ADD COLUMN carried_forward_plan_id bigint REFERENCES plans (id),
    ADD CONSTRAINT updates_closing_reason CHECK (
        source_title IS NOT NULL OR status NOT IN ('withdrawn', 'carried_forward') OR status_reason IS NOT NULL),
    ADD CONSTRAINT updates_carried_forward_plan CHECK (
        source_title IS NOT NULL OR status <> 'carried_forward' OR carried_forward_plan IS NOT NULL);

-- The later plan a carried forward commitment moves to: its name as staff gave it, and the plan
-- itself where the portal has it.
ALTER TABLE commitments
    ADD COLUMN carried_forward_plan text CHECK (carried_forward_plan <> ''),
    ADD COLUMN carried_forward_plan_id bigint REFERENCES plans (id);

-- Each organisation has at most one update in progress (draft, submitted or returned) on a
-- commitment, and so does each member of staff writing one themselves.
CREATE UNIQUE INDEX updates_open_per_organisation ON updates (commitment_id, organisation_id)
    WHERE state <> 'published' AND organisation_id IS NOT NULL;
CREATE UNIQUE INDEX updates_open_per_staff_author ON updates (commitment_id, author_id)
    WHERE state <> 'published' AND organisation_id IS NULL;
CREATE INDEX updates_commitment_submission ON updates (commitment_id, submission);

-- +goose Down
DROP INDEX updates_commitment_submission;
DROP INDEX updates_open_per_staff_author;
DROP INDEX updates_open_per_organisation;
ALTER TABLE commitments DROP COLUMN carried_forward_plan_id, DROP COLUMN carried_forward_plan;
ALTER TABLE updates
    DROP CONSTRAINT updates_carried_forward_plan,
    DROP CONSTRAINT updates_closing_reason,
    DROP COLUMN carried_forward_plan_id,
    DROP COLUMN carried_forward_plan,
    DROP COLUMN published_version,
    DROP COLUMN base_submission,
    DROP COLUMN submission;
DROP SEQUENCE updates_submission_seq;
