import type { Queryable } from '../../../store/db.js';
import { INBOUND_CHANNEL } from '../listen/channel.js';
import type { InboundEndpointRow } from '../endpoints/store.js';

export type IngestTarget = Pick<
  InboundEndpointRow,
  | 'id'
  | 'project_id'
  | 'secret_token_hash'
  | 'verify_static_token'
  | 'token_header_name'
  | 'token_query_param'
  | 'token_value_hash'
  | 'verify_hmac'
  | 'hmac_header_name'
  | 'hmac_secret'
  | 'timestamp_header_name'
  | 'timestamp_ttl_seconds'
  | 'verify_ip_allowlist'
  | 'allowed_cidrs'
  | 'idempotency_header_names'
  | 'ingest_response_code'
  | 'active'
  | 'paused'
  | 'deleted_at'
> & {
  mode: 'forward' | 'cli' | 'pull';
  /** Pull mode only: where the event type is read. */
  event_type_source: 'body' | 'header' | null;
  event_type_path: string | null;
};

/** The endpoint an ingest names, deleted or not, in any project: the path token is the credential. */
export async function findIngestTarget(db: Queryable, id: string): Promise<IngestTarget | null> {
  const rows = await db.query<IngestTarget>(
    `SELECT id::text AS id, project_id::text AS project_id, mode, secret_token_hash, verify_static_token,
            token_header_name, token_query_param, token_value_hash, verify_hmac, hmac_header_name, hmac_secret,
            timestamp_header_name, timestamp_ttl_seconds, verify_ip_allowlist, allowed_cidrs,
            idempotency_header_names, ingest_response_code, active, paused, event_type_source, event_type_path,
            -- An ephemeral endpoint past its time answers as a deleted one until the sweep removes it.
            CASE WHEN expires_at <= now() THEN COALESCE(deleted_at, expires_at) ELSE deleted_at END AS deleted_at
       FROM inbound_endpoints WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export interface NewInboundMessage {
  id: string;
  endpointId: string;
  payload: Uint8Array;
  payloadSha256: string;
  contentType: string | null;
  headers: Record<string, string>;
  sourceIp: string | null;
  idempotencyKey: string | null;
  /** The request line as received: method, path after the token ('' or '/…'), query without '?'. */
  method?: string;
  pathSuffix?: string;
  queryString?: string;
}

/**
 * One statement: inserts the message for a live endpoint; for cli mode it also queues the NOTIFY that
 * PostgreSQL sends the stream hubs on commit (never due for a worker: next_attempt_at stays NULL). Forward
 * mode is due now: the caller wakes the workers after the commit, through the coalesced WakeNotifier (a
 * NOTIFY in every ingest's transaction serialised those commits). Returns null when the idempotency key is
 * already taken or the endpoint was deleted meanwhile.
 */
export async function insertInboundMessage(
  db: Queryable,
  message: NewInboundMessage,
): Promise<{ id: string; mode: 'forward' | 'cli' } | null> {
  const rows = await db.query<{ id: string; mode: 'forward' | 'cli' }>(
    `WITH inserted AS (
       INSERT INTO inbound_messages (id, project_id, inbound_endpoint_id, status, payload, content_type, size_bytes,
                                    payload_sha256, headers, source_ip, idempotency_key, next_attempt_at,
                                    request_method, path_suffix, query_string)
       SELECT $1, e.project_id, e.id, 'queued', $3, $4, $5, $6, $7::jsonb, $8, $9,
              CASE WHEN e.mode = 'forward' THEN now() END, $11, $12, $13
         FROM inbound_endpoints e
        WHERE e.id = $2 AND e.deleted_at IS NULL AND (e.expires_at IS NULL OR e.expires_at > now())
       ON CONFLICT (inbound_endpoint_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, inbound_endpoint_id
     )
     SELECT i.id::text AS id, e.mode,
            CASE WHEN e.mode = 'cli' THEN pg_notify($10, e.id::text || ' ' || i.id::text) END AS notified
       FROM inserted i JOIN inbound_endpoints e ON e.id = i.inbound_endpoint_id`,
    [
      message.id,
      message.endpointId,
      message.payload,
      message.contentType,
      message.payload.byteLength,
      message.payloadSha256,
      JSON.stringify(message.headers),
      message.sourceIp,
      message.idempotencyKey,
      INBOUND_CHANNEL,
      message.method ?? 'POST',
      message.pathSuffix ?? '',
      message.queryString ?? '',
    ],
  );
  return rows[0] ?? null;
}

export async function findByIdempotencyKey(
  db: Queryable,
  endpointId: string,
  key: string,
): Promise<string | null> {
  const rows = await db.query<{ id: string }>(
    'SELECT id::text AS id FROM inbound_messages WHERE inbound_endpoint_id = $1 AND idempotency_key = $2',
    [endpointId, key],
  );
  return rows[0]?.id ?? null;
}
