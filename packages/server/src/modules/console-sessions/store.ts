import type { Queryable } from '../../store/db.js';

export interface SessionRow {
  id: string;
  project_id: string | null;
  key_id: string | null;
  admin_hash: string | null;
  mode: 'live' | 'test';
  expires_at: Date;
}

const COLUMNS = 's.id, s.project_id, s.key_id, s.admin_hash, s.mode, s.expires_at';

export async function insertSession(
  db: Queryable,
  row: Omit<SessionRow, 'expires_at'> & { tokenHash: string; ttlSeconds: number },
): Promise<SessionRow> {
  const rows = await db.query<SessionRow>(
    `INSERT INTO console_sessions AS s (id, token_hash, project_id, key_id, admin_hash, mode, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
     RETURNING ${COLUMNS}`,
    [row.id, row.tokenHash, row.project_id, row.key_id, row.admin_hash, row.mode, row.ttlSeconds],
  );
  return rows[0]!;
}

/**
 * A live session: not expired, its project active, and (for a key session) its key still there — the
 * foreign key deletes a key's sessions with it, the join also covers a soft-deleted project.
 */
export async function findSession(db: Queryable, tokenHash: string): Promise<SessionRow | null> {
  const rows = await db.query<SessionRow>(
    `SELECT ${COLUMNS}
       FROM console_sessions s LEFT JOIN projects p ON p.id = s.project_id
      WHERE s.token_hash = $1 AND s.expires_at > now()
        AND (s.project_id IS NULL OR p.status = 'active')`,
    [tokenHash],
    { name: 'console_session_find' },
  );
  return rows[0] ?? null;
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM console_sessions WHERE token_hash = $1 RETURNING id', [tokenHash]);
  return rows.length > 0;
}

export async function deleteExpired(db: Queryable): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE expires_at <= now()');
}
