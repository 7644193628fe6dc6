-- hookbridge:no-transaction
-- The index on a message's endpoint and status served one kind of statement: an endpoint's waiting
-- messages (queued or pending retry), held on pause, released on resume and failed on delete. Every message
-- had entries in it, on insert and again on every status change, all under the one key of a busy endpoint:
-- it was the most expensive index of the hot row (bench/experiments/message-lifecycle.ts). A partial index
-- holds only the waiting messages, so a send handed straight to a worker and delivered never enters it.
-- Built and dropped CONCURRENTLY (this file runs outside a transaction), so sends keep flowing meanwhile.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_endpoint_waiting_idx ON messages (endpoint_id)
  WHERE status IN ('queued', 'pending_retry');
DROP INDEX CONCURRENTLY IF EXISTS messages_endpoint_status_idx;
