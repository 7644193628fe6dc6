import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../store/db.js';

/** The `outcome` label of the delivery metrics: the retry decision's kind, `pending_retry` as `retry`. */
export type DeliveryOutcomeLabel = 'succeeded' | 'retry' | 'failed_permanent';
export type QueueState = 'due' | 'scheduled' | 'in_flight';

/** How long a scrape may reuse the queue-depth counts: several scrapers must not each scan the queue. */
const QUEUE_DEPTH_CACHE_MS = 2000;

const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus metrics of one process, on a registry of its own (never prom-client's global one), so
 * several apps can run in one process. Built once at boot and passed down through the services.
 */
export class Telemetry {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'outcome'>;
  private readonly attemptLatency: Histogram<'outcome'>;
  private readonly sends: Counter<'outcome'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private depth: { at: number; value: Promise<Record<QueueState, number>> } | null = null;

  constructor(private readonly db: Queryable) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.deliveries = new Counter({
      name: 'hookbridge_deliveries_total',
      help: 'Delivery attempts by outcome: succeeded, retry (another attempt is scheduled), failed_permanent',
      labelNames: ['outcome'],
      registers,
    });
    this.attemptLatency = new Histogram({
      name: 'hookbridge_attempt_duration_seconds',
      help: 'Time from request start to the end of the response of each delivery attempt',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.sends = new Counter({
      name: 'hookbridge_sends_total',
      help: 'POST /v1/webhooks/send requests: accepted (202) or rejected (any other status)',
      labelNames: ['outcome'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'hookbridge_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    const depth = this;
    new Gauge({
      name: 'hookbridge_queue_depth',
      help: 'Messages in the delivery queue: due now, scheduled for later, in flight (claimed by a worker)',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await depth.queueDepth();
        for (const state of Object.keys(counts) as QueueState[]) this.set({ state }, counts[state]);
      },
    });
  }

  /** One finished delivery attempt; the worker calls this for every attempt it records. */
  recordAttempt(outcome: DeliveryOutcomeLabel, latencyMs: number | null): void {
    this.deliveries.inc({ outcome });
    if (latencyMs !== null && Number.isFinite(latencyMs)) {
      this.attemptLatency.observe({ outcome }, latencyMs / 1000);
    }
  }

  /** Maps a worker's completion (`pending_retry` → `retry`) onto recordAttempt. */
  recordCompletion(completion: {
    status: string;
    response_latency_ms: number | null;
    attempt?: { processing_ms: number | null } | null;
  }): void {
    const outcome: DeliveryOutcomeLabel =
      completion.status === 'succeeded'
        ? 'succeeded'
        : completion.status === 'failed_permanent'
          ? 'failed_permanent'
          : 'retry';
    // Failures without a response (timeouts, refused connections) still took time: use the processing time.
    this.recordAttempt(outcome, completion.response_latency_ms ?? completion.attempt?.processing_ms ?? null);
  }

  recordSend(accepted: boolean): void {
    this.sends.inc({ outcome: accepted ? 'accepted' : 'rejected' });
  }

  recordHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  private queueDepth(): Promise<Record<QueueState, number>> {
    const now = Date.now();
    if (!this.depth || now - this.depth.at > QUEUE_DEPTH_CACHE_MS) {
      const value = countQueue(this.db);
      this.depth = { at: now, value };
      value.catch(() => {
        if (this.depth?.value === value) this.depth = null;
      });
    }
    return this.depth.value;
  }
}

/** Reads the two partial indexes the claim uses (due work, leases), across every project. */
async function countQueue(db: Queryable): Promise<Record<QueueState, number>> {
  const [row] = await db.query<{ due: number; scheduled: number; in_flight: number }>(
    `SELECT (SELECT count(*) FROM messages
              WHERE status IN ('queued', 'pending_retry') AND NOT held AND next_attempt_at <= now()) AS due,
            (SELECT count(*) FROM messages
              WHERE status IN ('queued', 'pending_retry') AND NOT held AND next_attempt_at > now()) AS scheduled,
            (SELECT count(*) FROM messages WHERE status = 'delivering') AS in_flight`,
  );
  return { due: row?.due ?? 0, scheduled: row?.scheduled ?? 0, in_flight: row?.in_flight ?? 0 };
}
