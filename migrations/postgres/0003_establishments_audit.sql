-- Secondary establishments attached to a main establishment's contract (case 2 of the approval
-- notice). A detached row is kept (detached_at set) for the record; an establishment is attached
-- to at most one main establishment at a time.
CREATE TABLE attachments (
    id                BIGSERIAL PRIMARY KEY,
    main_account_id   BIGINT NOT NULL REFERENCES accounts (id),
    siret             TEXT NOT NULL,
    organisation_name TEXT,
    contact_email     TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    detached_at       BIGINT
);
CREATE UNIQUE INDEX attachments_active_siret ON attachments (siret) WHERE detached_at IS NULL;
CREATE INDEX attachments_by_main ON attachments (main_account_id);

-- Security-relevant events, for support and investigations. Never holds a secret.
CREATE TABLE audit_events (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    siret      TEXT,
    account_id BIGINT,
    ip         TEXT,
    detail     TEXT NOT NULL
);
CREATE INDEX audit_by_siret ON audit_events (siret, id);
