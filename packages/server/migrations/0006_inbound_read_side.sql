-- The read side of inbound messages: replay bookkeeping as on outbound messages (0003), and the indexes
-- that logs, rejections and metrics walk. IF NOT EXISTS: the ingest side may have added some already.

-- Counted attempts spent before the latest replay: a replay is a new delivery with a fresh retry budget.
ALTER TABLE inbound_messages ADD COLUMN IF NOT EXISTS retry_base integer NOT NULL DEFAULT 0;
-- When the payload may be removed; stamped by the first replay so a replay never extends retention.
ALTER TABLE inbound_messages ADD COLUMN IF NOT EXISTS payload_expires_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN IF NOT EXISTS payload_deleted_at timestamptz;

-- Logs filtered by endpoint, newest first (keyset on created_at, id).
CREATE INDEX IF NOT EXISTS inbound_messages_endpoint_created_idx
  ON inbound_messages (inbound_endpoint_id, created_at DESC, id DESC);
-- Rejections filtered by endpoint, newest first.
CREATE INDEX IF NOT EXISTS inbound_rejections_endpoint_idx
  ON inbound_rejections (inbound_endpoint_id, received_at DESC, id DESC);
-- Metrics read windows of a project's messages and attempts; INCLUDE makes them index-only scans.
CREATE INDEX IF NOT EXISTS inbound_messages_metrics_idx
  ON inbound_messages (project_id, created_at) INCLUDE (status, inbound_endpoint_id);
CREATE INDEX IF NOT EXISTS inbound_attempts_metrics_idx
  ON inbound_attempts (project_id, created_at) INCLUDE (inbound_endpoint_id, attempt_no, response_latency_ms);
