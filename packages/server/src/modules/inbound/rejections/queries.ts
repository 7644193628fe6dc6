import type { Db } from '../../../store/db.js';
import { listRejections, type RejectionQuery, type RejectionRow } from './store.js';

/** Reads of the ingests a project's inbound endpoints refused, newest first. */
export class RejectionQueries {
  constructor(private readonly db: Db) {}

  /** `limit` + 1 rows so the caller can tell whether more exist. */
  list(projectId: string, query: RejectionQuery): Promise<RejectionRow[]> {
    return listRejections(this.db, projectId, query);
  }
}
