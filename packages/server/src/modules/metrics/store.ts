import type { Queryable } from '../../store/db.js';

export interface MessageCounts {
  total: number;
  succeeded: number;
  failed: number;
  retrying: number;
}

export interface AttemptStats {
  retries: number;
  avg_latency_ms: number | null;
}

// The figures come from the hourly rollup (migration 0010) for every whole hour of the window and from the
// messages and attempts themselves for the part of an hour before the first whole one, so they equal a
// count over the raw rows whatever the window's start. `$n::text IS NULL OR …` keeps one statement for
// "all endpoints" and "one endpoint"; both stores plan unnamed statements with the actual parameters.

export async function countMessages(
  db: Queryable,
  projectId: string,
  since: Date,
  firstHour: Date,
  endpointId: string | null,
): Promise<MessageCounts> {
  const [row] = await db.query<MessageCounts>(
    `SELECT COALESCE(sum(total), 0)::bigint AS total, COALESCE(sum(succeeded), 0)::bigint AS succeeded,
            COALESCE(sum(failed), 0)::bigint AS failed, COALESCE(sum(retrying), 0)::bigint AS retrying
       FROM (
         SELECT count(*) AS total,
                count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                count(*) FILTER (WHERE status = 'failed_permanent') AS failed,
                count(*) FILTER (WHERE status = 'pending_retry') AS retrying
           FROM messages
          WHERE project_id = $1 AND created_at >= $2 AND created_at < $3 AND ($4::text IS NULL OR endpoint_id = $4)
         UNION ALL
         SELECT sum(total), sum(succeeded), sum(failed), sum(retrying)
           FROM metrics_hourly
          WHERE project_id = $1 AND hour >= $3 AND ($4::text IS NULL OR endpoint_id = $4)
       ) parts`,
    [projectId, since, firstHour, endpointId],
  );
  return row!;
}

export async function attemptStats(
  db: Queryable,
  projectId: string,
  since: Date,
  firstHour: Date,
  endpointId: string | null,
): Promise<AttemptStats> {
  const [row] = await db.query<AttemptStats>(
    `SELECT COALESCE(sum(retries), 0)::bigint AS retries,
            round(sum(latency_sum)::numeric / NULLIF(sum(latency_count), 0))::integer AS avg_latency_ms
       FROM (
         SELECT count(*) FILTER (WHERE attempt_no > 1) AS retries, sum(response_latency_ms) AS latency_sum,
                count(response_latency_ms) AS latency_count
           FROM attempts
          WHERE project_id = $1 AND created_at >= $2 AND created_at < $3 AND ($4::text IS NULL OR endpoint_id = $4)
         UNION ALL
         SELECT sum(retries), sum(latency_sum), sum(latency_count)
           FROM metrics_hourly
          WHERE project_id = $1 AND hour >= $3 AND ($4::text IS NULL OR endpoint_id = $4)
       ) parts`,
    [projectId, since, firstHour, endpointId],
  );
  return row!;
}

export interface MessageBucket extends MessageCounts {
  bucket: Date;
}

export interface LatencyBucket {
  bucket: Date;
  avg_latency_ms: number | null;
}

/**
 * Buckets of whole hours, from the rollup alone: `since` and the bucket size are whole hours since the
 * Unix epoch. `bucket` is the bucket's start (the hour floored to a multiple of the size).
 */
export function rollupBuckets(
  db: Queryable,
  projectId: string,
  since: Date,
  bucketMs: number,
  endpointId: string | null,
): Promise<Array<MessageBucket & LatencyBucket>> {
  return db.query<MessageBucket & LatencyBucket>(
    `SELECT date_bin($3 * interval '1 millisecond', hour, timestamptz '1970-01-01 00:00:00+00') AS bucket,
            sum(total)::bigint AS total, sum(succeeded)::bigint AS succeeded, sum(failed)::bigint AS failed,
            sum(retrying)::bigint AS retrying,
            round(sum(latency_sum)::numeric / NULLIF(sum(latency_count), 0))::integer AS avg_latency_ms
       FROM metrics_hourly
      WHERE project_id = $1 AND hour >= $2 AND ($4::text IS NULL OR endpoint_id = $4)
      GROUP BY 1`,
    [projectId, since, bucketMs, endpointId],
  );
}

/**
 * `bucket` is the bucket's start: created_at floored to a multiple of the size since the Unix epoch.
 * date_bin is timestamp arithmetic; the same floor done on extract(epoch) (numeric) cost 5x as much.
 */
const BUCKET = `date_bin($3 * interval '1 millisecond', created_at, timestamptz '1970-01-01 00:00:00+00')`;

/** Buckets shorter than an hour, from the raw rows (the 1h window's 5-minute buckets). */
export function messageBuckets(
  db: Queryable,
  projectId: string,
  since: Date,
  bucketMs: number,
  endpointId: string | null,
): Promise<MessageBucket[]> {
  return db.query<MessageBucket>(
    `SELECT ${BUCKET} AS bucket,
            count(*) AS total,
            count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
            count(*) FILTER (WHERE status = 'failed_permanent') AS failed,
            count(*) FILTER (WHERE status = 'pending_retry') AS retrying
       FROM messages
      WHERE project_id = $1 AND created_at >= $2 AND ($4::text IS NULL OR endpoint_id = $4)
      GROUP BY 1`,
    [projectId, since, bucketMs, endpointId],
  );
}

export function latencyBuckets(
  db: Queryable,
  projectId: string,
  since: Date,
  bucketMs: number,
  endpointId: string | null,
): Promise<LatencyBucket[]> {
  return db.query<LatencyBucket>(
    `SELECT ${BUCKET} AS bucket, round(avg(response_latency_ms))::integer AS avg_latency_ms
       FROM attempts
      WHERE project_id = $1 AND created_at >= $2 AND ($4::text IS NULL OR endpoint_id = $4)
      GROUP BY 1`,
    [projectId, since, bucketMs, endpointId],
  );
}
