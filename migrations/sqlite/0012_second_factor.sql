-- The authenticator app (RFC 6238): its secret sealed with the configured key (never in clear),
-- the last time step a code was accepted for (a code is accepted once), and when the
-- administrator confirmed it with a first code (until then the login does not ask for it).
CREATE TABLE totp_factors (
    account_id   BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    sealed       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT NOT NULL DEFAULT 0
);

-- Recovery codes, each usable once: only a keyed hash of each is kept, with a random salt of
-- its own (`salt:hash`).
CREATE TABLE recovery_codes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (account_id, code_hash)
);

-- New recovery codes until the page that shows them once has shown them (sealed, like the
-- app's secret), to the session that made them and for a few minutes only.
CREATE TABLE unseen_recovery_codes (
    account_id   BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    sealed       TEXT NOT NULL,
    session_hash TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
