import { toRfc3339 } from '../../lib/time.js';

/**
 * The columns a message has alike in both queues (`messages`, `inbound_messages`): its payload's
 * description and where its delivery stands, which the one delivery engine writes.
 */
export interface QueuedMessageRow {
  id: string;
  project_id: string;
  status: string;
  content_type: string | null;
  size_bytes: number;
  payload_sha256: string;
  idempotency_key: string | null;
  attempt_count: number;
  replay_count: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  response_status: number | null;
  response_latency_ms: number | null;
  first_attempt_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  deleted_by_api_key_id: string | null;
}

/** The SELECT list of QueuedMessageRow. */
export const QUEUED_MESSAGE_COLUMNS = `id, project_id, status, content_type, size_bytes, payload_sha256, idempotency_key,
  attempt_count, replay_count, next_attempt_at, last_error, response_status, response_latency_ms, first_attempt_at,
  delivered_at, failed_at, created_at, updated_at, deleted_at, deleted_by_api_key_id`;

/** The payload and last-response fields of the Message and InboundMessage objects, in their order. */
export function presentPayloadAndResponse(row: QueuedMessageRow) {
  return {
    content_type: row.content_type,
    size_bytes: row.size_bytes,
    payload_sha256: row.payload_sha256,
    idempotency_key: row.idempotency_key,
    next_attempt_at: row.status === 'pending_retry' ? toRfc3339(row.next_attempt_at) : null,
    last_error: row.last_error,
    response_status: row.response_status,
    response_latency_ms: row.response_latency_ms,
  };
}
