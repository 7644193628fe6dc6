import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import { toRfc3339 } from '../../../lib/time.js';
import type { Db } from '../../../store/db.js';
import { bucketStarts, type Window, windowStart } from '../../metrics/windows.js';
import { decodeIdCursor, idPage } from '../../shared/id-page.js';
import * as store from './event-store.js';

export function pullEventNotFound(): AppError {
  return new AppError('EVENT_NOT_FOUND');
}

/** The events of pull endpoints: list, fetch, acknowledge, and their logs and metrics. */
export class PullEventService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async list(
    scope: { projectId: string; endpointId: string },
    q: Omit<store.EventQuery, 'afterId'> & { cursor?: string | undefined },
  ) {
    const afterId = q.cursor ? decodeIdCursor(q.cursor, isUuid) : null;
    return idPage(await store.listEvents(this.db, scope, { ...q, afterId }), q.limit);
  }

  /** The event with its payload; unless previewing, it counts as fetched. */
  async get(scope: { projectId: string; endpointId: string }, id: string, preview: boolean) {
    if (!isUuid(id)) throw pullEventNotFound();
    const eventId = id.toLowerCase();
    const row = preview
      ? await store.peekEvent(this.db, scope, eventId)
      : await store.fetchEvent(this.db, scope, eventId);
    if (!row) throw pullEventNotFound();
    return row;
  }

  ack(scope: { projectId: string; endpointId: string }, ids: string[]): Promise<number> {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    return valid.length ? store.ackEvents(this.db, scope, valid) : Promise.resolve(0);
  }

  async logs(projectId: string, q: Omit<store.LogQuery, 'beforeId'> & { cursor?: string | undefined }) {
    const beforeId = q.cursor ? decodeIdCursor(q.cursor, isUuid) : null;
    return idPage(await store.listLogs(this.db, projectId, { ...q, beforeId }), q.limit);
  }

  /**
   * total_messages: events received in the window; succeeded: those acknowledged; failed is always 0 (a
   * pull event cannot fail); retries: fetches after an event's first; avg_latency_ms: mean time to store
   * an event on ingest.
   */
  async metrics(projectId: string, endpointId: string | null, window: Window) {
    const t = await store.totals(this.db, projectId, endpointId, windowStart(window, this.now()));
    return {
      window,
      total_messages: t.total,
      succeeded: t.delivered,
      failed: 0,
      retries: t.refetches,
      success_rate: t.total === 0 ? 0 : t.delivered / t.total,
      avg_latency_ms: t.avg_processing_ms ?? 0,
    };
  }

  async timeseries(projectId: string, endpointId: string | null, window: Window) {
    const now = this.now();
    const { bucketMs, starts } = bucketStarts(window, now);
    const rows = await store.bucketCounts(this.db, projectId, endpointId, new Date(starts[0]!), bucketMs);
    const byStart = new Map(rows.map((row) => [row.bucket, row]));
    return {
      window,
      buckets: starts.map((start) => {
        const row = byStart.get(start);
        return {
          timestamp: toRfc3339(new Date(start))!,
          succeeded: row?.delivered ?? 0,
          stored: row?.stored ?? 0,
          fetched: row?.fetched ?? 0,
          total: row?.total ?? 0,
        };
      }),
    };
  }
}
