import type { Queryable } from '../../../store/db.js';
import { type InboundSettings, VERIFICATION_COLUMNS } from '../endpoints/store.js';
import { endpointTable } from '../endpoints/table.js';

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
  ...VERIFICATION_COLUMNS,
  'active',
  'retention_days',
  'event_type_source',
  'event_type_path',
];
/** Pull endpoints are the inbound endpoints of mode pull; the inbound routes never show them. */
const table = endpointTable<PullSettings, PullEndpointRow>({
  settings: SETTING_COLUMNS,
  alsoReads: 'secret_token_sealed, paused, created_at, updated_at',
  scope: "deleted_at IS NULL AND mode = 'pull'",
});

export async function insertPullEndpoint(
  db: Queryable,
  endpoint: PullSettings & { id: string; projectId: string; tokenHash: string; tokenSealed: string },
): Promise<PullEndpointRow> {
  const rows = await db.query<PullEndpointRow>(
    `INSERT INTO inbound_endpoints (id, project_id, secret_token_hash, secret_token_sealed, mode,
                                   ${table.settingNames})
     VALUES ($1, $2, $3, $4, 'pull', ${table.placeholders(5)}) RETURNING ${table.columns}`,
    [endpoint.id, endpoint.projectId, endpoint.tokenHash, endpoint.tokenSealed, ...table.values(endpoint)],
  );
  return rows[0]!;
}

export const findPullEndpoint = table.find;
export const listPullEndpoints = table.list;
export const updatePullEndpoint = table.update;
export const setPullState = table.setState;

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
