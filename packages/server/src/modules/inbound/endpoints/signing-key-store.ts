import type { Queryable } from '../../../store/db.js';

export interface InboundSigningKeyRow {
  id: string;
  key_hint: string;
  created_at: Date;
}

/** `sealedSecret` is the SecretBox ciphertext; the plaintext never reaches the database. */
export async function insertKey(
  db: Queryable,
  key: { id: string; endpointId: string; sealedSecret: string; keyHint: string },
): Promise<InboundSigningKeyRow> {
  const rows = await db.query<InboundSigningKeyRow>(
    `INSERT INTO inbound_signing_keys (id, inbound_endpoint_id, secret, key_hint) VALUES ($1, $2, $3, $4)
     RETURNING id, key_hint, created_at`,
    [key.id, key.endpointId, key.sealedSecret, key.keyHint],
  );
  return rows[0]!;
}

/** Active keys of an endpoint, oldest first. The caller has already checked the endpoint is the project's. */
export function listKeys(db: Queryable, endpointId: string): Promise<InboundSigningKeyRow[]> {
  return db.query<InboundSigningKeyRow>(
    `SELECT id, key_hint, created_at FROM inbound_signing_keys
      WHERE inbound_endpoint_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
    [endpointId],
  );
}

export async function deleteKey(db: Queryable, endpointId: string, keyId: string): Promise<void> {
  await db.query(
    `UPDATE inbound_signing_keys SET deleted_at = now()
      WHERE inbound_endpoint_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [endpointId, keyId],
  );
}
