import type { Queryable } from '../../store/db.js';
import type { DeletionTable } from './tables.js';

export interface DeletionOutcome {
  id: string;
  deleted_at: Date;
  already_deleted: boolean;
}

/** Who asked: an API key id (null for the admin token). Users do not exist on a self-hosted server. */
export interface Actor {
  apiKeyId: string | null;
}

/**
 * Deletes the given rows of a project (optionally of one endpoint) in one statement: rows are locked in id
 * order (two concurrent batches cannot deadlock, and a second deletion of the same row waits and then
 * reports it already deleted), then lose their payload, headers and idempotency key (which frees it for
 * reuse). Rows not found (unknown, or another project's) are absent from the result. Must run in the same
 * transaction as `scrubAttempts`, before it.
 */
export function deleteRows(
  db: Queryable,
  t: DeletionTable,
  scope: { projectId: string; endpointId: string | null },
  ids: string[],
  actor: Actor,
): Promise<DeletionOutcome[]> {
  return db.query<DeletionOutcome>(
    `WITH target AS (
       SELECT id, deleted_at FROM ${t.table}
        WHERE project_id = $1 AND id = ANY($2::uuid[])
          AND ($4::${t.endpointType} IS NULL OR ${t.endpointColumn} = $4::${t.endpointType})
        ORDER BY id
        FOR UPDATE
     ), deleted AS (
       UPDATE ${t.table} m
          SET deleted_at = now(), deleted_by_api_key_id = $3, payload = NULL, headers = '{}'::jsonb,
              idempotency_key = NULL${t.extraSets ? `, ${t.extraSets}` : ''}
         FROM target
        WHERE m.id = target.id AND target.deleted_at IS NULL
       RETURNING m.id, m.deleted_at
     )
     SELECT t.id::text AS id, COALESCE(d.deleted_at, t.deleted_at) AS deleted_at, d.id IS NULL AS already_deleted
       FROM target t LEFT JOIN deleted d ON d.id = t.id
      ORDER BY t.id`,
    [scope.projectId, ids, actor.apiKeyId, scope.endpointId],
  );
}

/**
 * Erases what the attempts of deleted messages kept of the exchange (response body and headers, request
 * headers); status, timings and errors stay for metrics. A separate statement so that it sees attempts
 * committed by a delivery that finished while `deleteRows` waited for its row lock.
 */
export async function scrubAttempts(db: Queryable, t: DeletionTable, ids: string[]): Promise<void> {
  if (!t.attempts || ids.length === 0) return;
  await db.query(
    `UPDATE ${t.attempts} SET response_body = NULL, response_headers = NULL, request_headers = NULL
      WHERE message_id = ANY($1::uuid[])
        AND (response_body IS NOT NULL OR response_headers IS NOT NULL OR request_headers IS NOT NULL)`,
    [ids],
  );
}

export interface MatchFilter {
  projectId: string;
  endpointId: string | null;
  status: string | null;
  eventType?: string | null;
  /** Inclusive. */
  from: string | null;
  /** Exclusive. */
  to: string | null;
  limit: number;
}

/** Up to `limit` + 1 ids of live rows matching the filter, oldest first. */
export async function matchingIds(db: Queryable, t: DeletionTable, filter: MatchFilter): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM ${t.table}
      WHERE project_id = $1 AND deleted_at IS NULL
        AND ($2::${t.endpointType} IS NULL OR ${t.endpointColumn} = $2::${t.endpointType})
        AND ($3::text IS NULL OR status = $3)
        AND ($4::timestamptz IS NULL OR ${t.timeColumn} >= $4::timestamptz)
        AND ($5::timestamptz IS NULL OR ${t.timeColumn} < $5::timestamptz)
        ${t.table === 'pull_events' ? 'AND ($7::text IS NULL OR event_type = $7)' : 'AND $7::text IS NULL'}
      ORDER BY ${t.timeColumn}, id
      LIMIT $6`,
    [
      filter.projectId,
      filter.endpointId,
      filter.status,
      filter.from,
      filter.to,
      filter.limit + 1,
      filter.eventType ?? null,
    ],
  );
  return rows.map((row) => row.id);
}
