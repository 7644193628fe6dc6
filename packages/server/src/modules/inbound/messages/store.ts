import type { Queryable } from '../../../store/db.js';

export interface InboundMessageRow {
  id: string;
  project_id: string;
  inbound_endpoint_id: string;
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

export async function findInboundMessage(
  db: Queryable,
  projectId: string,
  id: string,
): Promise<InboundMessageRow | null> {
  const rows = await db.query<InboundMessageRow>(
    `SELECT id, project_id, inbound_endpoint_id, status, content_type, size_bytes, payload_sha256, idempotency_key,
            attempt_count, replay_count, next_attempt_at, last_error, response_status, response_latency_ms,
            first_attempt_at, delivered_at, failed_at, created_at, updated_at, deleted_at, deleted_by_api_key_id
       FROM inbound_messages WHERE id = $1 AND project_id = $2`,
    [id, projectId],
  );
  return rows[0] ?? null;
}
