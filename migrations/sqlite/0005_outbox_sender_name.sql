-- The sender's display name when an email is not sent as the app itself (the approval notice
-- comes from « Agrément CFA », at the same address).
ALTER TABLE outbox ADD COLUMN sender_name TEXT;
