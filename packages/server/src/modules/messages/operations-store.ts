import { payloadExpirySql } from '../../queues/payload-expiry.js';
import { OUTBOUND } from '../../queues/queue-source.js';
import type { Queryable } from '../../store/db.js';

/** A message as a replay found it (before any change), and whether this replay queued it. */
export interface ReplayOutcome {
  id: string;
  status: string;
  replay_count: number;
  has_payload: boolean;
  expired: boolean;
  endpoint_deleted: boolean;
  replayed: boolean;
}

export interface ReplayRules {
  /** Statuses a message may be replayed from. */
  from: string[];
  /** Replays allowed per message; null = no limit (DLQ replay). */
  maxReplays: number | null;
  /** The default payload retention, for messages whose expiry is not stamped yet. */
  retentionDays: number;
}

/**
 * Replays the given messages of a project in one statement: the rows are locked (in id order, so two
 * batches cannot deadlock), every rule is checked against the locked row, and only the messages that pass
 * are queued again. Concurrent replays of one message therefore take turns and cannot pass the limit.
 * A replay is a new delivery: due now, held if the endpoint is paused, with a fresh retry budget. The
 * payload's expiry is stamped from the original delivery so the replay does not extend it.
 */
export function replayMessages(
  db: Queryable,
  projectId: string,
  ids: string[],
  rules: ReplayRules,
): Promise<ReplayOutcome[]> {
  return db.query<ReplayOutcome>(
    `WITH target AS (
       SELECT m.id, m.status, m.replay_count, m.payload IS NOT NULL AS has_payload,
              ${payloadExpirySql(OUTBOUND, '$5')} AS expires_at, e.paused, e.deleted_at IS NOT NULL AS endpoint_deleted
         FROM messages m JOIN endpoints e ON e.id = m.endpoint_id
        WHERE m.id = ANY($1::uuid[]) AND m.project_id = $2
        ORDER BY m.id
        FOR UPDATE OF m
     ), replayed AS (
       UPDATE messages m
          SET status = 'queued', held = t.paused, next_attempt_at = now(), replay_count = m.replay_count + 1,
              retry_base = m.attempt_count - m.fast_retry_count, payload_expires_at = t.expires_at,
              failed_at = NULL, updated_at = now()
         FROM target t
        WHERE m.id = t.id AND t.status = ANY($3::text[]) AND t.has_payload AND t.expires_at > now()
          AND NOT t.endpoint_deleted AND ($4::int IS NULL OR t.replay_count < $4::int)
       RETURNING m.id
     )
     SELECT t.id, t.status, t.replay_count, t.has_payload, t.expires_at <= now() AS expired, t.endpoint_deleted,
            r.id IS NOT NULL AS replayed
       FROM target t LEFT JOIN replayed r ON r.id = t.id`,
    [ids, projectId, rules.from, rules.maxReplays, rules.retentionDays],
  );
}

/** pending_retry → failed_permanent (the DLQ). Returns false when the message is not pending_retry. */
export async function cancelRetry(db: Queryable, projectId: string, id: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE messages
        SET status = 'failed_permanent', failed_at = now(), next_attempt_at = NULL, held = false,
            last_error = 'cancelled', updated_at = now()
      WHERE id = $1 AND project_id = $2 AND status = 'pending_retry'
      RETURNING id`,
    [id, projectId],
  );
  return rows.length > 0;
}

/** Makes a pending retry due now. Returns false when the message is not pending_retry. */
export async function retryNow(db: Queryable, projectId: string, id: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE messages SET next_attempt_at = now(), updated_at = now()
      WHERE id = $1 AND project_id = $2 AND status = 'pending_retry'
      RETURNING id`,
    [id, projectId],
  );
  return rows.length > 0;
}

export async function findStatus(db: Queryable, projectId: string, id: string): Promise<string | null> {
  const rows = await db.query<{ status: string }>(
    'SELECT status FROM messages WHERE id = $1 AND project_id = $2',
    [id, projectId],
  );
  return rows[0]?.status ?? null;
}
