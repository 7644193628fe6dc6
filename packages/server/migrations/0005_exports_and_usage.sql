-- CSV export jobs. The file lives in the exports directory under `file_name`; the row is the job
-- (pending → processing → completed | failed), claimed with a lease like a message.
CREATE TABLE exports (
  id                         uuid PRIMARY KEY,
  project_id                 uuid NOT NULL REFERENCES projects (id),
  status                     text NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  direction                  text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  filter_start_time          timestamptz NOT NULL,
  filter_end_time            timestamptz NOT NULL,
  filter_status              text,
  filter_endpoint_id         text,
  filter_inbound_endpoint_id text,
  row_count                  integer,
  file_size_bytes            bigint,
  file_name                  text,
  error_message              text,
  locked_until               timestamptz,
  started_at                 timestamptz,
  completed_at               timestamptz,
  expires_at                 timestamptz,
  created_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exports_project_idx ON exports (project_id, created_at DESC);
CREATE INDEX exports_work_idx ON exports (created_at) WHERE status IN ('pending', 'processing');

-- Live-mode message counts of months that have ended, frozen so usage history survives metadata retention.
CREATE TABLE usage_monthly (
  project_id    uuid NOT NULL REFERENCES projects (id),
  period_start  date NOT NULL,
  message_count bigint NOT NULL,
  PRIMARY KEY (project_id, period_start)
);

-- Metrics read windows of a project's messages and attempts; the INCLUDE columns make them index-only scans.
CREATE INDEX messages_metrics_idx ON messages (project_id, created_at) INCLUDE (status, endpoint_id, mode);
CREATE INDEX attempts_metrics_idx ON attempts (project_id, created_at)
  INCLUDE (endpoint_id, attempt_no, response_latency_ms);
