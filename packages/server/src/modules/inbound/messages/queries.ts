import { INBOUND } from '../../../queues/queue-source.js';
import type { Db } from '../../../store/db.js';
import { listAttempts, type StoredAttemptRow } from '../../shared/queue-reads.js';
import { findInboundMessage, type InboundMessageRow } from './store.js';

/** Reads of a project's inbound messages and their forwarding attempts (ids already checked as UUIDs). */
export class InboundMessageQueries {
  constructor(private readonly db: Db) {}

  find(projectId: string, id: string): Promise<InboundMessageRow | null> {
    return findInboundMessage(this.db, projectId, id);
  }

  /** Oldest first, at most `limit` + 1 rows so the caller can tell whether more exist. */
  attempts(projectId: string, messageId: string, limit: number): Promise<StoredAttemptRow[]> {
    return listAttempts(this.db, INBOUND, projectId, messageId, limit);
  }
}
