import { isUuid } from '../../lib/ids.js';
import type { Db } from '../../store/db.js';
import {
  type Actor,
  type DeletionOutcome,
  deleteRows,
  type MatchFilter,
  matchingIds,
  scrubAttempts,
} from './store.js';
import type { DeletionTable } from './tables.js';

export type BatchOutcome = 'deleted' | 'already_deleted' | 'not_found';

export interface BatchResult {
  id: string;
  outcome: BatchOutcome;
  deleted_at: Date | null;
}

export interface BatchSummary {
  results: BatchResult[];
  deleted: number;
  alreadyDeleted: number;
  notFound: number;
}

/** The most rows one delete-batch may name, and one delete-all may delete. */
export const MAX_BATCH = 100;
export const MAX_DELETE_ALL = 1000;

/**
 * Deletion of messages, inbound messages and pull events: the payload, headers and idempotency key go
 * at once (set to NULL in the row, not hidden), attempt bodies with them, in one transaction; the row
 * stays, marked deleted_at and by whom, so metrics and usage history still count it, and every list skips
 * it. Idempotent: deleting a deleted row reports `already_deleted` with the first deletion's time.
 */
export class DeletionService {
  constructor(private readonly db: Db) {}

  /** One row; null when the project (and endpoint, when given) has no such row. */
  async deleteOne(
    t: DeletionTable,
    scope: { projectId: string; endpointId: string | null },
    id: string,
    actor: Actor,
  ): Promise<DeletionOutcome | null> {
    if (!isUuid(id)) return null;
    const [outcome] = await this.erase(t, scope, [id.toLowerCase()], actor);
    return outcome ?? null;
  }

  /** Each id once, in the order given, with its outcome; ids that are not UUIDs are simply not found. */
  async deleteBatch(
    t: DeletionTable,
    scope: { projectId: string; endpointId: string | null },
    ids: string[],
    actor: Actor,
  ): Promise<BatchSummary> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    const outcomes = new Map(
      (await this.erase(t, scope, wanted.filter(isUuid), actor)).map((o) => [o.id, o]),
    );
    const summary: BatchSummary = { results: [], deleted: 0, alreadyDeleted: 0, notFound: 0 };
    for (const id of wanted) {
      const outcome = outcomes.get(id);
      if (!outcome) {
        summary.notFound++;
        summary.results.push({ id, outcome: 'not_found', deleted_at: null });
      } else if (outcome.already_deleted) {
        summary.alreadyDeleted++;
        summary.results.push({ id, outcome: 'already_deleted', deleted_at: outcome.deleted_at });
      } else {
        summary.deleted++;
        summary.results.push({ id, outcome: 'deleted', deleted_at: outcome.deleted_at });
      }
    }
    return summary;
  }

  /**
   * Up to `filter.limit` matching rows, oldest first. `hasMore` tells that more rows matched than were
   * deleted: call again to continue. A row deleted concurrently by someone else is not reported.
   */
  async deleteMatching(
    t: DeletionTable,
    filter: MatchFilter,
    actor: Actor,
  ): Promise<{ deletedIds: string[]; hasMore: boolean }> {
    return retryOnDeadlock(() =>
      this.db.transaction(async (tx) => {
        const ids = await matchingIds(tx, t, filter);
        const chosen = ids.slice(0, filter.limit);
        const outcomes = await deleteRows(tx, t, filter, chosen, actor);
        const deleted = outcomes.filter((o) => !o.already_deleted).map((o) => o.id);
        await scrubAttempts(tx, t, deleted);
        const order = new Map(chosen.map((id, i) => [id, i]));
        deleted.sort((a, b) => order.get(a)! - order.get(b)!);
        return { deletedIds: deleted, hasMore: ids.length > filter.limit };
      }),
    );
  }

  private erase(
    t: DeletionTable,
    scope: { projectId: string; endpointId: string | null },
    ids: string[],
    actor: Actor,
  ): Promise<DeletionOutcome[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return retryOnDeadlock(() =>
      this.db.transaction(async (tx) => {
        const outcomes = await deleteRows(tx, t, scope, ids, actor);
        await scrubAttempts(
          tx,
          t,
          outcomes.filter((o) => !o.already_deleted).map((o) => o.id),
        );
        return outcomes;
      }),
    );
  }
}

/**
 * Deletion locks rows in id order; a worker recording a batch of results locks the same rows in its own
 * order, so PostgreSQL may (rarely) end one of them with a deadlock. The worker retries its write; the
 * deletion, which has changed nothing yet when aborted, is simply run again.
 */
async function retryOnDeadlock<T>(work: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= tries || (error as { code?: unknown }).code !== '40P01') throw error;
    }
  }
}
