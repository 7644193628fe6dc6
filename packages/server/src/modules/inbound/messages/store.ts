import type { Queryable } from '../../../store/db.js';
import { QUEUED_MESSAGE_COLUMNS, type QueuedMessageRow } from '../../shared/message-fields.js';

export interface InboundMessageRow extends QueuedMessageRow {
  inbound_endpoint_id: string;
}

export async function findInboundMessage(
  db: Queryable,
  projectId: string,
  id: string,
): Promise<InboundMessageRow | null> {
  const rows = await db.query<InboundMessageRow>(
    `SELECT ${QUEUED_MESSAGE_COLUMNS}, inbound_endpoint_id FROM inbound_messages WHERE id = $1 AND project_id = $2`,
    [id, projectId],
  );
  return rows[0] ?? null;
}
