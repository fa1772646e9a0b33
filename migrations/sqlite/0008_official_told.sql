-- When the centre's official address learnt of the account (« un compte administrateur a été
-- demandé »), or that the account was asked from that address itself: asked once per account.
-- Kept on the account because the « Ce n'est pas nous » links that said so are purged once dead.
ALTER TABLE accounts ADD COLUMN official_told_at BIGINT;
-- Accounts told before this column: by their notice's audit event, else by their link (sent
-- 30 days before it expires).
UPDATE accounts SET official_told_at = COALESCE(
    (SELECT MIN(e.at) FROM audit_events e
      WHERE e.account_id = accounts.id AND e.kind = 'official_address_told'),
    (SELECT MIN(t.expires_at) - 2592000 FROM tokens t
      WHERE t.account_id = accounts.id AND t.purpose = 'not_us')
);
