import type { Queryable } from '../../store/db.js';

export interface SigningKeyRow {
  id: string;
  endpoint_id: string;
  key_hint: string;
  created_at: Date;
}

const COLUMNS = 'k.id, k.endpoint_id, k.key_hint, k.created_at';

/** `sealedSecret` is the SecretBox ciphertext; the plaintext never reaches the database. */
export async function insertSigningKey(
  db: Queryable,
  key: { id: string; projectId: string; endpointId: string; sealedSecret: string; keyHint: string },
): Promise<SigningKeyRow> {
  const rows = await db.query<SigningKeyRow>(
    `INSERT INTO signing_keys (id, endpoint_id, secret, key_hint)
     SELECT $1, e.id, $4, $5 FROM endpoints e WHERE e.project_id = $2 AND e.id = $3
     RETURNING id, endpoint_id, key_hint, created_at`,
    [key.id, key.projectId, key.endpointId, key.sealedSecret, key.keyHint],
  );
  return rows[0]!;
}

/** Active keys of one endpoint of the project, oldest first. */
export function listSigningKeys(
  db: Queryable,
  projectId: string,
  endpointId: string,
): Promise<SigningKeyRow[]> {
  return db.query<SigningKeyRow>(
    `SELECT ${COLUMNS} FROM signing_keys k JOIN endpoints e ON e.id = k.endpoint_id
      WHERE e.project_id = $1 AND k.endpoint_id = $2 AND k.deleted_at IS NULL
      ORDER BY k.created_at, k.id`,
    [projectId, endpointId],
  );
}

export async function softDeleteSigningKey(
  db: Queryable,
  projectId: string,
  endpointId: string,
  keyId: string,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE signing_keys k SET deleted_at = now() FROM endpoints e
      WHERE e.id = k.endpoint_id AND e.project_id = $1 AND k.endpoint_id = $2 AND k.id = $3
        AND k.deleted_at IS NULL
      RETURNING k.id`,
    [projectId, endpointId, keyId],
  );
  return rows.length > 0;
}
