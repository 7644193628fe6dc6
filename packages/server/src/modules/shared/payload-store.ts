import type { Queryable } from '../../store/db.js';

export interface PayloadRow {
  payload: Uint8Array | null;
  content_type: string | null;
  size_bytes: number;
  headers: Record<string, string> | null;
}

/** The stored payload of a project's message; `table` is one of two constants, never input. */
export async function findPayload(
  db: Queryable,
  table: 'messages' | 'inbound_messages',
  projectId: string,
  id: string,
): Promise<PayloadRow | null> {
  const rows = await db.query<PayloadRow>(
    `SELECT payload, content_type, size_bytes, headers FROM ${table} WHERE project_id = $1 AND id = $2`,
    [projectId, id],
  );
  return rows[0] ?? null;
}
