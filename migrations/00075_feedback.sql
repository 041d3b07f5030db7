-- +goose Up
-- Feedback from the public: "Is this page useful?" and the feedback form. It holds no personal
-- data by design: the page's path, the answer and what the visitor typed, and when. No address,
-- session or account is stored with it. Rows older than tracker.FeedbackRetention are deleted by
-- `portal serve`'s housekeeping.
CREATE TABLE feedback (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page        text NOT NULL DEFAULT '' CHECK (length(page) <= 500),
    useful      boolean,
    doing       text NOT NULL DEFAULT '' CHECK (length(doing) <= 5000),
    went_wrong  text NOT NULL DEFAULT '' CHECK (length(went_wrong) <= 5000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feedback_says_something CHECK (useful IS NOT NULL OR doing <> '' OR went_wrong <> '')
);
-- Staff read it newest first, all of it or one page's.
CREATE INDEX feedback_created ON feedback (created_at DESC, id DESC);
CREATE INDEX feedback_page ON feedback (page, created_at DESC, id DESC);

-- Keys the portal signs form fields with (such as the time a feedback form was shown), shared by
-- every instance. The first instance that needs a key makes it; the row is never changed.
CREATE TABLE form_keys (
    purpose     text PRIMARY KEY CHECK (purpose <> ''),
    key         bytea NOT NULL CHECK (length(key) = 32),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE form_keys;
DROP TABLE feedback;
