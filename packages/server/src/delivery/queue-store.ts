import type { Queryable } from '../store/db.js';
import type { QueueSource } from '../queues/queue-source.js';

export type { EndpointTarget } from '../queues/queue-source.js';

/** A message taken by a worker, with the lease that marks it as being delivered. */
export interface ClaimedMessage {
  id: string;
  project_id: string;
  endpoint_id: string;
  payload: Uint8Array | null;
  content_type: string;
  headers: Record<string, string>;
  attempt_count: number;
  fast_retry_count: number;
  /** Counted attempts spent before the latest replay; a replay starts a fresh retry budget. */
  retry_base: number;
  prior_status: 'queued' | 'pending_retry';
  next_attempt_at: Date;
}

/**
 * Claims up to `limit` due messages. SKIP LOCKED lets any number of workers claim at once without
 * waiting on each other; the lease (`locked_until`) returns a message to the queue if its worker dies.
 * Messages of paused endpoints are skipped here as well as by `held`, which closes the race with a send
 * that read the endpoint just before it was paused.
 */
export interface ClaimFilter {
  /** Only this endpoint's messages (a rate-limited endpoint whose tokens were taken first). */
  only?: string;
  /** Not these endpoints' messages (rate-limited endpoints served on their own). */
  except?: string[];
}

export async function claimDue(
  db: Queryable,
  source: QueueSource,
  limit: number,
  leaseMs: number,
  workerId: string,
  filter: ClaimFilter = {},
): Promise<ClaimedMessage[]> {
  const { messages, endpoints, endpointColumn, claimable } = source;
  const params: unknown[] = [limit, leaseMs, workerId];
  let endpointFilter = '';
  if (filter.only !== undefined) {
    params.push(filter.only);
    endpointFilter += ` AND m.${endpointColumn}::text = $${params.length}`;
  }
  if (filter.except && filter.except.length > 0) {
    params.push(filter.except);
    endpointFilter += ` AND NOT (m.${endpointColumn}::text = ANY($${params.length}::text[]))`;
  }
  return db.query<ClaimedMessage>(
    `WITH due AS (
       SELECT m.id, m.status AS prior_status
         FROM ${messages} m JOIN ${endpoints} e ON e.id = m.${endpointColumn}
        WHERE m.status IN ('queued', 'pending_retry') AND NOT m.held AND m.next_attempt_at <= now()
          AND ${claimable}${endpointFilter}
        ORDER BY m.next_attempt_at
        LIMIT $1
        FOR UPDATE OF m SKIP LOCKED
     )
     UPDATE ${messages} m
        SET status = 'delivering', locked_until = now() + $2 * interval '1 millisecond', locked_by = $3,
            updated_at = now()
       FROM due
      WHERE m.id = due.id
     RETURNING m.id, m.project_id, m.${endpointColumn}::text AS endpoint_id, m.payload,
               COALESCE(m.content_type, 'application/octet-stream') AS content_type, m.headers, m.attempt_count,
               m.fast_retry_count, m.retry_base, due.prior_status, m.next_attempt_at`,
    params,
  );
}

/**
 * Puts messages back without spending an attempt (rate limited), due when they were: they keep their
 * place in the queue.
 */
export async function release(
  db: Queryable,
  source: QueueSource,
  ids: string[],
  workerId: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE ${source.messages} m
        SET status = CASE WHEN m.attempt_count = 0 THEN 'queued' ELSE 'pending_retry' END,
            locked_until = NULL, locked_by = NULL, updated_at = now()
      WHERE m.id = ANY($1::uuid[]) AND m.locked_by = $2`,
    [ids, workerId],
  );
}

/** Returns messages whose worker's lease ran out (the worker crashed) to the queue. */
export async function reapExpiredLeases(db: Queryable, source: QueueSource): Promise<number> {
  const rows = await db.query(
    `UPDATE ${source.messages}
        SET status = CASE WHEN attempt_count = 0 THEN 'queued' ELSE 'pending_retry' END,
            next_attempt_at = now(), locked_until = NULL, locked_by = NULL, updated_at = now()
      WHERE status = 'delivering' AND locked_until < now()
      RETURNING id`,
  );
  return rows.length;
}

/**
 * Returns this worker's claimed messages that it no longer tracks (`holding` lists those it does): after
 * a database error a claim may have committed while its answer was lost, or a batch was claimed and then
 * not dispatched. Without this they would wait for their lease to run out.
 */
export async function releaseOrphanedLeases(
  db: Queryable,
  source: QueueSource,
  workerId: string,
  holding: string[],
): Promise<number> {
  const rows = await db.query(
    `UPDATE ${source.messages}
        SET status = CASE WHEN attempt_count = 0 THEN 'queued' ELSE 'pending_retry' END,
            next_attempt_at = now(), locked_until = NULL, locked_by = NULL, updated_at = now()
      WHERE status = 'delivering' AND locked_by = $1 AND NOT (id = ANY($2::uuid[]))
      RETURNING id`,
    [workerId, holding],
  );
  return rows.length;
}

/** When the next message falls due (null when none is scheduled), leaving out `except`'s endpoints. */
export async function nextDueAt(
  db: Queryable,
  source: QueueSource,
  except: string[] = [],
): Promise<Date | null> {
  const rows = await db.query<{ due: Date | null }>(
    `SELECT min(next_attempt_at) AS due FROM ${source.messages}
      WHERE status IN ('queued', 'pending_retry') AND NOT held${
        except.length === 0 ? '' : ` AND NOT (${source.endpointColumn}::text = ANY($1::text[]))`
      }`,
    except.length === 0 ? [] : [except],
  );
  return rows[0]?.due ?? null;
}
