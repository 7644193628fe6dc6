import { AppError } from '../../errors.js';
import { toRfc3339 } from '../../lib/time.js';

export const WINDOWS = ['1h', '24h', '7d', '30d'] as const;
export type Window = (typeof WINDOWS)[number];

const HOUR_MS = 3_600_000;

/** Window length, and the timeseries bucket size for it (1h → 5 min, 24h → 1 h, 7d → 6 h, 30d → 1 day). */
const SPANS: Record<Window, { windowMs: number; bucketMs: number }> = {
  '1h': { windowMs: HOUR_MS, bucketMs: 5 * 60_000 },
  '24h': { windowMs: 24 * HOUR_MS, bucketMs: HOUR_MS },
  '7d': { windowMs: 7 * 24 * HOUR_MS, bucketMs: 6 * HOUR_MS },
  '30d': { windowMs: 30 * 24 * HOUR_MS, bucketMs: 24 * HOUR_MS },
};

export function parseWindow(value: string | undefined): Window {
  const window = value ?? '24h';
  if (!(WINDOWS as readonly string[]).includes(window)) {
    throw new AppError('INVALID_REQUEST', `window must be one of: ${WINDOWS.join(', ')}`);
  }
  return window as Window;
}

export function windowStart(window: Window, now: number): Date {
  return new Date(now - SPANS[window].windowMs);
}

/**
 * The bucket starts of a timeseries, oldest first: as many buckets as fit in the window, the last one
 * holding `now`. Starts are multiples of the bucket size since the Unix epoch, so they fall on UTC
 * hour and day boundaries (6-hour buckets start at 00, 06, 12 and 18 UTC).
 */
export function bucketStarts(window: Window, now: number): { bucketMs: number; starts: number[] } {
  const { windowMs, bucketMs } = SPANS[window];
  const last = Math.floor(now / bucketMs) * bucketMs;
  const count = windowMs / bucketMs;
  return { bucketMs, starts: Array.from({ length: count }, (_, i) => last - (count - 1 - i) * bucketMs) };
}

export interface Bucket {
  timestamp: string;
  succeeded: number;
  failed: number;
  retrying: number;
  total: number;
  avg_latency_ms: number;
}

type BucketCounts = Pick<Bucket, 'succeeded' | 'failed' | 'retrying' | 'total'>;

/** Every bucket of a timeseries, oldest first, the ones without rows as zeros. */
export function zeroFilledBuckets(
  starts: number[],
  counts: Map<number, BucketCounts>,
  latencyOf: (start: number) => number | null | undefined,
): Bucket[] {
  return starts.map((start) => {
    const row = counts.get(start);
    return {
      timestamp: toRfc3339(new Date(start))!,
      succeeded: row?.succeeded ?? 0,
      failed: row?.failed ?? 0,
      retrying: row?.retrying ?? 0,
      total: row?.total ?? 0,
      avg_latency_ms: latencyOf(start) ?? 0,
    };
  });
}

export interface MetricsSummary {
  window: Window;
  total_messages: number;
  succeeded: number;
  failed: number;
  retries: number;
  success_rate: number;
  avg_latency_ms: number;
}

/** The summary of a window's counts (outbound and inbound alike): 0 for a rate or mean of nothing. */
export function summaryOf(
  window: Window,
  counts: {
    total: number;
    succeeded: number;
    failed: number;
    retries: number;
    avg_latency_ms: number | null;
  },
): MetricsSummary {
  return {
    window,
    total_messages: counts.total,
    succeeded: counts.succeeded,
    failed: counts.failed,
    retries: counts.retries,
    success_rate: counts.total === 0 ? 0 : counts.succeeded / counts.total,
    avg_latency_ms: counts.avg_latency_ms ?? 0,
  };
}

/** A rate written with a fractional part even when whole (`1.0`, `0.0`), so typed clients decode a float. */
export function formatRate(rate: number): string {
  const text = String(Math.round(rate * 10_000) / 10_000);
  return text.includes('.') ? text : `${text}.0`;
}
