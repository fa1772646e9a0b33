-- Each app instance holds in memory the live sessions it has read (with their accounts) and the
-- approvals it has read. A row in a change table says « these rows changed »: every instance
-- watches the tables and drops what it holds when they move (triggers, so that no write can
-- forget to say so). Rows are inserted, never updated: concurrent transactions never wait for
-- one another here.
CREATE TABLE session_changes (
    n  BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL
);

CREATE TABLE approval_changes (
    n  BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL
);

-- The change table is the trigger's argument.
CREATE FUNCTION note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %I (at) VALUES ($1)', TG_ARGV[0])
        USING EXTRACT(EPOCH FROM now())::BIGINT;
    RETURN NULL;
END
$$;

-- One row per statement that deleted sessions (a purge deletes many at once).
CREATE FUNCTION note_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ended) THEN
        INSERT INTO session_changes (at) VALUES (EXTRACT(EPOCH FROM now())::BIGINT);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER session_ended AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS ended FOR EACH STATEMENT EXECUTE FUNCTION note_sessions_ended();

CREATE TRIGGER account_changed
    AFTER UPDATE OF siret, email, last_name, first_name, organisation_name, state, password_hash,
        pending_until, created_at, official_told_at ON accounts
    FOR EACH ROW EXECUTE FUNCTION note_change('session_changes');

CREATE TRIGGER account_ended AFTER DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION note_change('session_changes');

CREATE TRIGGER approvals_changed AFTER INSERT OR UPDATE OR DELETE ON approvals
    FOR EACH STATEMENT EXECUTE FUNCTION note_change('approval_changes');
