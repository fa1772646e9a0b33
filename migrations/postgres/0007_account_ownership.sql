-- A pending account holds its SIRET (and address) until its newest password link ends.
ALTER TABLE accounts ADD COLUMN pending_until BIGINT;
UPDATE accounts SET pending_until = created_at + 259200 WHERE state = 'pending';

-- Accounts that ended (a pending account replaced after its link expired, an account released
-- by support): their SIRET and address are free again; support still sees who held them.
CREATE TABLE ended_accounts (
    id         BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL,
    siret      TEXT NOT NULL,
    email      TEXT NOT NULL,
    state      TEXT NOT NULL,
    -- Kept so that its owner, logging in with the right password, is told the account ended.
    password_hash TEXT,
    created_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX ended_accounts_by_siret ON ended_accounts (siret, id);

-- When the attachment emailed its invitation (a re-attachment the same day sends none): the
-- daily caps count these.
ALTER TABLE attachments ADD COLUMN invited_at BIGINT;
UPDATE attachments SET invited_at = created_at;
