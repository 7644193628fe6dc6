/** Load generation (closed and open loop over undici keep-alive pools) and summary statistics. */
import { performance } from 'node:perf_hooks';
import type { Dispatcher, Pool } from 'undici';

export const now = (): number => performance.timeOrigin + performance.now();

export interface RequestSpec {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Sample {
  /** When the request was started (closed loop) or scheduled (open loop), epoch ms. */
  startedAt: number;
  status: number;
  ms: number;
  body: string;
}

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  firstError: string | null;
  wallMs: number;
  perSecond: number;
  latencyMs: Percentiles;
  samples: Sample[];
}

async function once(pool: Pool, spec: RequestSpec, startedAt: number, okStatus: number): Promise<Sample> {
  const options: Dispatcher.RequestOptions = { method: spec.method, path: spec.path, headers: spec.headers };
  if (spec.body !== undefined) options.body = spec.body;
  const response = await pool.request(options);
  const body = await response.body.text();
  const sample = { startedAt, status: response.statusCode, ms: now() - startedAt, body };
  if (response.statusCode !== okStatus)
    throw Object.assign(new Error(`HTTP ${response.statusCode}`), { sample });
  return sample;
}

/** Several runs of one kind as one: counts and wall time added, latencies pooled. */
export function combineResults(results: LoadResult[]): LoadResult {
  const samples = results.flatMap((r) => r.samples);
  const statuses = new Map<string, number>();
  for (const r of results)
    for (const [status, count] of Object.entries(r.statuses))
      statuses.set(status, (statuses.get(status) ?? 0) + count);
  const combined = summarise(
    samples,
    [],
    statuses,
    results.reduce((sum, r) => sum + r.wallMs, 0),
  );
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  return {
    ...combined,
    requests: combined.ok + errors,
    errors,
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
  };
}

function summarise(samples: Sample[], errors: string[], statuses: Map<string, number>, wallMs: number) {
  const ok = samples.length;
  return {
    requests: ok + errors.length,
    ok,
    errors: errors.length,
    statuses: Object.fromEntries(statuses),
    firstError: errors[0] ?? null,
    wallMs: Math.round(wallMs),
    perSecond: Math.round((ok / wallMs) * 1000),
    latencyMs: percentiles(samples.map((s) => s.ms)),
    samples,
  };
}

/**
 * `concurrency` loops each send a request and wait for its answer, until `count` requests were made or
 * `maxMs` passed. Throughput is successful requests over the wall time.
 */
export async function closedLoop(options: {
  pool: Pool;
  count: number;
  concurrency: number;
  maxMs: number;
  request: (i: number) => RequestSpec;
  okStatus: number;
  keepBodies?: boolean;
}): Promise<LoadResult> {
  const samples: Sample[] = [];
  const errors: string[] = [];
  const statuses = new Map<string, number>();
  const start = now();
  const deadline = start + options.maxMs;
  let issued = 0;
  const loop = async () => {
    while (issued < options.count && now() < deadline) {
      const i = issued++;
      const startedAt = now();
      try {
        const sample = await once(options.pool, options.request(i), startedAt, options.okStatus);
        if (!options.keepBodies) sample.body = '';
        samples.push(sample);
        statuses.set(String(sample.status), (statuses.get(String(sample.status)) ?? 0) + 1);
      } catch (error) {
        const status = (error as { sample?: Sample }).sample?.status;
        statuses.set(String(status ?? 'error'), (statuses.get(String(status ?? 'error')) ?? 0) + 1);
        const body = (error as { sample?: Sample }).sample?.body ?? '';
        errors.push(`${(error as Error).message} ${body.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return summarise(samples, errors, statuses, now() - start);
}

/**
 * Open loop: request i is due at start + i / rate, whether or not earlier ones were answered, and its
 * latency counts from that due time (so a slow server cannot hide its queueing).
 */
export async function openLoop(options: {
  pool: Pool;
  rate: number;
  durationMs: number;
  request: (i: number) => RequestSpec;
  okStatus: number;
}): Promise<LoadResult & { offeredPerSecond: number; maxLagMs: number }> {
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const interval = 1000 / options.rate;
  const samples: Sample[] = [];
  const errors: string[] = [];
  const statuses = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const start = now() + 5;
  let issued = 0;
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (issued < total && start + issued * interval <= t) {
        const scheduled = start + issued * interval;
        maxLagMs = Math.max(maxLagMs, t - scheduled);
        const i = issued++;
        const p: Promise<void> = once(options.pool, options.request(i), scheduled, options.okStatus).then(
          (sample) => {
            samples.push(sample);
            statuses.set(String(sample.status), (statuses.get(String(sample.status)) ?? 0) + 1);
          },
          (error) => {
            const status = (error as { sample?: Sample }).sample?.status;
            statuses.set(String(status ?? 'error'), (statuses.get(String(status ?? 'error')) ?? 0) + 1);
            errors.push(`${(error as Error).message} ${(error as { sample?: Sample }).sample?.body ?? ''}`);
          },
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      if (issued >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(interval, start + issued * interval - now())));
    };
    setTimeout(tick, 5);
  });
  const sendWindow = now() - start;
  await Promise.all(inFlight);
  const result = summarise(samples, errors, statuses, now() - start);
  return {
    ...result,
    offeredPerSecond: Math.round((total / sendWindow) * 1000),
    maxLagMs: Math.round(maxLagMs),
  };
}

export interface Percentiles {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted.length
      ? round1(sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))]!)
      : 0;
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: at(0),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted.length ? round1(sorted[sorted.length - 1]!) : 0,
    mean: sorted.length ? round1(sum / sorted.length) : 0,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
