import { payloadExpirySql } from '../../queues/payload-expiry.js';
import { INBOUND } from '../../queues/queue-source.js';
import type { Queryable } from '../../store/db.js';

export interface InboundMessageRow {
  id: string;
  project_id: string;
  inbound_endpoint_id: string;
  status: string;
  content_type: string | null;
  size_bytes: number;
  payload_sha256: string;
  idempotency_key: string | null;
  attempt_count: number;
  replay_count: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  response_status: number | null;
  response_latency_ms: number | null;
  first_attempt_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  deleted_by_api_key_id: string | null;
}

export async function findInboundMessage(
  db: Queryable,
  projectId: string,
  id: string,
): Promise<InboundMessageRow | null> {
  const rows = await db.query<InboundMessageRow>(
    `SELECT id, project_id, inbound_endpoint_id, status, content_type, size_bytes, payload_sha256, idempotency_key,
            attempt_count, replay_count, next_attempt_at, last_error, response_status, response_latency_ms,
            first_attempt_at, delivered_at, failed_at, created_at, updated_at, deleted_at, deleted_by_api_key_id
       FROM inbound_messages WHERE id = $1 AND project_id = $2`,
    [id, projectId],
  );
  return rows[0] ?? null;
}

/** A message as a replay found it (before any change), and whether this replay queued it again. */
export interface InboundReplayOutcome {
  id: string;
  inbound_endpoint_id: string;
  status: string;
  mode: 'forward' | 'cli';
  /** Final, or a cli message handed over and never answered. */
  replayable: boolean;
  replay_count: number;
  has_payload: boolean;
  expired: boolean;
  endpoint_deleted: boolean;
  replayed: boolean;
}

/**
 * Replays inbound messages of a project in one statement, as outbound replay does: rows locked in id
 * order (concurrent replays take turns and cannot pass the limit), every rule checked on the locked row.
 * A forward-mode message is due for the delivery engine at once; a cli-mode one is offered to the CLI
 * again (not handed over, never due for a worker). A cli message already handed over but never answered
 * with a delivery_result stays `queued` forever, so it may be replayed too. Payload expiry is stamped from
 * the first final time so a replay does not extend it.
 */
export function replayInboundMessages(
  db: Queryable,
  projectId: string,
  ids: string[],
  rules: { maxReplays: number; retentionDays: number },
): Promise<InboundReplayOutcome[]> {
  return db.query<InboundReplayOutcome>(
    `WITH target AS (
       SELECT m.id, m.inbound_endpoint_id, m.status, e.mode, m.replay_count, m.payload IS NOT NULL AS has_payload,
              m.status IN ('succeeded', 'failed_permanent')
                OR (e.mode = 'cli' AND m.status = 'queued' AND m.handed_over_at IS NOT NULL) AS replayable,
              ${payloadExpirySql(INBOUND, '$4')} AS expires_at,
              e.deleted_at IS NOT NULL AS endpoint_deleted
         FROM inbound_messages m JOIN inbound_endpoints e ON e.id = m.inbound_endpoint_id
        WHERE m.id = ANY($1::uuid[]) AND m.project_id = $2
        ORDER BY m.id
        FOR UPDATE OF m
     ), replayed AS (
       UPDATE inbound_messages m
          SET status = 'queued', held = false, next_attempt_at = CASE WHEN t.mode = 'forward' THEN now() END,
              handed_over_at = NULL, replay_count = m.replay_count + 1,
              retry_base = m.attempt_count - m.fast_retry_count, payload_expires_at = t.expires_at,
              failed_at = NULL, updated_at = now()
         FROM target t
        WHERE m.id = t.id AND t.replayable AND t.has_payload AND t.expires_at > now()
          AND NOT t.endpoint_deleted AND t.replay_count < $3
       RETURNING m.id
     )
     SELECT t.id, t.inbound_endpoint_id, t.status, t.replayable, t.mode, t.replay_count, t.has_payload, t.expires_at <= now() AS expired, t.endpoint_deleted, r.id IS NOT NULL AS replayed
       FROM target t LEFT JOIN replayed r ON r.id = t.id`,
    [ids, projectId, rules.maxReplays, rules.retentionDays],
  );
}
