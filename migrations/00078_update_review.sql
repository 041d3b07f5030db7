-- +goose Up
-- The conversation about an update in review: the notes staff return it with, the partner's
-- replies and staff's answers. Staff and the update's organisation read it; the public never
-- does, and nothing public (pages, feeds, downloads, search) is built from it. Rows are never
-- changed: each message is a new row.
CREATE TABLE update_messages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    update_id   bigint NOT NULL REFERENCES updates (id),
    kind        text NOT NULL CHECK (kind IN ('return', 'reply', 'answer')),
    author_id   bigint REFERENCES users (id),
    body        text NOT NULL CHECK (body <> ''),
    created_at  timestamptz NOT NULL
);
CREATE INDEX update_messages_update_id ON update_messages (update_id, id);

-- Wording staff corrected in an update before publishing it, without returning it: which field,
-- what it said before and after, who and when. The update holds the corrected text, which is what
-- is published; its organisation's partners are shown what changed. Each is also in the audit log.
CREATE TABLE update_corrections (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    update_id     bigint NOT NULL REFERENCES updates (id),
    field         text NOT NULL CHECK (field IN ('narrative', 'status_reason')),
    before_text   text NOT NULL,
    after_text    text NOT NULL,
    corrected_by  bigint REFERENCES users (id),
    corrected_at  timestamptz NOT NULL
);
CREATE INDEX update_corrections_update_id ON update_corrections (update_id, id);

-- +goose Down
DROP TABLE update_corrections;
DROP TABLE update_messages;
