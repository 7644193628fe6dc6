-- Attempts are written by the worker that holds the message's lease (and by a CLI listener's result for an
-- inbound message it was sent), and removed before their message by retention, so their foreign keys to
-- the message tables guarded nothing; each key check cost PostgreSQL a lookup per recorded attempt.
ALTER TABLE attempts DROP CONSTRAINT IF EXISTS attempts_message_id_fkey;
ALTER TABLE inbound_attempts DROP CONSTRAINT IF EXISTS inbound_attempts_message_id_fkey;
