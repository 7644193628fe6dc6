import type { Queryable } from '../../../store/db.js';
import type { Position } from './cursor.js';
import { listSummaries, type SummaryQuery } from './store.js';
import type { SummaryRow } from './summary.js';

/** The project's message lists: the log (newest first) and the dead-letter queue (latest failure first). */
export class MessageLogQueries {
  constructor(private readonly db: Queryable) {}

  log(projectId: string, query: SummaryQuery): Promise<SummaryRow[]> {
    return listSummaries(this.db, projectId, 'created_at', query);
  }

  /** Exactly the failed_permanent messages. */
  deadLettered(projectId: string, page: { after: Position | null; limit: number }): Promise<SummaryRow[]> {
    return listSummaries(this.db, projectId, 'failed_at', page);
  }
}
