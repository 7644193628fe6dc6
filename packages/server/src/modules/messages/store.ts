import type { Queryable } from '../../store/db.js';
import { QUEUED_MESSAGE_COLUMNS, type QueuedMessageRow } from '../shared/message-fields.js';

export interface MessageRow extends QueuedMessageRow {
  endpoint_id: string;
  mode: 'live' | 'test';
  held: boolean;
  /** NOT NULL here (a default at send). */
  content_type: string;
  retention_hours: number | null;
}

const MESSAGE_COLUMNS = `${QUEUED_MESSAGE_COLUMNS}, endpoint_id, mode, held, retention_hours`;

export async function findMessage(db: Queryable, projectId: string, id: string): Promise<MessageRow | null> {
  const rows = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND project_id = $2`,
    [id, projectId],
  );
  return rows[0] ?? null;
}
