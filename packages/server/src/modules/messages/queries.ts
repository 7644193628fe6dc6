import { OUTBOUND } from '../../queues/queue-source.js';
import { isUuid } from '../../lib/ids.js';
import type { Queryable } from '../../store/db.js';
import { listAttempts, type StoredAttemptRow } from '../shared/queue-reads.js';
import { findMessage, type MessageRow } from './store.js';

/** Reads of one outbound message of a project; an id that is not a UUID finds nothing. */
export class MessageQueries {
  constructor(private readonly db: Queryable) {}

  find(projectId: string, id: string): Promise<MessageRow | null> {
    return isUuid(id) ? findMessage(this.db, projectId, id.toLowerCase()) : Promise.resolve(null);
  }

  /** Oldest first, at most `limit` + 1 rows so the caller can tell whether more exist. */
  attempts(projectId: string, id: string, limit: number): Promise<StoredAttemptRow[]> {
    return isUuid(id)
      ? listAttempts(this.db, OUTBOUND, projectId, id.toLowerCase(), limit)
      : Promise.resolve([]);
  }
}
