-- +goose Up
-- Why an update says On track with a revised month later than its commitment was due: its
-- author confirms that on purpose, and says why, rather than choosing At risk or Delayed
-- (tracker.OnTrackLater). Staff read it when they review the update; it is not published. The
-- check is added NOT VALID and validated apart, so that the table is not locked while it is read.
ALTER TABLE updates ADD COLUMN on_track_reason text;
ALTER TABLE updates ADD CONSTRAINT updates_on_track_reason_check CHECK (on_track_reason <> '') NOT VALID;
ALTER TABLE updates VALIDATE CONSTRAINT updates_on_track_reason_check;

-- +goose Down
ALTER TABLE updates DROP COLUMN on_track_reason;
