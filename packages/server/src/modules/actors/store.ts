import type { Queryable } from '../../store/db.js';

/** The project's API keys among `ids` (deleted keys no longer exist). */
export function findKeyLabels(
  db: Queryable,
  projectId: string,
  ids: string[],
): Promise<Array<{ id: string; label: string | null; prefix: string }>> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.query(
    'SELECT id, label, prefix FROM api_keys WHERE project_id = $1 AND id = ANY($2::text[]) ORDER BY id',
    [projectId, ids],
  );
}
