-- Pull endpoints: inbound endpoints of mode 'pull'. Providers post to the same verified ingest URL; the
-- request is kept as a pull event that the customer's code lists, fetches and acknowledges over the API.
ALTER TABLE inbound_endpoints DROP CONSTRAINT IF EXISTS inbound_endpoints_mode_check;
ALTER TABLE inbound_endpoints ADD CONSTRAINT inbound_endpoints_mode_check
  CHECK (mode IN ('forward', 'cli', 'pull'));
ALTER TABLE inbound_endpoints ADD COLUMN retention_days integer;
ALTER TABLE inbound_endpoints ADD COLUMN event_type_source text;
ALTER TABLE inbound_endpoints ADD COLUMN event_type_path text;

-- stored → fetched (a GET of its payload) → delivered (acknowledged). expires_at = received_at +
-- retention_days: reads ignore expired events and the retention job removes them.
CREATE TABLE pull_events (
  id                    uuid PRIMARY KEY,
  project_id            uuid NOT NULL,
  pull_endpoint_id      uuid NOT NULL,
  event_type            text,
  status                text NOT NULL DEFAULT 'stored' CHECK (status IN ('stored', 'fetched', 'delivered')),
  payload               bytea,
  content_type          text,
  size_bytes            integer NOT NULL,
  payload_sha256        text NOT NULL,
  headers               jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_ip             text,
  idempotency_key       text,
  ingest_processing_ms  integer NOT NULL DEFAULT 0,
  fetch_count           integer NOT NULL DEFAULT 0,
  received_at           timestamptz NOT NULL DEFAULT now(),
  fetched_at            timestamptz,
  delivered_at          timestamptz,
  expires_at            timestamptz NOT NULL,
  deleted_at            timestamptz,
  deleted_by_api_key_id text,
  deleted_by_user_id    text
);
-- A deleted event frees its idempotency key (deletion clears it).
CREATE UNIQUE INDEX pull_events_idempotency_idx ON pull_events (pull_endpoint_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- Consumers poll one endpoint's events in one status, oldest first.
CREATE INDEX pull_events_poll_idx ON pull_events (pull_endpoint_id, status, id) WHERE deleted_at IS NULL;
-- Logs and metrics walk a project's events by time.
CREATE INDEX pull_events_project_received_idx ON pull_events (project_id, received_at DESC, id DESC);
CREATE INDEX pull_events_expiry_idx ON pull_events (expires_at);
