-- Message operations: replay, logs, the DLQ and payload retention.

-- Counted attempts (attempt_count - fast_retry_count) spent before the latest replay: a replay is a new
-- delivery with a fresh retry budget, so the worker counts attempts against the policy from this base.
ALTER TABLE messages ADD COLUMN retry_base integer NOT NULL DEFAULT 0;
-- When the payload may be removed. Stamped once the message is first final (or when it is replayed), so a
-- replay never extends retention: it runs from the original delivery.
ALTER TABLE messages ADD COLUMN payload_expires_at timestamptz;
ALTER TABLE messages ADD COLUMN payload_deleted_at timestamptz;

-- Logs filtered by endpoint, newest first (keyset on created_at, id).
CREATE INDEX messages_endpoint_created_idx ON messages (endpoint_id, created_at DESC, id DESC);
-- The DLQ, most recent failure first.
CREATE INDEX messages_dlq_idx ON messages (project_id, failed_at DESC, id DESC) WHERE status = 'failed_permanent';
-- Final messages still holding a payload: the retention job stamps the NULL keys and clears the expired ones.
CREATE INDEX messages_payload_retention_idx ON messages (payload_expires_at)
  WHERE payload IS NOT NULL AND status IN ('succeeded', 'failed_permanent');
