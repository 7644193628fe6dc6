import { AppError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { payloadExpirySql } from './payload-expiry.js';
import type { QueueSource } from './queue-source.js';

/** Replays per message through replay, replay-all and replay-batch; DLQ replay is not limited. */
export const MAX_REPLAYS = 10;

/**
 * An operator's replay (of a final message, at most MAX_REPLAYS times) or a replay from the DLQ (of a
 * failed_permanent message, without limit).
 */
export type ReplayKind = 'replay' | 'dlq';

const RULES: Record<ReplayKind, { from: string[]; maxReplays: number | null }> = {
  replay: { from: ['succeeded', 'failed_permanent'], maxReplays: MAX_REPLAYS },
  dlq: { from: ['failed_permanent'], maxReplays: null },
};

/** A message as a replay found it (before any change), and whether this replay queued it again. */
export interface ReplayOutcome {
  id: string;
  endpoint_id: string;
  status: string;
  /** In a status this replay may replay from. */
  replayable: boolean;
  /** The replayed message is due for a delivery worker (not offered to a listener). */
  due_for_worker: boolean;
  replay_count: number;
  has_payload: boolean;
  expired: boolean;
  endpoint_deleted: boolean;
  replayed: boolean;
}

/**
 * Replays the given messages of a project in one statement: the rows are locked (in id order, so two
 * batches cannot deadlock), every rule is checked against the locked row, and only the messages that pass
 * are queued again. Concurrent replays of one message therefore take turns and cannot pass the limit.
 * A replay is a new delivery: due now (held if the queue holds it, e.g. for a paused endpoint), with a
 * fresh retry budget (`retry_base`, so the worker counts attempts against the policy afresh). The
 * payload's expiry is stamped from the first final time so the replay does not extend it.
 * `retentionDays` is the default payload retention, for messages whose expiry is not stamped yet.
 */
export function replayMessages(
  db: Queryable,
  queue: QueueSource,
  projectId: string,
  ids: string[],
  kind: ReplayKind,
  retentionDays: number,
): Promise<ReplayOutcome[]> {
  const { from, maxReplays } = RULES[kind];
  return db.query<ReplayOutcome>(
    `WITH target AS (
       SELECT m.id, m.${queue.endpointColumn}::text AS endpoint_id, m.status, m.replay_count,
              m.payload IS NOT NULL AS has_payload,
              m.status = ANY($3::text[]) OR (${queue.replay.alsoReplayable}) AS replayable,
              ${queue.replay.dueForWorker} AS due_for_worker, ${queue.holdsWhilePaused} AS held,
              ${payloadExpirySql(queue, '$5')} AS expires_at, e.deleted_at IS NOT NULL AS endpoint_deleted
         FROM ${queue.messages} m JOIN ${queue.endpoints} e ON e.id = m.${queue.endpointColumn}
        WHERE m.id = ANY($1::uuid[]) AND m.project_id = $2
        ORDER BY m.id
        FOR UPDATE OF m
     ), replayed AS (
       UPDATE ${queue.messages} m
          SET status = 'queued', held = t.held, next_attempt_at = CASE WHEN t.due_for_worker THEN now() END,
              ${queue.replay.alsoSets}replay_count = m.replay_count + 1,
              retry_base = m.attempt_count - m.fast_retry_count, payload_expires_at = t.expires_at,
              failed_at = NULL, updated_at = now()
         FROM target t
        WHERE m.id = t.id AND t.replayable AND t.has_payload AND t.expires_at > now()
          AND NOT t.endpoint_deleted AND ($4::int IS NULL OR t.replay_count < $4::int)
       RETURNING m.id
     )
     SELECT t.id, t.endpoint_id, t.status, t.replayable, t.due_for_worker, t.replay_count, t.has_payload,
            t.expires_at <= now() AS expired, t.endpoint_deleted, r.id IS NOT NULL AS replayed
       FROM target t LEFT JOIN replayed r ON r.id = t.id`,
    [ids, projectId, from, maxReplays, retentionDays],
  );
}

/**
 * Why a single replay was refused, from the message as the replay found it: the rules in the order the
 * statement checks them, worded for the queue.
 */
export function replayRefusal(
  queue: QueueSource,
  outcome: ReplayOutcome | undefined,
  kind: ReplayKind,
): AppError {
  if (!outcome) return new AppError('MESSAGE_NOT_FOUND');
  if (kind === 'dlq' && outcome.status !== 'failed_permanent') {
    return new AppError('INVALID_REQUEST', 'message is not in DLQ (must have failed_permanent status)');
  }
  const { refusals } = queue.replay;
  if (!outcome.replayable) {
    if (outcome.status === 'pending_retry') return new AppError('RETRY_IN_PROGRESS', refusals.pendingRetry);
    const message = outcome.status === 'delivering' ? refusals.delivering : refusals.queued;
    return new AppError('DELIVERY_IN_PROGRESS', message);
  }
  const { maxReplays } = RULES[kind];
  if (maxReplays !== null && outcome.replay_count >= maxReplays) {
    return new AppError('REPLAY_LIMIT_EXCEEDED', `Maximum of ${maxReplays} replays per message reached`);
  }
  if (outcome.endpoint_deleted) return new AppError('ENDPOINT_NOT_FOUND', refusals.endpointDeleted);
  if (!outcome.has_payload) {
    return new AppError('PAYLOAD_UNAVAILABLE', "The message's payload was removed by payload retention");
  }
  if (outcome.expired) return new AppError('RETENTION_EXPIRED');
  // Every rule passed on the locked row yet nothing changed: not reachable, but never a silent success.
  return new AppError('INTERNAL_ERROR');
}
