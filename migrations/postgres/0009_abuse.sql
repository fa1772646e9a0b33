-- A SIRET named in a signup whose address already had an account is held as a pending
-- account's would be: the outcome of « CRÉER » must not tell whether the address had one.
-- The centre's official address is told, as for a pending account, with a « Ce n'est pas nous »
-- link (only its hash is kept) that ends the hold; the row lives as long as that link.
CREATE TABLE siret_holds (
    siret              TEXT PRIMARY KEY,
    created_at         BIGINT NOT NULL,
    until              BIGINT NOT NULL,
    release_token_hash TEXT,
    link_until         BIGINT NOT NULL
);

-- « Ce n'est pas nous », confirmed: for 30 days only the SIRET's official address may sign it up.
CREATE TABLE contests (
    siret        TEXT NOT NULL,
    contested_at BIGINT NOT NULL
);
CREATE INDEX contests_by_siret ON contests (siret, contested_at);
INSERT INTO contests (siret, contested_at)
    SELECT siret, ended_at FROM ended_accounts WHERE reason = 'suspended';

-- When the account's owner was last told that someone signed up with its address (at most once
-- a day, however many signups name it).
ALTER TABLE accounts ADD COLUMN signup_notice_at BIGINT;

-- Browsers that logged into an account (OWASP device cookies): their logins are judged by their
-- own failures, not by the account-wide ceiling that strangers can fill. Only a hash of the
-- cookie's value is kept.
-- One browser may be known to several accounts (a shared computer) under one cookie.
CREATE TABLE known_devices (
    token_hash   TEXT NOT NULL,
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    PRIMARY KEY (token_hash, account_id)
);
CREATE INDEX known_devices_by_account ON known_devices (account_id);
