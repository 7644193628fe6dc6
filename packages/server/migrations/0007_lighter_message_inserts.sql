-- hookbridge:no-transaction
-- Cheaper message inserts: the send path's batched INSERT spent about a third of PostgreSQL's CPU per row on
-- foreign-key checks (measured: bench/experiments/batch-insert.ts). The inserts read the live endpoint of
-- the project in the same statement, and neither projects nor endpoints are ever deleted (endpoints are
-- soft-deleted), so these keys guarded nothing the inserts do not already check.
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_project_id_fkey;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_endpoint_id_fkey;
ALTER TABLE inbound_messages DROP CONSTRAINT IF EXISTS inbound_messages_project_id_fkey;
ALTER TABLE inbound_messages DROP CONSTRAINT IF EXISTS inbound_messages_inbound_endpoint_id_fkey;

-- One index instead of two for a project's messages by time: the newest-first list (keyset on created_at,
-- id) and the metrics windows (index-only through the INCLUDE columns) read the same one. Built and dropped
-- CONCURRENTLY (this file runs outside a transaction), so sends keep flowing on a large table meanwhile.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_project_time_idx ON messages (project_id, created_at DESC, id DESC)
  INCLUDE (status, endpoint_id, mode);
DROP INDEX CONCURRENTLY IF EXISTS messages_metrics_idx;
DROP INDEX CONCURRENTLY IF EXISTS messages_project_created_idx;
