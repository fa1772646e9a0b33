-- When the session's owner last typed its password: the login, or a confirmation asked before a
-- sensitive change (ending other sessions…) when that is older than a few minutes. Sessions
-- opened before count as not recent.
ALTER TABLE sessions ADD COLUMN authenticated_at BIGINT NOT NULL DEFAULT 0;
