import { payloadExpirySql } from '../queues/payload-expiry.js';
import type { QueueSource } from '../queues/queue-source.js';
import type { Db, Queryable } from '../store/db.js';

const FINAL = `status IN ('succeeded', 'failed_permanent')`;

/**
 * Records when each newly final message's payload expires, so a later replay cannot move the date.
 * SKIP LOCKED: several processes may run the job at once without waiting on each other.
 */
export async function stampExpiry(
  db: Queryable,
  queue: QueueSource,
  defaultDays: number,
  batch: number,
): Promise<number> {
  const rows = await db.query(
    `WITH due AS (
       SELECT id FROM ${queue.messages}
        WHERE payload IS NOT NULL AND ${FINAL} AND payload_expires_at IS NULL
        LIMIT $1 FOR UPDATE SKIP LOCKED
     )
     UPDATE ${queue.messages} m SET payload_expires_at = ${payloadExpirySql(queue, '$2')}
       FROM due WHERE m.id = due.id RETURNING m.id`,
    [batch, defaultDays],
  );
  return rows.length;
}

/** Removes payloads whose retention ran out; the message itself (and its idempotency key) stays. */
export async function removeExpiredPayloads(
  db: Queryable,
  queue: QueueSource,
  batch: number,
): Promise<number> {
  const rows = await db.query(
    `WITH due AS (
       SELECT id FROM ${queue.messages}
        WHERE payload IS NOT NULL AND ${FINAL} AND payload_expires_at <= now()
        LIMIT $1 FOR UPDATE SKIP LOCKED
     )
     UPDATE ${queue.messages} m SET payload = NULL, payload_deleted_at = now()
       FROM due WHERE m.id = due.id RETURNING m.id`,
    [batch],
  );
  return rows.length;
}

/**
 * Deletes final messages older than the metadata retention whose payload is already gone, with their
 * attempts. Walks each project's (project_id, created_at) index rather than scanning the table.
 */
export async function removeExpiredMetadata(
  db: Db,
  queue: QueueSource,
  days: number,
  batch: number,
): Promise<number> {
  return db.transaction(async (tx) => {
    const doomed = await tx.query<{ id: string }>(
      `SELECT d.id FROM projects p CROSS JOIN LATERAL (
         SELECT m.id FROM ${queue.messages} m
          WHERE m.project_id = p.id AND m.created_at < now() - $1::int * interval '1 day'
            AND m.payload IS NULL AND m.${FINAL}
          ORDER BY m.created_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ) d LIMIT $2`,
      [days, batch],
    );
    if (doomed.length === 0) return 0;
    const ids = doomed.map((row) => row.id);
    await tx.query(`DELETE FROM ${queue.attempts} WHERE message_id = ANY($1::uuid[])`, [ids]);
    await tx.query(`DELETE FROM ${queue.messages} WHERE id = ANY($1::uuid[])`, [ids]);
    return ids.length;
  });
}
