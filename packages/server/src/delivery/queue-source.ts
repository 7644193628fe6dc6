import type { SecretBox } from '../lib/secret-box.js';
import type { Queryable } from '../store/db.js';

/** What a worker needs to know about an endpoint to deliver to it. */
export interface EndpointTarget {
  id: string;
  url: string;
  headers: Record<string, string>;
  hmac_enabled: boolean;
  rate_limit_rps: number;
  burst: number;
  deleted: boolean;
}

/**
 * One queue the delivery engine serves. Outbound messages and forwarded inbound messages share the engine
 * and differ only in these names. Table and column names are constants of this module, never input, so
 * interpolating them into SQL is safe.
 */
export interface QueueSource {
  name: 'outbound' | 'inbound';
  messages: string;
  attempts: string;
  endpoints: string;
  /** The message (and attempt) column naming the endpoint, and its SQL type. */
  endpointColumn: string;
  endpointType: 'text' | 'uuid';
  /** Extra condition on the endpoint `e` for a message to be claimable. */
  claimable: string;
  /** SQL on `e`: a retry is held while this is true (outbound: paused endpoints hold their messages). */
  holdsWhilePaused: string;
  /** SQL on `e`: a retry is abandoned when this is true (outbound: the endpoint was deleted). */
  endsWithEndpoint: string;
  loadTargets(db: Queryable, endpointIds: string[]): Promise<Map<string, EndpointTarget>>;
  loadSecrets(db: Queryable, secretBox: SecretBox, endpointIds: string[]): Promise<Map<string, string[]>>;
}

async function targets(db: Queryable, sql: string, ids: string[]): Promise<Map<string, EndpointTarget>> {
  const rows = await db.query<EndpointTarget>(sql, [ids]);
  return new Map(rows.map((row) => [row.id, row]));
}

/** Decrypted active secrets per endpoint, oldest first; every requested id gets an entry. */
async function secrets(
  db: Queryable,
  secretBox: SecretBox,
  sql: string,
  ids: string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(ids.map((id) => [id, []]));
  const rows = await db.query<{ endpoint_id: string; secret: string }>(sql, [ids]);
  for (const row of rows) result.get(row.endpoint_id)?.push(secretBox.decrypt(row.secret));
  return result;
}

export const OUTBOUND: QueueSource = {
  name: 'outbound',
  messages: 'messages',
  attempts: 'attempts',
  endpoints: 'endpoints',
  endpointColumn: 'endpoint_id',
  endpointType: 'text',
  claimable: 'NOT e.paused',
  holdsWhilePaused: 'e.paused',
  endsWithEndpoint: 'e.deleted_at IS NOT NULL',
  loadTargets: (db, ids) =>
    targets(
      db,
      `SELECT id, url, headers, hmac_enabled, rate_limit_rps, burst, deleted_at IS NOT NULL AS deleted
         FROM endpoints WHERE id = ANY($1::text[])`,
      ids,
    ),
  loadSecrets: (db, secretBox, ids) =>
    secrets(
      db,
      secretBox,
      `SELECT endpoint_id, secret FROM signing_keys
        WHERE endpoint_id = ANY($1::text[]) AND deleted_at IS NULL ORDER BY created_at, id`,
      ids,
    ),
};

export const INBOUND: QueueSource = {
  name: 'inbound',
  messages: 'inbound_messages',
  attempts: 'inbound_attempts',
  endpoints: 'inbound_endpoints',
  endpointColumn: 'inbound_endpoint_id',
  endpointType: 'uuid',
  // Only forward-mode endpoints deliver over HTTP. Pausing an inbound endpoint refuses new ingests but
  // forwards what it already accepted, and deleting one lets accepted messages finish (spec §2.8).
  claimable: "e.mode = 'forward'",
  holdsWhilePaused: 'false',
  endsWithEndpoint: 'false',
  loadTargets: (db, ids) =>
    targets(
      db,
      `SELECT id::text AS id, COALESCE(url, '') AS url, '{}'::jsonb AS headers, signing_enabled AS hmac_enabled,
              0 AS rate_limit_rps, 0 AS burst, false AS deleted
         FROM inbound_endpoints WHERE id = ANY($1::uuid[])`,
      ids,
    ),
  loadSecrets: (db, secretBox, ids) =>
    secrets(
      db,
      secretBox,
      `SELECT inbound_endpoint_id::text AS endpoint_id, secret FROM inbound_signing_keys
        WHERE inbound_endpoint_id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY created_at, id`,
      ids,
    ),
};
