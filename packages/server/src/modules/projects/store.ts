import type { Queryable } from '../../store/db.js';

export interface ProjectRow {
  id: string;
  tenant_id: string;
  name: string;
  status: 'active' | 'suspended' | 'deleted';
  rate_limit_default: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, tenant_id, name, status, rate_limit_default, created_at, updated_at';

export async function insertProject(
  db: Queryable,
  project: { id: string; tenantId: string; name: string; rateLimitDefault: number },
): Promise<ProjectRow> {
  const rows = await db.query<ProjectRow>(
    `INSERT INTO projects (id, tenant_id, name, rate_limit_default) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [project.id, project.tenantId, project.name, project.rateLimitDefault],
  );
  return rows[0]!;
}

export async function findProject(db: Queryable, id: string): Promise<ProjectRow | null> {
  const rows = await db.query<ProjectRow>(
    `SELECT ${COLUMNS} FROM projects WHERE id = $1 AND status <> 'deleted'`,
    [id],
  );
  return rows[0] ?? null;
}

export async function findProjectByName(db: Queryable, name: string): Promise<ProjectRow | null> {
  const rows = await db.query<ProjectRow>(
    `SELECT ${COLUMNS} FROM projects WHERE name = $1 AND status <> 'deleted' ORDER BY created_at LIMIT 1`,
    [name],
  );
  return rows[0] ?? null;
}

export function listProjects(db: Queryable): Promise<ProjectRow[]> {
  return db.query<ProjectRow>(
    `SELECT ${COLUMNS} FROM projects WHERE status <> 'deleted' ORDER BY created_at, id`,
  );
}

export async function countProjects(db: Queryable): Promise<number> {
  const rows = await db.query<{ count: number }>('SELECT count(*) AS count FROM projects');
  return rows[0]?.count ?? 0;
}

export async function updateProject(
  db: Queryable,
  id: string,
  changes: { name?: string | undefined; rateLimitDefault?: number | undefined },
): Promise<ProjectRow | null> {
  const rows = await db.query<ProjectRow>(
    `UPDATE projects SET name = COALESCE($2, name), rate_limit_default = COALESCE($3, rate_limit_default),
            updated_at = now()
      WHERE id = $1 AND status <> 'deleted' RETURNING ${COLUMNS}`,
    [id, changes.name ?? null, changes.rateLimitDefault ?? null],
  );
  return rows[0] ?? null;
}

export async function softDeleteProject(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE projects SET status = 'deleted', deleted_at = now(), updated_at = now()
      WHERE id = $1 AND status <> 'deleted' RETURNING id`,
    [id],
  );
  return rows.length > 0;
}

/** Serialises changes to one project's children (key count, endpoint count) inside a transaction. */
export async function lockProject(db: Queryable, id: string): Promise<void> {
  await db.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [id]);
}
