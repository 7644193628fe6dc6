-- Projects own everything; every other table is scoped by project_id.
CREATE TABLE projects (
  id                 uuid PRIMARY KEY,
  tenant_id          text NOT NULL,
  name               text NOT NULL,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
  rate_limit_default integer NOT NULL DEFAULT 1000,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz
);

-- API keys are stored only as SHA-256 hashes of the full key; the plaintext is shown once at creation.
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  project_id   uuid NOT NULL REFERENCES projects (id),
  key_hash     text NOT NULL UNIQUE,
  prefix       text NOT NULL,
  label        text,
  mode         text NOT NULL CHECK (mode IN ('live', 'test')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);

CREATE INDEX api_keys_project_idx ON api_keys (project_id, created_at);
