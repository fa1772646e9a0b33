-- The account's life beyond its first administrator.

-- Last login (a session opened), for the inactive accounts' notice and closure. Accounts from
-- before this column count from the latest trace of a login: a session, a known browser, a
-- successful login in the audit trail; else their creation.
ALTER TABLE accounts ADD COLUMN last_login_at BIGINT;
UPDATE accounts SET last_login_at = MAX(
    created_at,
    COALESCE((SELECT MAX(s.created_at) FROM sessions s WHERE s.account_id = accounts.id), 0),
    COALESCE((SELECT MAX(d.last_used_at) FROM known_devices d WHERE d.account_id = accounts.id), 0),
    COALESCE((SELECT MAX(e.at) FROM audit_events e
               WHERE e.account_id = accounts.id AND e.kind = 'login_succeeded'), 0)
);
-- When the account was told it will be closed for inactivity (once per inactive period), and the
-- date that notice announced: it is never closed before.
ALTER TABLE accounts ADD COLUMN inactivity_notice_at BIGINT;
ALTER TABLE accounts ADD COLUMN inactivity_close_at BIGINT;

-- « Changer d'administrateur »: at most one waiting per account, until the new address sets its
-- password through its link (a `tokens` row of purpose `handover`) or the handover is cancelled.
CREATE TABLE handovers (
    account_id     BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    email_identity TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    started_by     TEXT NOT NULL CHECK (started_by IN ('administrator', 'official', 'support')),
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
