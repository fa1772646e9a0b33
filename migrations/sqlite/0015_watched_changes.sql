-- Each app instance holds in memory the live sessions it has read (with their accounts) and the
-- approvals it has read. A row in a change table says « these rows changed »: every instance
-- watches the tables and drops what it holds when they move (triggers, so that no write can
-- forget to say so).
CREATE TABLE session_changes (
    n  INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL
);

CREATE TRIGGER session_ended AFTER DELETE ON sessions
BEGIN
    INSERT INTO session_changes (at) VALUES (CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER account_changed
AFTER UPDATE OF siret, email, last_name, first_name, organisation_name, state, password_hash,
    pending_until, created_at, official_told_at ON accounts
BEGIN
    INSERT INTO session_changes (at) VALUES (CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER account_ended AFTER DELETE ON accounts
BEGIN
    INSERT INTO session_changes (at) VALUES (CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TABLE approval_changes (
    n  INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL
);

CREATE TRIGGER approval_added AFTER INSERT ON approvals
BEGIN
    INSERT INTO approval_changes (at) VALUES (CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER approval_changed AFTER UPDATE ON approvals
BEGIN
    INSERT INTO approval_changes (at) VALUES (CAST(strftime('%s', 'now') AS INTEGER));
END;

CREATE TRIGGER approval_removed AFTER DELETE ON approvals
BEGIN
    INSERT INTO approval_changes (at) VALUES (CAST(strftime('%s', 'now') AS INTEGER));
END;
