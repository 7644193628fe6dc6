import type { Queryable } from '../../store/db.js';

export interface ApiKeyRow {
  id: string;
  project_id: string;
  prefix: string;
  label: string | null;
  mode: 'live' | 'test';
  created_at: Date;
  last_used_at: Date | null;
}

export interface AuthenticatedKeyRow {
  id: string;
  project_id: string;
  mode: 'live' | 'test';
  last_used_at: Date | null;
}

const COLUMNS = 'id, project_id, prefix, label, mode, created_at, last_used_at';

export async function findActiveKeyByHash(
  db: Queryable,
  keyHash: string,
): Promise<AuthenticatedKeyRow | null> {
  const rows = await db.query<AuthenticatedKeyRow>(
    `SELECT k.id, k.project_id, k.mode, k.last_used_at
       FROM api_keys k JOIN projects p ON p.id = k.project_id
      WHERE k.key_hash = $1 AND p.status = 'active'`,
    [keyHash],
  );
  return rows[0] ?? null;
}

export async function insertKey(
  db: Queryable,
  key: { id: string; projectId: string; keyHash: string; prefix: string; label: string | null; mode: string },
): Promise<ApiKeyRow> {
  const rows = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, project_id, key_hash, prefix, label, mode)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_hash) DO NOTHING
     RETURNING ${COLUMNS}`,
    [key.id, key.projectId, key.keyHash, key.prefix, key.label, key.mode],
  );
  if (rows[0]) return rows[0];
  // The hash exists already (a bootstrap key registered on an earlier start): hand back that row.
  const existing = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [
    key.keyHash,
  ]);
  return existing[0]!;
}

export function listKeys(db: Queryable, projectId: string): Promise<ApiKeyRow[]> {
  return db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE project_id = $1 ORDER BY created_at, id`,
    [projectId],
  );
}

export async function countKeys(db: Queryable, projectId: string): Promise<number> {
  const rows = await db.query<{ count: number }>(
    'SELECT count(*) AS count FROM api_keys WHERE project_id = $1',
    [projectId],
  );
  return rows[0]?.count ?? 0;
}

export async function deleteKey(db: Queryable, projectId: string, keyId: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM api_keys WHERE project_id = $1 AND id = $2 RETURNING id', [
    projectId,
    keyId,
  ]);
  return rows.length > 0;
}

/** Coalesced: only writes when the stored value is older than `staleBefore`. */
export async function touchKey(db: Queryable, keyId: string, staleBefore: Date): Promise<void> {
  await db.query(
    'UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)',
    [keyId, staleBefore],
  );
}
