import type { QueueSource } from '../../queues/queue-source.js';
import type { Queryable } from '../../store/db.js';

/** An attempts-table row as the attempts lists read it (written as NewAttemptRow). */
export type StoredAttemptRow = Record<string, unknown> & { id: string; attempt_no: number; created_at: Date };

/**
 * A message's attempts, oldest first, at most `limit` + 1 rows so the caller can tell whether more exist.
 * The queue's names are constants (see QueueSource), never input.
 */
export function listAttempts(
  db: Queryable,
  queue: QueueSource,
  projectId: string,
  messageId: string,
  limit: number,
): Promise<StoredAttemptRow[]> {
  return db.query<StoredAttemptRow>(
    `SELECT id, attempt_no, response_status, response_latency_ms, processing_ms, error_text, response_headers,
            response_body, response_body_truncated, request_headers, retry_type, retry_after_seconds, resolved_ip,
            dns_ms, tcp_connect_ms, tls_handshake_ms, ttfb_ms, transfer_ms, conn_reused, created_at
       FROM ${queue.attempts} WHERE message_id = $1 AND project_id = $2
      ORDER BY attempt_no, created_at LIMIT $3`,
    [messageId, projectId, limit + 1],
  );
}

/** The oldest `limit` messages of a project in one status, optionally of one endpoint: replay-all's targets. */
export async function listIdsByStatus(
  db: Queryable,
  queue: QueueSource,
  projectId: string,
  filter: { status: string; endpointId: string | null; limit: number },
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM ${queue.messages}
      WHERE project_id = $1 AND status = $2 AND deleted_at IS NULL AND ($3::${queue.endpointType} IS NULL OR ${queue.endpointColumn} = $3)
      ORDER BY created_at, id LIMIT $4`,
    [projectId, filter.status, filter.endpointId, filter.limit],
  );
  return rows.map((row) => row.id);
}
