import type { Queryable } from '../../../store/db.js';

export interface InboundTotals {
  total: number;
  succeeded: number;
  failed: number;
  retries: number;
  avg_latency_ms: number | null;
  avg_delivery_time_ms: number | null;
}

// One statement each, `$3::uuid IS NULL OR …` for "all endpoints" or one: both stores plan unnamed
// statements with the actual parameters, so the (project_id, created_at) indexes are still used.
const SCOPE = `project_id = $1 AND created_at >= $2 AND ($3::uuid IS NULL OR inbound_endpoint_id = $3)`;

/**
 * Counts of the inbound messages received since `since` and of the forwarding attempts made since then.
 * Delivery time is receipt to successful delivery (ingest to the customer's 2xx, or to the CLI's result).
 */
export async function inboundTotals(
  db: Queryable,
  projectId: string,
  since: Date,
  endpointId: string | null,
): Promise<InboundTotals> {
  const [row] = await db.query<InboundTotals>(
    `WITH m AS (
       SELECT count(*) AS total,
              count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
              count(*) FILTER (WHERE status = 'failed_permanent') AS failed,
              round(avg(extract(epoch FROM delivered_at - created_at) * 1000)
                FILTER (WHERE status = 'succeeded'))::integer AS avg_delivery_time_ms
         FROM inbound_messages WHERE ${SCOPE}
     ), a AS (
       SELECT count(*) FILTER (WHERE attempt_no > 1) AS retries,
              round(avg(response_latency_ms))::integer AS avg_latency_ms
         FROM inbound_attempts WHERE ${SCOPE}
     )
     SELECT m.total, m.succeeded, m.failed, a.retries, a.avg_latency_ms, m.avg_delivery_time_ms FROM m CROSS JOIN a`,
    [projectId, since, endpointId],
  );
  return row!;
}

export interface InboundBucket {
  start: Date;
  total: number;
  succeeded: number;
  failed: number;
  retrying: number;
  avg_latency_ms: number | null;
}

/** Per bucket of `bucketMs` (aligned on the Unix epoch, so on UTC hours and days); only non-empty ones. */
export function inboundBuckets(
  db: Queryable,
  projectId: string,
  since: Date,
  endpointId: string | null,
  bucketMs: number,
): Promise<InboundBucket[]> {
  const bin = `date_bin($4::int * interval '1 millisecond', created_at, timestamptz 'epoch')`;
  return db.query<InboundBucket>(
    `WITH m AS (
       SELECT ${bin} AS start, count(*) AS total,
              count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
              count(*) FILTER (WHERE status = 'failed_permanent') AS failed,
              count(*) FILTER (WHERE status = 'pending_retry') AS retrying
         FROM inbound_messages WHERE ${SCOPE} GROUP BY 1
     ), a AS (
       SELECT ${bin} AS start, round(avg(response_latency_ms))::integer AS avg_latency_ms
         FROM inbound_attempts WHERE ${SCOPE} GROUP BY 1
     )
     SELECT COALESCE(m.start, a.start) AS start, COALESCE(m.total, 0) AS total,
            COALESCE(m.succeeded, 0) AS succeeded, COALESCE(m.failed, 0) AS failed,
            COALESCE(m.retrying, 0) AS retrying, a.avg_latency_ms
       FROM m FULL JOIN a ON a.start = m.start`,
    [projectId, since, endpointId, bucketMs],
  );
}

export async function inboundEndpointExists(db: Queryable, projectId: string, id: string): Promise<boolean> {
  const rows = await db.query(
    'SELECT 1 FROM inbound_endpoints WHERE id = $1 AND project_id = $2 AND deleted_at IS NULL',
    [id, projectId],
  );
  return rows.length > 0;
}
