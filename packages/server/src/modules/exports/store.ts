import type { Queryable } from '../../store/db.js';

export interface ExportRow {
  id: string;
  project_id: string;
  status: 'pending' | 'processing' | 'completed' | 'failed';
  direction: 'outbound' | 'inbound';
  filter_start_time: Date;
  filter_end_time: Date;
  filter_status: string | null;
  filter_endpoint_id: string | null;
  filter_inbound_endpoint_id: string | null;
  row_count: number | null;
  file_size_bytes: number | null;
  file_name: string | null;
  error_message: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  expires_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, project_id, status, direction, filter_start_time, filter_end_time, filter_status,
  filter_endpoint_id, filter_inbound_endpoint_id, row_count, file_size_bytes, file_name, error_message,
  started_at, completed_at, expires_at, created_at`;

export interface NewExport {
  id: string;
  projectId: string;
  direction: 'outbound' | 'inbound';
  start: Date;
  end: Date;
  status: string | null;
  endpointId: string | null;
  inboundEndpointId: string | null;
}

export async function insertExport(db: Queryable, e: NewExport): Promise<ExportRow> {
  const rows = await db.query<ExportRow>(
    `INSERT INTO exports (id, project_id, status, direction, filter_start_time, filter_end_time, filter_status,
                          filter_endpoint_id, filter_inbound_endpoint_id)
     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [e.id, e.projectId, e.direction, e.start, e.end, e.status, e.endpointId, e.inboundEndpointId],
  );
  return rows[0]!;
}

export function listExports(db: Queryable, projectId: string, limit: number): Promise<ExportRow[]> {
  return db.query<ExportRow>(
    `SELECT ${COLUMNS} FROM exports WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [projectId, limit],
  );
}

/** Without a project: only for the signed download link, whose signature names the export. */
export async function findExport(db: Queryable, id: string, projectId?: string): Promise<ExportRow | null> {
  const rows = await db.query<ExportRow>(
    `SELECT ${COLUMNS} FROM exports WHERE id = $1 AND ($2::uuid IS NULL OR project_id = $2)`,
    [id, projectId ?? null],
  );
  return rows[0] ?? null;
}

export async function deleteExport(db: Queryable, projectId: string, id: string): Promise<ExportRow | null> {
  const rows = await db.query<ExportRow>(
    `DELETE FROM exports WHERE id = $1 AND project_id = $2 RETURNING ${COLUMNS}`,
    [id, projectId],
  );
  return rows[0] ?? null;
}

/** Any endpoint of the project, deleted ones included: their messages can still be exported. */
export async function endpointExists(db: Queryable, projectId: string, endpointId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM endpoints WHERE id = $1 AND project_id = $2', [
    endpointId,
    projectId,
  ]);
  return rows.length > 0;
}

/** Takes the oldest pending export, or one whose runner died (lease ran out). */
export async function claimExport(db: Queryable, leaseMs: number): Promise<ExportRow | null> {
  const rows = await db.query<ExportRow>(
    `UPDATE exports SET status = 'processing', started_at = COALESCE(started_at, now()),
            locked_until = now() + $1 * interval '1 millisecond'
      WHERE id = (SELECT id FROM exports
                   WHERE status = 'pending' OR (status = 'processing' AND locked_until < now())
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
    [leaseMs],
  );
  return rows[0] ?? null;
}

export async function extendLease(db: Queryable, id: string, leaseMs: number): Promise<void> {
  await db.query(
    `UPDATE exports SET locked_until = now() + $2 * interval '1 millisecond' WHERE id = $1 AND status = 'processing'`,
    [id, leaseMs],
  );
}

/** False when the export was deleted meanwhile (the caller then removes the file). */
export async function completeExport(
  db: Queryable,
  id: string,
  result: { rowCount: number; sizeBytes: number; fileName: string; ttlMs: number },
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE exports SET status = 'completed', row_count = $2, file_size_bytes = $3, file_name = $4,
            completed_at = now(), expires_at = now() + $5 * interval '1 millisecond', locked_until = NULL
      WHERE id = $1 AND status = 'processing' RETURNING id`,
    [id, result.rowCount, result.sizeBytes, result.fileName, result.ttlMs],
  );
  return rows.length > 0;
}

export async function failExport(db: Queryable, id: string, message: string): Promise<void> {
  await db.query(
    `UPDATE exports SET status = 'failed', error_message = $2, completed_at = now(), locked_until = NULL
      WHERE id = $1 AND status = 'processing'`,
    [id, message],
  );
}

/** Expired exports whose file is still on disk; the caller deletes the file, then forgets its name. */
export function expiredFiles(db: Queryable): Promise<Array<{ id: string; file_name: string }>> {
  return db.query(
    `SELECT id, file_name FROM exports
      WHERE status = 'completed' AND expires_at < now() AND file_name IS NOT NULL LIMIT 100`,
  );
}

export async function forgetFile(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE exports SET file_name = NULL WHERE id = $1', [id]);
}
