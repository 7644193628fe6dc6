import { AppError } from '../../../errors.js';
import type { Db } from '../../../store/db.js';
import { parseInboundEndpointFilter } from '../shared/filters.js';
import {
  bucketStarts,
  parseWindow,
  summaryOf,
  type Window,
  windowStart,
  zeroFilledBuckets,
} from '../../metrics/windows.js';
import * as store from './store.js';

export interface InboundMetricsQuery {
  window?: string | undefined;
  inbound_endpoint_id?: string | undefined;
}

/** Metrics of a project's inbound messages: the outbound metrics' fields plus avg_delivery_time_ms. */
export class InboundMetricsService {
  constructor(private readonly db: Db) {}

  async summary(projectId: string, query: InboundMetricsQuery, now = Date.now()) {
    const window = parseWindow(query.window);
    const endpointId = await this.endpointFilter(projectId, query.inbound_endpoint_id);
    const totals = await store.inboundTotals(this.db, projectId, windowStart(window, now), endpointId);
    return { ...summaryOf(window, totals), avg_delivery_time_ms: totals.avg_delivery_time_ms ?? 0 };
  }

  /** Every bucket of the window, oldest first, empty ones as zeros. */
  async timeseries(projectId: string, query: InboundMetricsQuery, now = Date.now()) {
    const window: Window = parseWindow(query.window);
    const endpointId = await this.endpointFilter(projectId, query.inbound_endpoint_id);
    const { bucketMs, starts } = bucketStarts(window, now);
    const rows = await store.inboundBuckets(this.db, projectId, new Date(starts[0]!), endpointId, bucketMs);
    const byStart = new Map(rows.map((row) => [row.start.getTime(), row]));
    const buckets = zeroFilledBuckets(starts, byStart, (start) => byStart.get(start)?.avg_latency_ms);
    return { window, buckets };
  }

  /** A live inbound endpoint of this project: 400 when malformed, 404 when unknown, deleted or another's. */
  private async endpointFilter(projectId: string, id: string | undefined): Promise<string | null> {
    const endpointId = parseInboundEndpointFilter(id);
    if (endpointId && !(await store.inboundEndpointExists(this.db, projectId, endpointId))) {
      throw new AppError('ENDPOINT_NOT_FOUND', 'Inbound endpoint not found');
    }
    return endpointId;
  }
}
