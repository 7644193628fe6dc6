-- Ephemeral inbound endpoints (the hb CLI's `--ephemeral --ttl-minutes`): gone for every read and ingest
-- once expires_at passes, and removed with their messages by the retention job's sweep.
ALTER TABLE inbound_endpoints ADD COLUMN ephemeral boolean NOT NULL DEFAULT false;
ALTER TABLE inbound_endpoints ADD COLUMN expires_at timestamptz;
CREATE INDEX inbound_endpoints_expiry_idx ON inbound_endpoints (expires_at) WHERE expires_at IS NOT NULL;
