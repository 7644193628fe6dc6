-- Outbound endpoints: where a project's webhooks go. Soft-deleted so old messages keep their endpoint.
CREATE TABLE endpoints (
  id             text PRIMARY KEY,
  project_id     uuid NOT NULL REFERENCES projects (id),
  url            text NOT NULL,
  description    text,
  rate_limit_rps integer NOT NULL DEFAULT 0,
  burst          integer NOT NULL DEFAULT 0,
  headers        jsonb NOT NULL DEFAULT '{}'::jsonb,
  hmac_enabled   boolean NOT NULL DEFAULT true,
  paused         boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);
CREATE UNIQUE INDEX endpoints_project_url_idx ON endpoints (project_id, url) WHERE deleted_at IS NULL;
CREATE INDEX endpoints_project_list_idx ON endpoints (project_id, id) WHERE deleted_at IS NULL;

-- Signing secrets, encrypted at rest (AES-256-GCM under the master key). At most two active per endpoint.
CREATE TABLE signing_keys (
  id          text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES endpoints (id),
  secret      text NOT NULL,
  key_hint    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE INDEX signing_keys_endpoint_idx ON signing_keys (endpoint_id) WHERE deleted_at IS NULL;

-- The message row is the job. status: queued | delivering | succeeded | pending_retry | failed_permanent.
-- held: the endpoint is paused; such messages are shown as queued and are not claimed.
CREATE TABLE messages (
  id                  uuid PRIMARY KEY,
  project_id          uuid NOT NULL REFERENCES projects (id),
  endpoint_id         text NOT NULL REFERENCES endpoints (id),
  mode                text NOT NULL CHECK (mode IN ('live', 'test')),
  status              text NOT NULL CHECK (status IN ('queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent')),
  held                boolean NOT NULL DEFAULT false,
  payload             bytea,
  content_type        text NOT NULL DEFAULT 'application/json',
  size_bytes          integer NOT NULL,
  payload_sha256      text NOT NULL,
  headers             jsonb NOT NULL DEFAULT '{}'::jsonb,
  idempotency_key     text,
  retention_hours     integer,
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
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX messages_idempotency_idx ON messages (project_id, endpoint_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- The claim reads only these two small partial indexes: due work, and leases that ran out.
CREATE INDEX messages_due_idx ON messages (next_attempt_at)
  WHERE status IN ('queued', 'pending_retry') AND NOT held;
CREATE INDEX messages_lease_idx ON messages (locked_until) WHERE status = 'delivering';
CREATE INDEX messages_endpoint_status_idx ON messages (endpoint_id, status);
CREATE INDEX messages_project_created_idx ON messages (project_id, created_at DESC, id DESC);

-- One row per delivery attempt, written when the attempt ends.
CREATE TABLE attempts (
  id                      uuid PRIMARY KEY,
  message_id              uuid NOT NULL REFERENCES messages (id),
  project_id              uuid NOT NULL,
  endpoint_id             text NOT NULL,
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
CREATE INDEX attempts_message_idx ON attempts (message_id, attempt_no);

-- Token buckets for per-endpoint delivery rate limits, shared by every worker process.
CREATE TABLE endpoint_rate_buckets (
  endpoint_id text PRIMARY KEY REFERENCES endpoints (id),
  tokens      double precision NOT NULL,
  updated_at  timestamptz NOT NULL
);
