-- +goose Up
-- The public data version (00060) moves only when something the public sees changes. An update
-- is public once published, and never changes after; drafts, submissions, returns and their
-- edits are seen only by the organisation and staff. Moving the version for them told anyone
-- watching the public pages' ETags when unpublished work happened, and emptied the cache of
-- public pages at every draft saved. Now only an update that is published (inserted published,
-- or becoming published) moves it. Sessions, sign-in throttles, accounts and the audit log never
-- did: they have no such trigger.
DROP TRIGGER data_version_updates ON updates;
CREATE CONSTRAINT TRIGGER data_version_updates AFTER INSERT OR UPDATE ON updates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.state = 'published') EXECUTE FUNCTION data_version_bump();
-- Published updates cannot be deleted (updates_published_are_final); should one ever be, it
-- counts.
CREATE CONSTRAINT TRIGGER data_version_updates_delete AFTER DELETE ON updates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.state = 'published') EXECUTE FUNCTION data_version_bump();

-- +goose Down
DROP TRIGGER data_version_updates_delete ON updates;
DROP TRIGGER data_version_updates ON updates;
CREATE CONSTRAINT TRIGGER data_version_updates AFTER INSERT OR UPDATE OR DELETE ON updates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();
