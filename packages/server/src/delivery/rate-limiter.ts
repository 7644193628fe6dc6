import type { Queryable } from '../store/db.js';

/**
 * Per-endpoint token buckets kept in the database, so one limit holds across every worker process. A
 * bucket refills at `rps` tokens a second up to `burst`; taking tokens is one atomic statement that
 * locks the bucket row.
 */
export async function takeTokens(
  db: Queryable,
  endpointId: string,
  rps: number,
  burst: number,
  wanted: number,
): Promise<{ granted: number; waitMsPerToken: number; tokensLeft: number }> {
  const capacity = Math.max(1, burst || rps);
  await db.query(
    `INSERT INTO endpoint_rate_buckets (endpoint_id, tokens, updated_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (endpoint_id) DO NOTHING`,
    [endpointId, capacity],
  );
  const rows = await db.query<{ granted: number; left: number }>(
    `WITH current AS (
       SELECT LEAST($3::float8, tokens + EXTRACT(EPOCH FROM clock_timestamp() - updated_at) * $2::float8) AS available
         FROM endpoint_rate_buckets WHERE endpoint_id = $1 FOR UPDATE
     )
     UPDATE endpoint_rate_buckets b
        SET tokens = c.available - LEAST($4::int, floor(c.available)::int), updated_at = clock_timestamp()
       FROM current c
      WHERE b.endpoint_id = $1
     RETURNING LEAST($4::int, floor(c.available)::int) AS granted, b.tokens AS left`,
    [endpointId, rps, capacity, wanted],
  );
  const row = rows[0] ?? { granted: 0, left: 0 };
  return { granted: row.granted, waitMsPerToken: 1000 / rps, tokensLeft: row.left };
}

/** Gives back tokens taken for messages that were not there to claim after all. */
export async function refundTokens(
  db: Queryable,
  endpointId: string,
  rps: number,
  burst: number,
  count: number,
): Promise<void> {
  if (count <= 0) return;
  await db.query(
    'UPDATE endpoint_rate_buckets SET tokens = LEAST($3::float8, tokens + $2::float8) WHERE endpoint_id = $1',
    [endpointId, count, Math.max(1, burst || rps)],
  );
}
