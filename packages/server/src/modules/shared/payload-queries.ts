import { isUuid } from '../../lib/ids.js';
import type { Queryable } from '../../store/db.js';
import { findPayload, type PayloadRow } from './payload-store.js';

/** The stored payload of a project's message, outbound or inbound; an id that is not a UUID finds nothing. */
export class PayloadQueries {
  constructor(private readonly db: Queryable) {}

  find(table: 'messages' | 'inbound_messages', projectId: string, id: string): Promise<PayloadRow | null> {
    return isUuid(id) ? findPayload(this.db, table, projectId, id.toLowerCase()) : Promise.resolve(null);
  }
}
