import { createHash, randomBytes } from 'node:crypto';
import { newUuid } from '../../src/lib/ids.js';
import type { Queryable } from '../../src/store/db.js';

/**
 * Inbound rows written straight into the store, as the ingest side would, so the read side is tested on
 * its own. Waiting forward-mode messages are scheduled an hour ahead so the test server's worker leaves
 * them alone.
 */
export async function insertInboundEndpoint(
  db: Queryable,
  projectId: string,
  options: { mode?: 'forward' | 'cli'; url?: string | null; deleted?: boolean } = {},
): Promise<string> {
  const id = newUuid();
  const mode = options.mode ?? 'forward';
  const url = options.url !== undefined ? options.url : mode === 'forward' ? 'https://example.com/in' : null;
  await db.query(
    `INSERT INTO inbound_endpoints (id, project_id, name, mode, url, secret_token_hash, deleted_at)
     VALUES ($1, $2, 'fixture', $3, $4, $5, CASE WHEN $6 THEN now() END)`,
    [id, projectId, mode, url, randomBytes(32).toString('hex'), options.deleted ?? false],
  );
  return id;
}

export type Status = 'queued' | 'delivering' | 'succeeded' | 'pending_retry' | 'failed_permanent';

export interface MessageFixture {
  status?: Status;
  body?: Buffer | null;
  contentType?: string;
  createdAt?: Date;
  /** ms from receipt to delivery, for succeeded messages (default 1500). */
  deliveryMs?: number;
  replayCount?: number;
  attemptCount?: number;
  handedOver?: boolean;
  payloadExpiresAt?: Date;
  idempotencyKey?: string;
}

export async function insertInboundMessage(
  db: Queryable,
  projectId: string,
  endpointId: string,
  f: MessageFixture = {},
): Promise<string> {
  const id = newUuid();
  const status = f.status ?? 'succeeded';
  const body = f.body === undefined ? Buffer.from(JSON.stringify({ event: 'fixture', id })) : f.body;
  const createdAt = f.createdAt ?? new Date();
  const delivered = status === 'succeeded' ? new Date(createdAt.getTime() + (f.deliveryMs ?? 1500)) : null;
  await db.query(
    `INSERT INTO inbound_messages (id, project_id, inbound_endpoint_id, status, payload, content_type, size_bytes,
                                   payload_sha256, headers, source_ip, idempotency_key, attempt_count, replay_count,
                                   next_attempt_at, locked_until, locked_by, last_error, response_status,
                                   response_latency_ms, first_attempt_at, delivered_at, failed_at, handed_over_at,
                                   payload_expires_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{"content-type":"application/json"}', '203.0.113.9', $9, $10, $11,
             CASE WHEN $4 IN ('queued', 'pending_retry') THEN now() + interval '1 hour' END,
             CASE WHEN $4 = 'delivering' THEN now() + interval '1 hour' END,
             CASE WHEN $4 = 'delivering' THEN 'test-worker' END,
             CASE WHEN $4 IN ('pending_retry', 'failed_permanent') THEN 'HTTP 500' END,
             CASE WHEN $4 = 'succeeded' THEN 200 WHEN $4 IN ('pending_retry', 'failed_permanent') THEN 500 END,
             CASE WHEN $4 IN ('succeeded', 'pending_retry', 'failed_permanent') THEN 40 END,
             CASE WHEN $10 > 0 THEN $12::timestamptz + interval '100 milliseconds' END,
             $13, CASE WHEN $4 = 'failed_permanent' THEN $12::timestamptz + interval '1 second' END,
             CASE WHEN $14 THEN now() END, $15, $12, $12)`,
    [
      id,
      projectId,
      endpointId,
      status,
      body,
      f.contentType ?? 'application/json',
      body?.length ?? 0,
      createHash('sha256')
        .update(body ?? Buffer.alloc(0))
        .digest('hex'),
      f.idempotencyKey ?? null,
      f.attemptCount ?? (status === 'queued' ? 0 : 1),
      f.replayCount ?? 0,
      createdAt,
      delivered,
      f.handedOver ?? false,
      f.payloadExpiresAt ?? null,
    ],
  );
  return id;
}

export async function insertInboundAttempts(
  db: Queryable,
  projectId: string,
  endpointId: string,
  messageId: string,
  latencies: number[],
  at: Date = new Date(),
): Promise<void> {
  for (const [index, latency] of latencies.entries()) {
    await db.query(
      `INSERT INTO inbound_attempts (id, message_id, project_id, inbound_endpoint_id, attempt_no, response_status,
                                     response_latency_ms, processing_ms, response_headers, created_at)
       VALUES ($1, $2, $3, $4, $5, 200, $6, 0.5, '{"x-reply":"yes"}', $7)`,
      [newUuid(), messageId, projectId, endpointId, index + 1, latency, at],
    );
  }
}

export async function insertRejection(
  db: Queryable,
  projectId: string | null,
  endpointId: string | null,
  reasonCode: string,
  receivedAt: Date = new Date(),
): Promise<string> {
  const id = newUuid();
  await db.query(
    `INSERT INTO inbound_rejections (id, project_id, inbound_endpoint_id, reason_code, reason_detail, source_ip,
                                     headers_redacted, received_at)
     VALUES ($1, $2, $3, $4, 'fixture detail', '198.51.100.7', '{"x-token":"****"}', $5)`,
    [id, projectId, endpointId, reasonCode, receivedAt],
  );
  return id;
}
