-- Passkeys (WebAuthn): each with its name, the credential's public key and counter as
-- webauthn-rs keeps them (nothing secret), when it was added and last used.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    passkey       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_by_account ON passkeys (account_id);

-- A WebAuthn ceremony between its two requests (its challenge and what it expects, sealed):
-- adding a passkey, a login's second step, a one-step sign-in or a confirmation before a
-- change. Only the hash of its id is kept; it is used once.
CREATE TABLE webauthn_ceremonies (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    state      TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
