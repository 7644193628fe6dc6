import type { Queryable } from '../../../store/db.js';

const JSON_COLUMNS = new Set<string>(['allowed_cidrs', 'idempotency_header_names']);

export type StateChange = { paused: boolean } | { deleted: true };

/**
 * The statements on `inbound_endpoints` that inbound and pull endpoints share: both are rows of that table
 * and differ only in the setting columns they write (`settings`), the further columns they read
 * (`alsoReads`) and which rows are theirs (`scope`, SQL on the row). These are constants of the calling
 * module, never input: safe to interpolate.
 */
export function endpointTable<Settings extends object, Row>(spec: {
  settings: ReadonlyArray<keyof Settings & string>;
  alsoReads: string;
  scope: string;
}) {
  const settingNames = spec.settings.join(', ');
  const columns = `id::text AS id, project_id::text AS project_id, ${settingNames}, ${spec.alsoReads}`;
  const live = `project_id = $1 AND id = $2 AND ${spec.scope}`;
  const placeholder = (column: string, n: number) => (JSON_COLUMNS.has(column) ? `$${n}::jsonb` : `$${n}`);
  const values = (settings: Settings): unknown[] =>
    spec.settings.map((column) =>
      JSON_COLUMNS.has(column) ? JSON.stringify(settings[column]) : settings[column],
    );

  return {
    /** The SELECT list of a row. */
    columns,
    /** The setting columns, comma-separated, in the order of `placeholders` and `values`. */
    settingNames,
    /** The setting columns' placeholders, numbered from `first`. */
    placeholders: (first: number) =>
      spec.settings.map((column, i) => placeholder(column, first + i)).join(', '),
    values,

    async find(
      db: Queryable,
      projectId: string,
      id: string,
      options: { lock?: boolean } = {},
    ): Promise<Row | null> {
      const rows = await db.query<Row>(
        `SELECT ${columns} FROM inbound_endpoints WHERE ${live}${options.lock ? ' FOR UPDATE' : ''}`,
        [projectId, id],
      );
      return rows[0] ?? null;
    },

    /**
     * One page in id order (UUIDv7 ids are time-ordered); one row more than `limit` tells has_more. A null
     * limit lists them all.
     */
    list(
      db: Queryable,
      projectId: string,
      page: { after: string | null; limit: number | null },
    ): Promise<Row[]> {
      return db.query<Row>(
        `SELECT ${columns} FROM inbound_endpoints
          WHERE project_id = $1 AND ${spec.scope} AND ($2::uuid IS NULL OR id > $2::uuid)
          ORDER BY id LIMIT $3`,
        [projectId, page.after, page.limit === null ? null : page.limit + 1],
      );
    },

    async update(db: Queryable, projectId: string, id: string, settings: Settings): Promise<Row | null> {
      const sets = spec.settings.map((column, i) => `${column} = ${placeholder(column, i + 3)}`).join(', ');
      const rows = await db.query<Row>(
        `UPDATE inbound_endpoints SET ${sets}, updated_at = now() WHERE ${live} RETURNING ${columns}`,
        [projectId, id, ...values(settings)],
      );
      return rows[0] ?? null;
    },

    /** Sets `paused` or `deleted_at`; answers whether a live endpoint of the project was changed. */
    async setState(db: Queryable, projectId: string, id: string, change: StateChange): Promise<boolean> {
      const set = 'deleted' in change ? 'deleted_at = now()' : 'paused = $3';
      const params = 'deleted' in change ? [projectId, id] : [projectId, id, change.paused];
      const rows = await db.query(
        `UPDATE inbound_endpoints SET ${set}, updated_at = now() WHERE ${live} RETURNING id`,
        params,
      );
      return rows.length > 0;
    },
  };
}
