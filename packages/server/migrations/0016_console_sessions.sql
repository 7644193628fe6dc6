-- Web console sessions: an API key (or the admin token and a project) exchanged for a cookie. Only the
-- SHA-256 of the cookie's token is stored. A key session dies with its key (the key is joined on every
-- use); an admin session names no key.
CREATE TABLE console_sessions (
  id          text PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  -- An admin session may name no project: it then sends X-Project-Id, as the admin token does.
  project_id  uuid REFERENCES projects (id),
  key_id      text REFERENCES api_keys (id) ON DELETE CASCADE,
  -- SHA-256 of the admin token an admin session was opened with: changing the token ends those sessions.
  admin_hash  text,
  mode        text NOT NULL CHECK (mode IN ('live', 'test')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  CHECK ((key_id IS NULL) <> (admin_hash IS NULL))
);

CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);
