import type { Queryable } from '../../store/db.js';

export interface EndpointRow {
  id: string;
  project_id: string;
  url: string;
  description: string | null;
  rate_limit_rps: number;
  burst: number;
  headers: Record<string, string>;
  hmac_enabled: boolean;
  paused: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface EndpointSettings {
  url: string;
  description: string | null;
  rateLimitRps: number;
  burst: number;
  headers: Record<string, string>;
  hmacEnabled: boolean;
}

const COLUMNS =
  'id, project_id, url, description, rate_limit_rps, burst, headers, hmac_enabled, paused, created_at, updated_at';
const LIVE = 'project_id = $1 AND id = $2 AND deleted_at IS NULL';

/** PostgreSQL's unique_violation, raised by both adapters (e.g. endpoints_project_url_idx). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

export async function insertEndpoint(
  db: Queryable,
  endpoint: EndpointSettings & { id: string; projectId: string },
): Promise<EndpointRow> {
  const rows = await db.query<EndpointRow>(
    `INSERT INTO endpoints (id, project_id, url, description, rate_limit_rps, burst, headers, hmac_enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING ${COLUMNS}`,
    [
      endpoint.id,
      endpoint.projectId,
      endpoint.url,
      endpoint.description,
      endpoint.rateLimitRps,
      endpoint.burst,
      JSON.stringify(endpoint.headers),
      endpoint.hmacEnabled,
    ],
  );
  return rows[0]!;
}

export async function findEndpoint(
  db: Queryable,
  projectId: string,
  id: string,
): Promise<EndpointRow | null> {
  const rows = await db.query<EndpointRow>(`SELECT ${COLUMNS} FROM endpoints WHERE ${LIVE}`, [projectId, id]);
  return rows[0] ?? null;
}

/**
 * Locks a live endpoint row for the rest of the transaction. Pause, resume, delete and signing-key changes
 * take it, and a send reads the row FOR SHARE, so the two serialise.
 */
export async function lockEndpoint(
  db: Queryable,
  projectId: string,
  id: string,
): Promise<EndpointRow | null> {
  const rows = await db.query<EndpointRow>(`SELECT ${COLUMNS} FROM endpoints WHERE ${LIVE} FOR UPDATE`, [
    projectId,
    id,
  ]);
  return rows[0] ?? null;
}

/** One page in id order (ids are time-ordered); asks for one row more than `limit` to learn has_more. */
export function listEndpoints(
  db: Queryable,
  projectId: string,
  page: { after: string | null; limit: number },
): Promise<EndpointRow[]> {
  return db.query<EndpointRow>(
    `SELECT ${COLUMNS} FROM endpoints
      WHERE project_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR id > $2::text)
      ORDER BY id LIMIT $3`,
    [projectId, page.after, page.limit + 1],
  );
}

export async function updateEndpoint(
  db: Queryable,
  projectId: string,
  id: string,
  settings: EndpointSettings,
): Promise<EndpointRow | null> {
  const rows = await db.query<EndpointRow>(
    `UPDATE endpoints SET url = $3, description = $4, rate_limit_rps = $5, burst = $6, headers = $7::jsonb,
            hmac_enabled = $8, updated_at = now()
      WHERE ${LIVE} RETURNING ${COLUMNS}`,
    [
      projectId,
      id,
      settings.url,
      settings.description,
      settings.rateLimitRps,
      settings.burst,
      JSON.stringify(settings.headers),
      settings.hmacEnabled,
    ],
  );
  return rows[0] ?? null;
}

export async function softDeleteEndpoint(db: Queryable, projectId: string, id: string): Promise<void> {
  await db.query(`UPDATE endpoints SET deleted_at = now(), updated_at = now() WHERE ${LIVE}`, [
    projectId,
    id,
  ]);
}

export async function setPaused(
  db: Queryable,
  projectId: string,
  id: string,
  paused: boolean,
): Promise<void> {
  await db.query(`UPDATE endpoints SET paused = $3, updated_at = now() WHERE ${LIVE}`, [
    projectId,
    id,
    paused,
  ]);
}

const WAITING = `project_id = $1 AND endpoint_id = $2 AND status IN ('queued', 'pending_retry')`;

/** A deleted endpoint's waiting messages fail for good; messages being delivered finish their attempt. */
export async function failWaitingMessages(db: Queryable, projectId: string, endpointId: string) {
  const rows = await db.query(
    `UPDATE messages SET status = 'failed_permanent', last_error = 'endpoint deleted', failed_at = now(),
            next_attempt_at = NULL, held = false, updated_at = now()
      WHERE ${WAITING} RETURNING id`,
    [projectId, endpointId],
  );
  return rows.length;
}

export async function holdWaitingMessages(db: Queryable, projectId: string, endpointId: string) {
  const rows = await db.query(
    `UPDATE messages SET held = true, updated_at = now() WHERE ${WAITING} AND NOT held RETURNING id`,
    [projectId, endpointId],
  );
  return rows.length;
}

/**
 * Un-holds a resumed endpoint's messages. Queued ones become due at once; a pending retry keeps its
 * scheduled time (if that has passed it is due anyway).
 */
export async function releaseHeldMessages(db: Queryable, projectId: string, endpointId: string) {
  const rows = await db.query(
    `UPDATE messages SET held = false, updated_at = now(),
            next_attempt_at = CASE WHEN status = 'queued' THEN LEAST(next_attempt_at, now())
                                   ELSE COALESCE(next_attempt_at, now()) END
      WHERE ${WAITING} AND held RETURNING id`,
    [projectId, endpointId],
  );
  return rows.length;
}
