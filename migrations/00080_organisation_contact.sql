-- +goose Up
-- An address staff give for an organisation that is reminded of a reporting round when the
-- organisation has no active partner accounts, so that no organisation goes unreminded. It is
-- optional, and checked as an email address when staff save it (tracker.EmailProblem).
ALTER TABLE organisations ADD COLUMN contact_email text CHECK (contact_email <> '');

-- +goose Down
ALTER TABLE organisations DROP COLUMN contact_email;
