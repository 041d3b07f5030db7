-- +goose Up
-- The portal serves as a role that owns nothing. The role that runs the migrations owns every
-- table, and may therefore alter them, disable their triggers or truncate them; the role that
-- serves needs none of that, and if it could, a flaw in the portal would let an attacker empty
-- the audit log. delivery_tracker_app is a group role (NOLOGIN) holding what the portal needs
-- when it serves: reading and writing rows, with the audit log append-only. The login role the
-- portal serves as is made a member of it, once, by whoever administers the database:
--
--     CREATE ROLE portal_app LOGIN PASSWORD '...' IN ROLE delivery_tracker_app;
--
-- A role belongs to the whole PostgreSQL cluster, not one database: this migration creates it only
-- when it does not exist yet, and tolerates another database's migration creating it at the same
-- moment. A migrating role without CREATEROLE needs it made beforehand.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'delivery_tracker_app') THEN
        BEGIN
            CREATE ROLE delivery_tracker_app NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- made meanwhile by the migration of another database in the cluster
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role delivery_tracker_app does not exist, and % may not create it', current_user
                    USING ERRCODE = 'insufficient_privilege',
                          HINT = 'As a role with CREATEROLE, run CREATE ROLE delivery_tracker_app NOLOGIN, then migrate again.';
        END;
    END IF;
END;
$$;
-- +goose StatementEnd

-- Rows of every table, and the sequences behind them; nothing else (no TRUNCATE, REFERENCES or
-- TRIGGER, and no ownership, so no ALTER, DROP or DISABLE TRIGGER). The same for tables and
-- sequences later migrations create, as long as the same role runs them: a table that must not
-- give all four (as audit_log) revokes what it withholds in the migration that creates it.
GRANT USAGE ON SCHEMA public TO delivery_tracker_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO delivery_tracker_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO delivery_tracker_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO delivery_tracker_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO delivery_tracker_app;

-- The migrations' own bookkeeping is the migrating role's alone. Its sequence is found from the
-- table rather than by name: PostgreSQL names it, and names it goose_db_version_id_seq1 when
-- instances starting at once race to create the table (goose creates it before taking its lock).
REVOKE ALL ON goose_db_version FROM delivery_tracker_app;
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM delivery_tracker_app',
        pg_get_serial_sequence('goose_db_version', 'id'));
END;
$$;
-- +goose StatementEnd

-- The audit log is read and added to, never changed or emptied.
REVOKE UPDATE, DELETE ON audit_log FROM delivery_tracker_app;

-- +goose Down
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE USAGE, SELECT ON SEQUENCES FROM delivery_tracker_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM delivery_tracker_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM delivery_tracker_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM delivery_tracker_app;
REVOKE USAGE ON SCHEMA public FROM delivery_tracker_app;
-- The role stays: other databases in the cluster may use it.
