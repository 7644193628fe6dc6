import type { Queryable } from '../../store/db.js';

export interface MessageRow {
  id: string;
  project_id: string;
  endpoint_id: string;
  mode: 'live' | 'test';
  status: string;
  held: boolean;
  content_type: string;
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
  retention_hours: number | null;
  deleted_at: Date | null;
  deleted_by_api_key_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const MESSAGE_COLUMNS = `id, project_id, endpoint_id, mode, status, held, content_type, size_bytes, payload_sha256,
  idempotency_key, attempt_count, replay_count, next_attempt_at, last_error, response_status, response_latency_ms,
  first_attempt_at, delivered_at, failed_at, retention_hours, created_at, updated_at, deleted_at, deleted_by_api_key_id`;

export async function findMessage(db: Queryable, projectId: string, id: string): Promise<MessageRow | null> {
  const rows = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND project_id = $2`,
    [id, projectId],
  );
  return rows[0] ?? null;
}
