import { randomString } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Queryable } from '../../store/db.js';

const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `whsec_` + 32 characters from a CSPRNG. */
export function generateSigningSecret(): string {
  return `whsec_${randomString(32, SECRET_ALPHABET)}`;
}

/** The last 4 characters: enough to tell keys apart, never enough to matter. */
export function keyHint(secret: string): string {
  return secret.slice(-4);
}

/**
 * The decrypted active signing secrets of each endpoint, oldest first, for signing deliveries. Every id
 * asked for has an entry (empty when it has no active key). Deleted endpoints keep their keys, so a
 * message already being delivered to one can still be signed. Ids must come from trusted rows (a message,
 * an endpoint already loaded for the project): this lookup is not scoped by project.
 */
export async function loadSigningSecrets(
  db: Queryable,
  secretBox: SecretBox,
  endpointIds: readonly string[],
): Promise<Map<string, string[]>> {
  const unique = [...new Set(endpointIds)];
  const secrets = new Map<string, string[]>(unique.map((id) => [id, []]));
  if (unique.length === 0) return secrets;
  const rows = await db.query<{ endpoint_id: string; secret: string }>(
    `SELECT endpoint_id, secret FROM signing_keys
      WHERE endpoint_id = ANY($1::text[]) AND deleted_at IS NULL
      ORDER BY endpoint_id, created_at, id`,
    [unique],
  );
  for (const row of rows) secrets.get(row.endpoint_id)!.push(secretBox.decrypt(row.secret));
  return secrets;
}
