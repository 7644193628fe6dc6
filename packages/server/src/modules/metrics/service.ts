import type { Db } from '../../store/db.js';
import { endpointNotFound, parseEndpointId } from '../endpoints/ids.js';
import { findEndpoint } from '../endpoints/store.js';
import { nextHour } from './rollup.js';
import * as store from './store.js';
import {
  type Bucket,
  bucketStarts,
  type MetricsSummary,
  parseWindow,
  summaryOf,
  type Window,
  windowStart,
  zeroFilledBuckets,
} from './windows.js';

const HOUR_MS = 3_600_000;

export interface MetricsQuery {
  window?: string | undefined;
  endpoint_id?: string | undefined;
}

/**
 * Delivery metrics of a project computed from the messages created in the window and the attempts
 * made in it (through the hourly rollup for whole hours, see store.ts). Test-mode messages count too (the mode filters usage, not observability).
 */
export class MetricsService {
  constructor(private readonly db: Db) {}

  async summary(projectId: string, query: MetricsQuery, now = Date.now()): Promise<MetricsSummary> {
    const window = parseWindow(query.window);
    const endpointId = await this.endpointFilter(projectId, query.endpoint_id);
    const since = windowStart(window, now);
    const firstHour = nextHour(since);
    const [messages, attempts] = await Promise.all([
      store.countMessages(this.db, projectId, since, firstHour, endpointId),
      store.attemptStats(this.db, projectId, since, firstHour, endpointId),
    ]);
    return summaryOf(window, { ...messages, ...attempts });
  }

  async timeseries(
    projectId: string,
    query: MetricsQuery,
    now = Date.now(),
  ): Promise<{ window: Window; buckets: Bucket[] }> {
    const window = parseWindow(query.window);
    const endpointId = await this.endpointFilter(projectId, query.endpoint_id);
    const { bucketMs, starts } = bucketStarts(window, now);
    const since = new Date(starts[0]!);
    if (bucketMs % HOUR_MS === 0) {
      // Whole-hour buckets starting on whole hours: the rollup holds them all.
      const rows = await store.rollupBuckets(this.db, projectId, since, bucketMs, endpointId);
      const byBucket = new Map(rows.map((row) => [row.bucket.getTime(), row]));
      return {
        window,
        buckets: zeroFilledBuckets(starts, byBucket, (start) => byBucket.get(start)?.avg_latency_ms),
      };
    }
    const [messages, latencies] = await Promise.all([
      store.messageBuckets(this.db, projectId, since, bucketMs, endpointId),
      store.latencyBuckets(this.db, projectId, since, bucketMs, endpointId),
    ]);
    const byBucket = new Map(messages.map((row) => [row.bucket.getTime(), row]));
    const latencyByBucket = new Map(latencies.map((row) => [row.bucket.getTime(), row.avg_latency_ms]));
    const buckets = zeroFilledBuckets(starts, byBucket, (start) => latencyByBucket.get(start));
    return { window, buckets };
  }

  /** A live endpoint of this project, or 400 / 404 by the usual endpoint id rules. */
  private async endpointFilter(projectId: string, id: string | undefined): Promise<string | null> {
    if (id === undefined) return null;
    const endpointId = parseEndpointId(id);
    if (!endpointId || !(await findEndpoint(this.db, projectId, endpointId))) throw endpointNotFound();
    return endpointId;
  }
}
