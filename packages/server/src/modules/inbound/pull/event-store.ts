import type { Queryable } from '../../../store/db.js';

export type EventStatus = 'stored' | 'fetched' | 'delivered';

export interface PullEventRow {
  id: string;
  pull_endpoint_id: string;
  event_type: string | null;
  status: EventStatus;
  size_bytes: number;
  fetch_count: number;
  ingest_processing_ms: number;
  received_at: Date;
  fetched_at: Date | null;
  delivered_at: Date | null;
}

export interface PullEventDetailRow extends PullEventRow {
  content_type: string | null;
  headers: Record<string, string>;
  payload: Uint8Array | null;
}

export interface PullLogRow extends PullEventRow {
  endpoint_name: string | null;
}

const SUMMARY = `e.id::text AS id, e.pull_endpoint_id::text AS pull_endpoint_id, e.event_type, e.status, e.size_bytes,
  e.fetch_count, e.ingest_processing_ms, e.received_at, e.fetched_at, e.delivered_at`;
const DETAIL = `${SUMMARY}, e.content_type, e.headers, e.payload`;
/** Events a caller can reach: not deleted, not past their retention. */
const REACHABLE = 'e.deleted_at IS NULL AND e.expires_at > now()';

export interface NewPullEvent {
  id: string;
  endpointId: string;
  eventType: string | null;
  payload: Uint8Array;
  payloadSha256: string;
  contentType: string | null;
  headers: Record<string, string>;
  sourceIp: string | null;
  idempotencyKey: string | null;
  processingMs: number;
}

/**
 * Stores one event for a live, unpaused pull endpoint, kept for the endpoint's retention. Returns null when
 * the idempotency key is taken, or the endpoint was paused or deleted since it was checked: a paused
 * endpoint stores nothing.
 */
export async function insertPullEvent(
  db: Queryable,
  event: NewPullEvent,
): Promise<{ id: string; status: EventStatus } | null> {
  const rows = await db.query<{ id: string; status: EventStatus }>(
    `INSERT INTO pull_events (id, project_id, pull_endpoint_id, event_type, payload, content_type, size_bytes,
                              payload_sha256, headers, source_ip, idempotency_key, ingest_processing_ms,
                              expires_at)
     SELECT $1, p.project_id, p.id, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11,
            now() + make_interval(days => COALESCE(p.retention_days, 30))
       FROM inbound_endpoints p
      WHERE p.id = $2 AND p.mode = 'pull' AND p.deleted_at IS NULL AND NOT p.paused AND p.active
     ON CONFLICT (pull_endpoint_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id::text AS id, status`,
    [
      event.id,
      event.endpointId,
      event.eventType,
      event.payload,
      event.contentType,
      event.payload.byteLength,
      event.payloadSha256,
      JSON.stringify(event.headers),
      event.sourceIp,
      event.idempotencyKey,
      event.processingMs,
    ],
  );
  return rows[0] ?? null;
}

export async function findEventByIdempotencyKey(
  db: Queryable,
  endpointId: string,
  key: string,
): Promise<{ id: string; status: EventStatus } | null> {
  const rows = await db.query<{ id: string; status: EventStatus }>(
    'SELECT id::text AS id, status FROM pull_events WHERE pull_endpoint_id = $1 AND idempotency_key = $2',
    [endpointId, key],
  );
  return rows[0] ?? null;
}

export interface EventQuery {
  status: EventStatus;
  eventType: string | null;
  /** received_at bounds as RFC 3339 text: since inclusive, before exclusive. */
  since: string | null;
  before: string | null;
  afterId: string | null;
  limit: number;
}

/** One endpoint's reachable events in one status, oldest first (id order); `limit` + 1 rows. */
export function listEvents(
  db: Queryable,
  scope: { projectId: string; endpointId: string },
  q: EventQuery,
): Promise<PullEventRow[]> {
  return db.query<PullEventRow>(
    `SELECT ${SUMMARY} FROM pull_events e
      WHERE e.pull_endpoint_id = $1 AND e.project_id = $2 AND e.status = $3 AND ${REACHABLE}
        AND ($4::text IS NULL OR e.event_type = $4)
        AND ($5::timestamptz IS NULL OR e.received_at >= $5::timestamptz)
        AND ($6::timestamptz IS NULL OR e.received_at < $6::timestamptz)
        AND ($7::uuid IS NULL OR e.id > $7::uuid)
      ORDER BY e.id LIMIT $8`,
    [scope.endpointId, scope.projectId, q.status, q.eventType, q.since, q.before, q.afterId, q.limit + 1],
  );
}

/** One reachable event with its payload, unchanged (a preview). */
export async function peekEvent(
  db: Queryable,
  scope: { projectId: string; endpointId: string },
  id: string,
): Promise<PullEventDetailRow | null> {
  const rows = await db.query<PullEventDetailRow>(
    `SELECT ${DETAIL} FROM pull_events e
      WHERE e.id = $1 AND e.pull_endpoint_id = $2 AND e.project_id = $3 AND ${REACHABLE}`,
    [id, scope.endpointId, scope.projectId],
  );
  return rows[0] ?? null;
}

/**
 * One reachable event with its payload, counted as fetched: a stored event becomes fetched (fetched_at is
 * the first fetch); fetched and delivered events keep their status. Any number of consumers may fetch the
 * same event; each gets the payload.
 */
export async function fetchEvent(
  db: Queryable,
  scope: { projectId: string; endpointId: string },
  id: string,
): Promise<PullEventDetailRow | null> {
  const rows = await db.query<PullEventDetailRow>(
    `UPDATE pull_events e
        SET status = CASE WHEN e.status = 'stored' THEN 'fetched' ELSE e.status END,
            fetched_at = COALESCE(e.fetched_at, now()), fetch_count = e.fetch_count + 1
      WHERE e.id = $1 AND e.pull_endpoint_id = $2 AND e.project_id = $3 AND ${REACHABLE}
      RETURNING ${DETAIL}`,
    [id, scope.endpointId, scope.projectId],
  );
  return rows[0] ?? null;
}

/**
 * Marks events delivered. Only events that were not delivered yet change (and are counted); a second
 * acknowledgement changes nothing and counts 0. Unknown ids are ignored.
 */
export async function ackEvents(
  db: Queryable,
  scope: { projectId: string; endpointId: string },
  ids: string[],
): Promise<number> {
  const rows = await db.query(
    `UPDATE pull_events e SET status = 'delivered', delivered_at = now()
      WHERE e.id = ANY($1::uuid[]) AND e.pull_endpoint_id = $2 AND e.project_id = $3 AND e.status <> 'delivered'
        AND ${REACHABLE}
      RETURNING e.id`,
    [ids, scope.endpointId, scope.projectId],
  );
  return rows.length;
}

export interface LogQuery {
  endpointId: string | null;
  status: EventStatus | null;
  eventType: string | null;
  from: string | null;
  to: string | null;
  /** Keyset position: the id of the last row of the previous page (ids sort by receipt time). */
  beforeId: string | null;
  limit: number;
}

/** A project's reachable events, newest first; `limit` + 1 rows. */
export function listLogs(db: Queryable, projectId: string, q: LogQuery): Promise<PullLogRow[]> {
  return db.query<PullLogRow>(
    `SELECT ${SUMMARY}, p.name AS endpoint_name
       FROM pull_events e JOIN inbound_endpoints p ON p.id = e.pull_endpoint_id
      WHERE e.project_id = $1 AND ${REACHABLE} AND p.deleted_at IS NULL
        AND ($2::uuid IS NULL OR e.pull_endpoint_id = $2)
        AND ($3::text IS NULL OR e.status = $3)
        AND ($4::text IS NULL OR e.event_type = $4)
        AND ($5::timestamptz IS NULL OR e.received_at >= $5::timestamptz)
        AND ($6::timestamptz IS NULL OR e.received_at < $6::timestamptz)
        AND ($7::uuid IS NULL OR e.id < $7::uuid)
      ORDER BY e.id DESC LIMIT $8`,
    [projectId, q.endpointId, q.status, q.eventType, q.from, q.to, q.beforeId, q.limit + 1],
  );
}

export interface PullTotals {
  total: number;
  delivered: number;
  refetches: number;
  avg_processing_ms: number | null;
}

/**
 * Metrics of the events received since `from`, optionally of one endpoint. Deleted events still count:
 * they were received, and history does not change when someone cleans up.
 */
export async function totals(
  db: Queryable,
  projectId: string,
  endpointId: string | null,
  from: Date,
): Promise<PullTotals> {
  const rows = await db.query<PullTotals>(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'delivered'))::int AS delivered,
            COALESCE(sum(GREATEST(fetch_count - 1, 0)), 0)::int AS refetches,
            round(avg(ingest_processing_ms))::int AS avg_processing_ms
       FROM pull_events
      WHERE project_id = $1 AND received_at >= $2 AND ($3::uuid IS NULL OR pull_endpoint_id = $3)`,
    [projectId, from, endpointId],
  );
  return rows[0]!;
}

export interface BucketRow {
  bucket: number;
  stored: number;
  fetched: number;
  delivered: number;
  total: number;
}

/** The same events counted per bucket of `bucketMs` (bucket = its start in ms since the epoch). */
export function bucketCounts(
  db: Queryable,
  projectId: string,
  endpointId: string | null,
  from: Date,
  bucketMs: number,
): Promise<BucketRow[]> {
  return db.query<BucketRow>(
    `SELECT (floor(extract(epoch FROM received_at) * 1000 / $4) * $4)::float8 AS bucket,
            (count(*) FILTER (WHERE status = 'stored'))::int AS stored,
            (count(*) FILTER (WHERE status = 'fetched'))::int AS fetched,
            (count(*) FILTER (WHERE status = 'delivered'))::int AS delivered,
            count(*)::int AS total
       FROM pull_events
      WHERE project_id = $1 AND received_at >= $2 AND ($3::uuid IS NULL OR pull_endpoint_id = $3)
      GROUP BY 1`,
    [projectId, from, endpointId, bucketMs],
  );
}

/** Removes events past their retention (deleted or not); returns how many. */
export async function purgeExpired(db: Queryable, limit: number): Promise<number> {
  const rows = await db.query(
    `DELETE FROM pull_events WHERE id IN (
       SELECT id FROM pull_events WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
     ) RETURNING id`,
    [limit],
  );
  return rows.length;
}
