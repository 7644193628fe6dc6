-- Inbound endpoints: secret ingest URLs that verify what providers send, then forward it (mode forward)
-- through the delivery engine or hold it for the CLI (mode cli).
CREATE TABLE inbound_endpoints (
  id                       uuid PRIMARY KEY,
  project_id               uuid NOT NULL REFERENCES projects (id),
  name                     text,
  description              text,
  mode                     text NOT NULL DEFAULT 'forward' CHECK (mode IN ('forward', 'cli')),
  url                      text,
  secret_token_hash        text NOT NULL,
  -- Also kept encrypted (SecretBox), only to show ingest_url again on GET; ingests match the hash.
  secret_token_sealed      text,
  verify_static_token      boolean NOT NULL DEFAULT false,
  token_header_name        text,
  token_query_param        text,
  token_value_hash         text,
  verify_hmac              boolean NOT NULL DEFAULT false,
  hmac_header_name         text,
  hmac_secret              text,
  timestamp_header_name    text,
  timestamp_ttl_seconds    integer,
  verify_ip_allowlist      boolean NOT NULL DEFAULT false,
  allowed_cidrs            jsonb NOT NULL DEFAULT '[]'::jsonb,
  idempotency_header_names jsonb NOT NULL DEFAULT '[]'::jsonb,
  ingest_response_code     integer NOT NULL DEFAULT 202,
  signing_enabled          boolean NOT NULL DEFAULT false,
  active                   boolean NOT NULL DEFAULT true,
  paused                   boolean NOT NULL DEFAULT false,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  deleted_at               timestamptz
);
CREATE INDEX inbound_endpoints_project_idx ON inbound_endpoints (project_id, id) WHERE deleted_at IS NULL;

CREATE TABLE inbound_signing_keys (
  id                  text PRIMARY KEY,
  inbound_endpoint_id uuid NOT NULL REFERENCES inbound_endpoints (id),
  secret              text NOT NULL,
  key_hint            text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE INDEX inbound_signing_keys_endpoint_idx ON inbound_signing_keys (inbound_endpoint_id) WHERE deleted_at IS NULL;

-- Same queue columns as messages, so one delivery engine serves both. created_at is when it was received.
-- CLI-mode messages have next_attempt_at NULL: they are never due for a worker.
CREATE TABLE inbound_messages (
  id                  uuid PRIMARY KEY,
  project_id          uuid NOT NULL REFERENCES projects (id),
  inbound_endpoint_id uuid NOT NULL REFERENCES inbound_endpoints (id),
  status              text NOT NULL CHECK (status IN ('queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent')),
  held                boolean NOT NULL DEFAULT false,
  payload             bytea,
  content_type        text,
  size_bytes          integer NOT NULL,
  payload_sha256      text NOT NULL,
  headers             jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_ip           text,
  idempotency_key     text,
  attempt_count       integer NOT NULL DEFAULT 0,
  fast_retry_count    integer NOT NULL DEFAULT 0,
  replay_count        integer NOT NULL DEFAULT 0,
  next_attempt_at     timestamptz,
  locked_until        timestamptz,
  locked_by           text,
  last_error          text,
  response_status     integer,
  response_latency_ms integer,
  first_attempt_at    timestamptz,
  delivered_at        timestamptz,
  failed_at           timestamptz,
  handed_over_at      timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX inbound_messages_idempotency_idx ON inbound_messages (inbound_endpoint_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX inbound_messages_due_idx ON inbound_messages (next_attempt_at)
  WHERE status IN ('queued', 'pending_retry') AND NOT held;
CREATE INDEX inbound_messages_lease_idx ON inbound_messages (locked_until) WHERE status = 'delivering';
CREATE INDEX inbound_messages_endpoint_idx ON inbound_messages (inbound_endpoint_id, id);
-- CLI backlog: a listener that connects gets the endpoint's messages no listener has reported on yet.
CREATE INDEX inbound_messages_handover_idx ON inbound_messages (inbound_endpoint_id, id) WHERE handed_over_at IS NULL;
CREATE INDEX inbound_messages_project_created_idx ON inbound_messages (project_id, created_at DESC, id DESC);

CREATE TABLE inbound_attempts (
  id                      uuid PRIMARY KEY,
  message_id              uuid NOT NULL REFERENCES inbound_messages (id),
  project_id              uuid NOT NULL,
  inbound_endpoint_id     uuid NOT NULL,
  attempt_no              integer NOT NULL,
  response_status         integer,
  response_latency_ms     integer,
  processing_ms           real,
  error_text              text,
  response_headers        jsonb,
  response_body           text,
  response_body_truncated boolean NOT NULL DEFAULT false,
  request_headers         jsonb,
  retry_type              text,
  retry_after_seconds     integer,
  resolved_ip             text,
  dns_ms                  real,
  tcp_connect_ms          real,
  tls_handshake_ms        real,
  ttfb_ms                 real,
  transfer_ms             real,
  conn_reused             boolean,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_attempts_message_idx ON inbound_attempts (message_id, attempt_no);

-- Every refused ingest, with why. inbound_endpoint_id is NULL when the endpoint does not exist.
CREATE TABLE inbound_rejections (
  id                  uuid PRIMARY KEY,
  project_id          uuid,
  inbound_endpoint_id uuid,
  reason_code         text NOT NULL,
  reason_detail       text,
  source_ip           text,
  headers_redacted    text,
  received_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_rejections_project_idx ON inbound_rejections (project_id, received_at DESC, id DESC);
