import type { Queryable } from '../../store/db.js';

export interface NewMessage {
  id: string;
  projectId: string;
  endpointId: string;
  mode: 'live' | 'test';
  payload: Uint8Array;
  payloadSha256: string;
  headers: Record<string, string>;
  idempotencyKey: string | null;
  retentionHours: number | null;
}

export interface ExistingMessage {
  id: string;
  payload_sha256: string;
}

/**
 * One statement, one round trip: reads the live endpoint and inserts the message (held when the endpoint
 * is paused). Returns null when the endpoint is not a live endpoint of the project, or when the
 * idempotency key is taken. Workers are woken after the commit, coalesced (see WakeNotifier).
 *
 * No lock is taken on the endpoint row: shared row locks from every send on one hot endpoint would
 * serialise on MultiXact bookkeeping. A send racing a pause or delete is caught by the worker instead
 * (its claim skips paused endpoints and fails messages of deleted ones).
 */
export async function insertMessage(
  db: Queryable,
  message: NewMessage,
): Promise<{ id: string; held: boolean } | null> {
  const rows = await db.query<{ id: string; held: boolean }>(
    `INSERT INTO messages (id, project_id, endpoint_id, mode, status, held, payload, size_bytes, payload_sha256,
                             headers, idempotency_key, retention_hours, next_attempt_at)
       SELECT $1, e.project_id, e.id, $4, 'queued', e.paused, $5, $6, $7, $8::jsonb, $9, $10, now()
         FROM endpoints e
        WHERE e.id = $3 AND e.project_id = $2 AND e.deleted_at IS NULL
       ON CONFLICT (project_id, endpoint_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, held`,
    [
      message.id,
      message.projectId,
      message.endpointId,
      message.mode,
      message.payload,
      message.payload.byteLength,
      message.payloadSha256,
      JSON.stringify(message.headers),
      message.idempotencyKey,
      message.retentionHours,
    ],
    { name: 'send_insert_message' },
  );
  return rows[0] ?? null;
}

export async function findByIdempotencyKey(
  db: Queryable,
  projectId: string,
  endpointId: string,
  idempotencyKey: string,
): Promise<ExistingMessage | null> {
  const rows = await db.query<ExistingMessage>(
    `SELECT id, payload_sha256 FROM messages
      WHERE project_id = $1 AND endpoint_id = $2 AND idempotency_key = $3`,
    [projectId, endpointId, idempotencyKey],
  );
  return rows[0] ?? null;
}
