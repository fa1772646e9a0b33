-- Accounts of training centres' administrators. One per SIRET, one per email (lower-cased).
CREATE TABLE accounts (
    id                BIGSERIAL PRIMARY KEY,
    siret             TEXT NOT NULL UNIQUE,
    email_identity    TEXT NOT NULL UNIQUE,
    email             TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('pending', 'active')),
    password_hash     TEXT,
    created_at        BIGINT NOT NULL
);

-- Approvals (agréments) imported from the DREAL files.
CREATE TABLE approvals (
    number             TEXT PRIMARY KEY,
    siret              TEXT NOT NULL,
    transport_type     TEXT NOT NULL CHECK (transport_type IN ('voyageurs', 'marchandises')),
    trainings          TEXT NOT NULL,
    starts_on          TEXT NOT NULL,
    ends_on            TEXT,
    region             TEXT NOT NULL,
    notification_email TEXT NOT NULL,
    imported_at        BIGINT NOT NULL
);
CREATE INDEX approvals_by_siret ON approvals (siret);

-- Single-use links (password creation, reset). Only a hash of the token is kept.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    purpose    TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX tokens_by_account ON tokens (account_id);

-- Emails waiting to be sent, written in the same transaction as what caused them.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
