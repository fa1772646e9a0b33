-- Each row of session_changes names the account whose sessions or row changed: the instances drop
-- what they hold of that account only (a logout, or a signup telling the official address, no
-- longer empties every instance's sessions). A row that names none drops everything.
ALTER TABLE session_changes ADD COLUMN scope TEXT;

DROP TRIGGER session_ended;
CREATE TRIGGER session_ended AFTER DELETE ON sessions
BEGIN
    INSERT INTO session_changes (at, scope)
    VALUES (CAST(strftime('%s', 'now') AS INTEGER), CAST(OLD.account_id AS TEXT));
END;

DROP TRIGGER account_changed;
CREATE TRIGGER account_changed
AFTER UPDATE OF siret, email, last_name, first_name, organisation_name, state, password_hash,
    pending_until, created_at, official_told_at ON accounts
BEGIN
    INSERT INTO session_changes (at, scope)
    VALUES (CAST(strftime('%s', 'now') AS INTEGER), CAST(OLD.id AS TEXT));
END;

DROP TRIGGER account_ended;
CREATE TRIGGER account_ended AFTER DELETE ON accounts
BEGIN
    INSERT INTO session_changes (at, scope)
    VALUES (CAST(strftime('%s', 'now') AS INTEGER), CAST(OLD.id AS TEXT));
END;
