import type { Db } from '../../../store/db.js';
import { type InboundLogQuery, type InboundLogRow, listInboundLogs } from './store.js';

/** Reads of the inbound log: a project's inbound messages, newest first. */
export class InboundLogQueries {
  constructor(private readonly db: Db) {}

  /** `limit` + 1 rows so the caller can tell whether more exist. */
  list(projectId: string, query: InboundLogQuery): Promise<InboundLogRow[]> {
    return listInboundLogs(this.db, projectId, query);
  }
}
