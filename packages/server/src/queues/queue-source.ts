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
 * One of the two message queues: outbound messages and forwarded inbound messages. The delivery engine,
 * replay, retention and payload expiry serve both, and the queues differ only in what this object names.
 * Table and column names and SQL fragments are constants of this module, never input, so interpolating
 * them into SQL is safe. In the fragments, `m` is the message and `e` its endpoint.
 */
export interface QueueSource {
  name: 'outbound' | 'inbound';
  messages: 'messages' | 'inbound_messages';
  attempts: 'attempts' | 'inbound_attempts';
  endpoints: 'endpoints' | 'inbound_endpoints';
  /** The message (and attempt) column naming the endpoint, and its SQL type. */
  endpointColumn: string;
  endpointType: 'text' | 'uuid';
  /** Extra condition on the endpoint `e` for a message to be claimable. */
  claimable: string;
  /**
   * SQL on `e`: a retry (or a replay) is held while this is true (outbound: paused endpoints hold their
   * messages).
   */
  holdsWhilePaused: string;
  /** SQL on `e`: a retry is abandoned when this is true (outbound: the endpoint was deleted). */
  endsWithEndpoint: string;
  /** Whether a message can carry its own retention (`retention_hours`; outbound sends can). */
  perMessageRetention: boolean;
  replay: ReplayTraits;
  loadTargets(db: Queryable, endpointIds: string[]): Promise<Map<string, EndpointTarget>>;
  loadSecrets(db: Queryable, secretBox: SecretBox, endpointIds: string[]): Promise<Map<string, string[]>>;
}

/** How a replay differs between the queues (the rules themselves are in `replay.ts`). */
export interface ReplayTraits {
  /**
   * SQL on `m`, `e`: besides the statuses the replay is asked to replay from, when a message may be
   * replayed (inbound: a cli message handed over and never answered stays `queued` for ever).
   */
  alsoReplayable: string;
  /** SQL on `e`: whether the replayed message is due for a delivery worker (else a listener takes it). */
  dueForWorker: string;
  /** Further `column = value, ` assignments a replay makes. */
  alsoSets: string;
  /** The refusal messages that name the queue's kind of message or endpoint. */
  refusals: {
    queued: string;
    delivering: string;
    pendingRetry: string;
    endpointDeleted: string;
  };
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
  perMessageRetention: true,
  replay: {
    alsoReplayable: 'false',
    dueForWorker: 'true',
    alsoSets: '',
    refusals: {
      queued: 'Message is queued for delivery; it cannot be replayed yet',
      delivering: 'Message is being delivered; it cannot be replayed now',
      pendingRetry: 'Message has a retry scheduled; use retry-now to deliver it at once, or cancel it first',
      endpointDeleted: "The message's endpoint was deleted; it cannot be replayed",
    },
  },
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
  perMessageRetention: false,
  // A forward-mode message goes back to the delivery engine; a cli-mode one is offered to the CLI again
  // (not handed over, never due for a worker).
  replay: {
    alsoReplayable: "e.mode = 'cli' AND m.status = 'queued' AND m.handed_over_at IS NOT NULL",
    dueForWorker: "e.mode = 'forward'",
    alsoSets: 'handed_over_at = NULL, ',
    refusals: {
      queued: 'Inbound message is waiting for delivery; it cannot be replayed now',
      delivering: 'Inbound message is being delivered; it cannot be replayed now',
      pendingRetry: 'Inbound message has a retry scheduled; it cannot be replayed now',
      endpointDeleted: "The message's inbound endpoint was deleted; it cannot be replayed",
    },
  },
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

/** Both queues, outbound first. */
export const QUEUES: readonly QueueSource[] = [OUTBOUND, INBOUND];
