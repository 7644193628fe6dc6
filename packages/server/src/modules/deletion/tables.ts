/**
 * The three kinds of stored webhook a caller may delete, and how each is erased. Names are constants of
 * this module, never input, so interpolating them into SQL is safe.
 */
export interface DeletionTable {
  table: 'messages' | 'inbound_messages' | 'pull_events';
  /** Attempt rows whose bodies and headers are erased with the message; null when there are none. */
  attempts: 'attempts' | 'inbound_attempts' | null;
  endpointColumn: 'endpoint_id' | 'inbound_endpoint_id' | 'pull_endpoint_id';
  endpointType: 'text' | 'uuid';
  /** The column the time filters of delete-all apply to. */
  timeColumn: 'created_at' | 'received_at';
  /** Extra SET clauses on the row `m` (queue tables: stop any delivery); may be empty. */
  extraSets: string;
}

/**
 * A message still waiting or being delivered stops: failed_permanent with last_error "message deleted",
 * no next attempt, and no lease, so the worker delivering it right now can no longer record its result
 * on the row. Messages already final keep their status, so metrics history does not change.
 */
const CANCEL = `status = CASE WHEN m.status IN ('queued', 'delivering', 'pending_retry') THEN 'failed_permanent'
                       ELSE m.status END,
  last_error = CASE WHEN m.status IN ('queued', 'delivering', 'pending_retry') THEN 'message deleted'
                    ELSE m.last_error END,
  failed_at = CASE WHEN m.status IN ('queued', 'delivering', 'pending_retry') THEN now() ELSE m.failed_at END,
  next_attempt_at = NULL, held = false, locked_until = NULL, locked_by = NULL,
  payload_deleted_at = COALESCE(m.payload_deleted_at, now()), updated_at = now()`;

export const OUTBOUND_MESSAGES: DeletionTable = {
  table: 'messages',
  attempts: 'attempts',
  endpointColumn: 'endpoint_id',
  endpointType: 'text',
  timeColumn: 'created_at',
  extraSets: CANCEL,
};

export const INBOUND_MESSAGES: DeletionTable = {
  table: 'inbound_messages',
  attempts: 'inbound_attempts',
  endpointColumn: 'inbound_endpoint_id',
  endpointType: 'uuid',
  timeColumn: 'created_at',
  // Handed over: a CLI listener connecting later is not sent it.
  extraSets: `${CANCEL}, handed_over_at = COALESCE(m.handed_over_at, now())`,
};

export const PULL_EVENTS: DeletionTable = {
  table: 'pull_events',
  attempts: null,
  endpointColumn: 'pull_endpoint_id',
  endpointType: 'uuid',
  timeColumn: 'received_at',
  extraSets: '',
};
