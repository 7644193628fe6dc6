-- Message deletion (privacy and clean-up): a deleted message keeps its row, so metrics and usage history
-- still count it, but loses its payload, idempotency key and attempt bodies at once, and leaves every list.
-- Who deleted it is kept: an API key id, or a user id (always NULL on a self-hosted server without users).
-- Nullable columns without defaults: adding them rewrites nothing, however large the tables are.
ALTER TABLE messages ADD COLUMN deleted_at timestamptz;
ALTER TABLE messages ADD COLUMN deleted_by_api_key_id text;
ALTER TABLE messages ADD COLUMN deleted_by_user_id text;
ALTER TABLE inbound_messages ADD COLUMN deleted_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN deleted_by_api_key_id text;
ALTER TABLE inbound_messages ADD COLUMN deleted_by_user_id text;
