import type { Queryable } from '../../../store/db.js';

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
