-- Each row of session_changes names the account whose sessions or row changed: the instances drop
-- what they hold of that account only (a logout, or a signup telling the official address, no
-- longer empties every instance's sessions). A row that names none drops everything.
ALTER TABLE session_changes ADD COLUMN scope TEXT;

-- One row per account per statement that deleted sessions (a purge deletes many at once).
CREATE OR REPLACE FUNCTION note_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_changes (at, scope)
    SELECT DISTINCT EXTRACT(EPOCH FROM now())::BIGINT, account_id::TEXT FROM ended;
    RETURN NULL;
END
$$;

CREATE FUNCTION note_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_changes (at, scope)
    VALUES (EXTRACT(EPOCH FROM now())::BIGINT, OLD.id::TEXT);
    RETURN NULL;
END
$$;

DROP TRIGGER account_changed ON accounts;
CREATE TRIGGER account_changed
    AFTER UPDATE OF siret, email, last_name, first_name, organisation_name, state, password_hash,
        pending_until, created_at, official_told_at ON accounts
    FOR EACH ROW EXECUTE FUNCTION note_account_change();

DROP TRIGGER account_ended ON accounts;
CREATE TRIGGER account_ended AFTER DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION note_account_change();
