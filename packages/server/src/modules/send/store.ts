import type { EndpointTarget } from '../../queues/queue-source.js';
import type { Queryable } from '../../store/db.js';

export interface NewMessage {
  id: string;
  projectId: string;
  endpointId: string;
  mode: 'live' | 'test';
  /** The payload's JSON encoding. */
  payload: string;
  /** Its length in UTF-8 bytes. */
  sizeBytes: number;
  payloadSha256: string;
  headers: Record<string, string>;
  idempotencyKey: string | null;
  retentionHours: number | null;
}

/** Rows to write already leased to a worker of this process (direct dispatch). */
export interface DirectLease {
  /** How many of the batch's first rows may be leased. */
  count: number;
  workerId: string;
  leaseMs: number;
}

export interface InsertedMessage {
  id: string;
  held: boolean;
  /** Written `delivering`, leased to the direct-dispatch worker. */
  leased: boolean;
}

/** What the worker needs to deliver to an endpoint, read by the insert itself; secrets still sealed. */
export interface LeasedEndpoint extends EndpointTarget {
  sealed_secrets: string[];
}

export interface InsertResult {
  rows: InsertedMessage[];
  /** The endpoints of the leased rows (none without a lease). */
  endpoints: LeasedEndpoint[];
}

export interface ExistingMessage {
  id: string;
  payload_sha256: string;
  status: MessageStatus;
}

export type MessageStatus = 'queued' | 'delivering' | 'succeeded' | 'pending_retry' | 'failed_permanent';

/**
 * Inserts a batch of messages in one statement: each row reads its live endpoint (a row whose endpoint
 * is not a live endpoint of its project is skipped) and is held when the endpoint is paused; a row whose
 * idempotency key is taken (also by an earlier row of the same batch) is skipped. Returns the rows
 * inserted.
 *
 * The payloads travel as one binary parameter (their UTF-8 bytes end to end, cut by offset and length in
 * SQL): as elements of a text array each payload was escaped by the driver and unescaped by PostgreSQL,
 * which cost more than the rest of the statement's encoding. The short columns travel as text arrays,
 * which both stores accept alike.
 *
 * No lock is taken on the endpoint rows: shared row locks from every send on one hot endpoint would
 * serialise on MultiXact bookkeeping. A send racing a pause or delete is caught by the worker instead
 * (its claim skips paused endpoints and fails messages of deleted ones).
 *
 * With `lease`, the first `lease.count` rows are written `delivering`, leased to that worker, unless
 * their endpoint is paused or rate limited (those go through the queue and its token buckets). The same
 * statement returns those rows' endpoints and active signing secrets (as the worker's claim path would
 * read them), so the worker can start their attempts without another round trip.
 */
export async function insertMessages(
  db: Queryable,
  messages: NewMessage[],
  lease: DirectLease | null = null,
): Promise<InsertResult> {
  const column = <T>(pick: (m: NewMessage) => T) => messages.map(pick);
  const offsets: string[] = [];
  let offset = 1;
  for (const message of messages) {
    offsets.push(String(offset));
    offset += message.sizeBytes;
  }
  const payloads = Buffer.from(column((m) => m.payload).join(''), 'utf8');
  const rows = await db.query<InsertedMessage & { endpoint: LeasedEndpoint | null }>(
    `WITH inserted AS (
     INSERT INTO messages (id, project_id, endpoint_id, mode, status, held, payload, size_bytes, payload_sha256,
                           headers, idempotency_key, retention_hours, next_attempt_at, locked_by, locked_until)
     SELECT r.id::uuid, e.project_id, e.id, r.mode, CASE WHEN d.leased THEN 'delivering' ELSE 'queued' END,
            e.paused, substring($11::bytea FROM r.payload_offset::int FOR r.size_bytes::int),
            r.size_bytes::int, r.payload_sha256, r.headers::jsonb, r.idempotency_key, r.retention_hours::int, now(),
            CASE WHEN d.leased THEN $13::text END,
            CASE WHEN d.leased THEN now() + $14::float8 * interval '1 millisecond' END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[]) WITH ORDINALITY
            AS r(id, project_id, endpoint_id, mode, payload_offset, payload_sha256, headers, idempotency_key,
                 retention_hours, size_bytes, position)
       JOIN endpoints e ON e.id = r.endpoint_id AND e.project_id = r.project_id::uuid AND e.deleted_at IS NULL
       CROSS JOIN LATERAL (SELECT r.position <= $12::int AND NOT e.paused AND e.rate_limit_rps = 0 AS leased) d
      ORDER BY r.position
     ON CONFLICT (project_id, endpoint_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id, held, status = 'delivering' AS leased, endpoint_id
     )
     SELECT id, held, leased, NULL::jsonb AS endpoint FROM inserted
     UNION ALL
     SELECT NULL, NULL, NULL,
            jsonb_build_object('id', e.id, 'url', e.url, 'headers', e.headers, 'hmac_enabled', e.hmac_enabled,
              'rate_limit_rps', e.rate_limit_rps, 'burst', e.burst, 'deleted', e.deleted_at IS NOT NULL,
              'sealed_secrets', COALESCE((SELECT jsonb_agg(k.secret ORDER BY k.created_at, k.id) FROM signing_keys k
                                           WHERE k.endpoint_id = e.id AND k.deleted_at IS NULL), '[]'::jsonb))
       FROM endpoints e WHERE e.id IN (SELECT endpoint_id FROM inserted WHERE leased)`,
    [
      column((m) => m.id),
      column((m) => m.projectId),
      column((m) => m.endpointId),
      column((m) => m.mode),
      offsets,
      column((m) => m.payloadSha256),
      column((m) => JSON.stringify(m.headers)),
      column((m) => m.idempotencyKey),
      column((m) => (m.retentionHours === null ? null : String(m.retentionHours))),
      column((m) => String(m.sizeBytes)),
      payloads,
      lease?.count ?? 0,
      lease?.workerId ?? null,
      lease?.leaseMs ?? 0,
    ],
    { name: 'send_insert_messages' },
  );
  const result: InsertResult = { rows: [], endpoints: [] };
  for (const { endpoint, ...row } of rows) {
    if (endpoint) result.endpoints.push(endpoint);
    else result.rows.push(row);
  }
  return result;
}

export async function findByIdempotencyKey(
  db: Queryable,
  projectId: string,
  endpointId: string,
  idempotencyKey: string,
): Promise<ExistingMessage | null> {
  const rows = await db.query<ExistingMessage>(
    `SELECT id, payload_sha256, status FROM messages
      WHERE project_id = $1 AND endpoint_id = $2 AND idempotency_key = $3`,
    [projectId, endpointId, idempotencyKey],
  );
  return rows[0] ?? null;
}
