-- +goose Up
-- Failed sign-ins, counted per key (an account, an account from one address, an address), so
-- that every instance of the portal throttles alike. A key's count starts again once it has seen
-- no failure for a while, and a lock always ends: see tracker.ThrottleRule.
CREATE TABLE sign_in_throttle (
    key           text PRIMARY KEY,
    failures      integer NOT NULL CHECK (failures > 0),
    last_failure  timestamptz NOT NULL,
    locked_until  timestamptz
);
CREATE INDEX sign_in_throttle_last_failure ON sign_in_throttle (last_failure);

-- +goose Down
DROP TABLE sign_in_throttle;
