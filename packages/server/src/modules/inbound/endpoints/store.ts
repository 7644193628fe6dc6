import type { Queryable } from '../../../store/db.js';
import { ENDPOINT_GONE, INBOUND_CHANNEL } from '../listen/channel.js';
import { endpointTable } from './table.js';

/** The columns an API request may set (secrets already hashed or sealed). */
export interface InboundSettings {
  name: string | null;
  description: string | null;
  mode: 'forward' | 'cli';
  url: string | null;
  verify_static_token: boolean;
  token_header_name: string | null;
  token_query_param: string | null;
  token_value_hash: string | null;
  verify_hmac: boolean;
  hmac_header_name: string | null;
  /** SecretBox ciphertext. */
  hmac_secret: string | null;
  timestamp_header_name: string | null;
  timestamp_ttl_seconds: number | null;
  verify_ip_allowlist: boolean;
  allowed_cidrs: string[];
  idempotency_header_names: string[];
  ingest_response_code: number;
  signing_enabled: boolean;
  active: boolean;
}

export interface InboundEndpointRow extends InboundSettings {
  id: string;
  project_id: string;
  secret_token_hash: string;
  secret_token_sealed: string | null;
  paused: boolean;
  ephemeral: boolean;
  /** When an ephemeral endpoint stops existing; null for the others. */
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

// Constants of this module, never input: safe to interpolate.
/** The columns of the verification settings, which pull endpoints have too. */
export const VERIFICATION_COLUMNS = [
  'verify_static_token',
  'token_header_name',
  'token_query_param',
  'token_value_hash',
  'verify_hmac',
  'hmac_header_name',
  'hmac_secret',
  'timestamp_header_name',
  'timestamp_ttl_seconds',
  'verify_ip_allowlist',
  'allowed_cidrs',
  'idempotency_header_names',
  'ingest_response_code',
] as const satisfies ReadonlyArray<keyof InboundSettings>;
const SETTING_COLUMNS: ReadonlyArray<keyof InboundSettings> = [
  'name',
  'description',
  'mode',
  'url',
  ...VERIFICATION_COLUMNS,
  'signing_enabled',
  'active',
];
/**
 * Not deleted, and not an ephemeral endpoint past its time (the sweep removes those a little later). Pull
 * endpoints share the table but are managed under /v1/pull-endpoints only.
 */
const NOT_GONE = "deleted_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AND mode <> 'pull'";
const table = endpointTable<InboundSettings, InboundEndpointRow>({
  settings: SETTING_COLUMNS,
  alsoReads:
    'secret_token_hash, secret_token_sealed, paused, ephemeral, expires_at, created_at, updated_at, deleted_at',
  scope: NOT_GONE,
});

/** `ttlMinutes` makes the endpoint ephemeral: it expires that long after now (the database's clock). */
export async function insertInboundEndpoint(
  db: Queryable,
  endpoint: InboundSettings & {
    id: string;
    projectId: string;
    tokenHash: string;
    tokenSealed: string;
    ttlMinutes: number | null;
  },
): Promise<InboundEndpointRow> {
  const rows = await db.query<InboundEndpointRow>(
    `INSERT INTO inbound_endpoints (id, project_id, secret_token_hash, secret_token_sealed, ephemeral, expires_at,
                                    ${table.settingNames})
     VALUES ($1, $2, $3, $4, $5::int IS NOT NULL, now() + $5::int * interval '1 minute', ${table.placeholders(6)})
     RETURNING ${table.columns}`,
    [
      endpoint.id,
      endpoint.projectId,
      endpoint.tokenHash,
      endpoint.tokenSealed,
      endpoint.ttlMinutes,
      ...table.values(endpoint),
    ],
  );
  return rows[0]!;
}

export const findInboundEndpoint = table.find;
export const listInboundEndpoints = table.list;
export const updateInboundEndpoint = table.update;
export const setState = table.setState;

/**
 * Messages still waiting when an endpoint changes mode follow it: switched to forward, they become due for
 * the delivery engine (CLI messages have no next attempt time); switched to cli, they wait for a listener
 * instead of a worker.
 */
export async function rescheduleForMode(db: Queryable, endpointId: string, mode: 'forward' | 'cli') {
  await db.query(
    `UPDATE inbound_messages
        SET next_attempt_at = CASE WHEN $2 = 'forward' THEN COALESCE(next_attempt_at, now()) END,
            handed_over_at = CASE WHEN $2 = 'cli' THEN NULL ELSE handed_over_at END, updated_at = now()
      WHERE inbound_endpoint_id = $1 AND status IN ('queued', 'pending_retry')`,
    [endpointId, mode],
  );
}

/**
 * Removes up to `batch` ephemeral endpoints past their time, with their messages, attempts, rejections and
 * signing keys; answers how many endpoints went. SKIP LOCKED, as the other retention steps. Notifies the
 * stream channel for each, so every process closes the endpoint's connected listeners.
 */
export async function removeExpiredEndpoints(db: Queryable, batch: number): Promise<number> {
  const rows = await db.query(
    `WITH gone AS (
       SELECT id FROM inbound_endpoints WHERE expires_at <= now()
        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
     ), attempts AS (
       DELETE FROM inbound_attempts WHERE inbound_endpoint_id IN (SELECT id FROM gone)
     ), messages AS (
       DELETE FROM inbound_messages WHERE inbound_endpoint_id IN (SELECT id FROM gone)
     ), rejections AS (
       DELETE FROM inbound_rejections WHERE inbound_endpoint_id IN (SELECT id FROM gone)
     ), signing_keys AS (
       DELETE FROM inbound_signing_keys WHERE inbound_endpoint_id IN (SELECT id FROM gone)
     )
     DELETE FROM inbound_endpoints WHERE id IN (SELECT id FROM gone)
     RETURNING id, pg_notify($2, id::text || ' ' || $3)`,
    [batch, INBOUND_CHANNEL, ENDPOINT_GONE],
  );
  return rows.length;
}
