-- An email that can never be sent (invalid recipient or message) stops being retried: it is
-- marked abandoned and shows as failed to the operator.
ALTER TABLE outbox ADD COLUMN abandoned_at BIGINT;
