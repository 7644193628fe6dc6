import type { Queryable } from '../../../store/db.js';
import { type InboundSettings, setEndpointState } from '../endpoints/store.js';

/** What a pull endpoint keeps beyond an inbound endpoint's verification settings. */
export interface PullOnlySettings {
  retention_days: number;
  event_type_source: 'body' | 'header' | null;
  event_type_path: string | null;
}

export type PullSettings = Omit<InboundSettings, 'mode' | 'url' | 'signing_enabled'> & PullOnlySettings;

export interface PullEndpointRow extends PullSettings {
  id: string;
  project_id: string;
  secret_token_sealed: string | null;
  paused: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface EventCounts {
  stored: number;
  fetched: number;
  delivered: number;
  total: number;
}

// Constants of this module, never input: safe to interpolate.
const SETTING_COLUMNS: ReadonlyArray<keyof PullSettings> = [
  'name',
  'description',
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
  'active',
  'retention_days',
  'event_type_source',
  'event_type_path',
];
const JSON_COLUMNS = new Set<string>(['allowed_cidrs', 'idempotency_header_names']);
const COLUMNS = `id::text AS id, project_id::text AS project_id, ${SETTING_COLUMNS.join(', ')},
  secret_token_sealed, paused, created_at, updated_at`;
/** Pull endpoints are the inbound endpoints of mode pull; the inbound routes never show them. */
const LIVE = "project_id = $1 AND id = $2 AND deleted_at IS NULL AND mode = 'pull'";

const values = (settings: PullSettings) =>
  SETTING_COLUMNS.map((column) =>
    JSON_COLUMNS.has(column) ? JSON.stringify(settings[column]) : settings[column],
  );
const placeholder = (column: string, n: number) => (JSON_COLUMNS.has(column) ? `$${n}::jsonb` : `$${n}`);

export async function insertPullEndpoint(
  db: Queryable,
  endpoint: PullSettings & { id: string; projectId: string; tokenHash: string; tokenSealed: string },
): Promise<PullEndpointRow> {
  const columns = SETTING_COLUMNS.map((column, i) => placeholder(column, i + 5)).join(', ');
  const rows = await db.query<PullEndpointRow>(
    `INSERT INTO inbound_endpoints (id, project_id, secret_token_hash, secret_token_sealed, mode,
                                   ${SETTING_COLUMNS.join(', ')})
     VALUES ($1, $2, $3, $4, 'pull', ${columns}) RETURNING ${COLUMNS}`,
    [endpoint.id, endpoint.projectId, endpoint.tokenHash, endpoint.tokenSealed, ...values(endpoint)],
  );
  return rows[0]!;
}

export async function findPullEndpoint(
  db: Queryable,
  projectId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<PullEndpointRow | null> {
  const rows = await db.query<PullEndpointRow>(
    `SELECT ${COLUMNS} FROM inbound_endpoints WHERE ${LIVE}${options.lock ? ' FOR UPDATE' : ''}`,
    [projectId, id],
  );
  return rows[0] ?? null;
}

/** One page in id order; one row more than `limit` tells has_more. */
export function listPullEndpoints(
  db: Queryable,
  projectId: string,
  page: { after: string | null; limit: number },
): Promise<PullEndpointRow[]> {
  return db.query<PullEndpointRow>(
    `SELECT ${COLUMNS} FROM inbound_endpoints
      WHERE project_id = $1 AND deleted_at IS NULL AND mode = 'pull' AND ($2::uuid IS NULL OR id > $2::uuid)
      ORDER BY id LIMIT $3`,
    [projectId, page.after, page.limit + 1],
  );
}

export async function updatePullEndpoint(
  db: Queryable,
  projectId: string,
  id: string,
  settings: PullSettings,
): Promise<PullEndpointRow | null> {
  const sets = SETTING_COLUMNS.map((column, i) => `${column} = ${placeholder(column, i + 3)}`).join(', ');
  const rows = await db.query<PullEndpointRow>(
    `UPDATE inbound_endpoints SET ${sets}, updated_at = now() WHERE ${LIVE} RETURNING ${COLUMNS}`,
    [projectId, id, ...values(settings)],
  );
  return rows[0] ?? null;
}

/** Sets `paused` or `deleted_at`; answers whether a live pull endpoint of the project was changed. */
export function setPullState(
  db: Queryable,
  projectId: string,
  id: string,
  change: { paused: boolean } | { deleted: true },
): Promise<boolean> {
  return setEndpointState(db, LIVE, projectId, id, change);
}

/** The endpoint's retrievable events (not deleted, not expired) by status. */
export async function countEvents(db: Queryable, endpointId: string): Promise<EventCounts> {
  const rows = await db.query<{ status: keyof EventCounts; count: number }>(
    `SELECT status, count(*)::int AS count FROM pull_events
      WHERE pull_endpoint_id = $1 AND deleted_at IS NULL AND expires_at > now()
      GROUP BY status`,
    [endpointId],
  );
  const counts: EventCounts = { stored: 0, fetched: 0, delivered: 0, total: 0 };
  for (const row of rows) {
    counts[row.status] = row.count;
    counts.total += row.count;
  }
  return counts;
}
