-- UNLOGGED: counters and a cache need no crash safety, and a write that skips the WAL does not
-- wait for a disk flush (one such write per SIRET check). A crash empties them; a clean restart
-- keeps them.
-- Per-client request budgets shared by every instance (token buckets, used on PostgreSQL; one
-- SQLite instance keeps them in memory). `granted` tells the caller what its update decided.
CREATE UNLOGGED TABLE rate_buckets (
    key     TEXT PRIMARY KEY,
    tokens  DOUBLE PRECISION NOT NULL,
    at_ms   BIGINT NOT NULL,
    granted BIGINT NOT NULL
);
CREATE INDEX rate_buckets_at ON rate_buckets (at_ms);

-- INSEE calls of the last minute, counted by every instance together (the key's quota is one).
CREATE UNLOGGED TABLE insee_calls (
    id    BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL
);
CREATE INDEX insee_calls_at ON insee_calls (at_ms);

-- Rows locked while a budget is counted, so two instances cannot both take the last call.
CREATE TABLE budget_locks (
    name  TEXT PRIMARY KEY,
    taken BIGINT NOT NULL
);
INSERT INTO budget_locks (name, taken) VALUES ('insee', 0);

-- INSEE answers, shared by every instance and kept across restarts until they expire.
CREATE UNLOGGED TABLE insee_answers (
    siret      TEXT PRIMARY KEY,
    answer     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
