import { readFileSync } from 'node:fs';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import type { Completion } from './completions.js';
import { HttpSender } from './http-sender.js';
import { INBOUND, OUTBOUND } from '../queues/queue-source.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import { DeliveryWorker } from './worker.js';

/**
 * The delivery workers of one process, configured from the settings: one for outbound messages and one
 * for forwarded inbound messages, sharing one connection pool.
 */
export function createDeliveryWorkers(services: Services): {
  /** The outbound worker, which takes sends written leased to it (direct dispatch). */
  outbound: DeliveryWorker;
  start(): Promise<void>;
  close(): Promise<void>;
} {
  const { config } = services;
  const userAgent = `HookBridge/${VERSION}`;
  const sender = new HttpSender({
    timeoutMs: config.deliveryTimeoutMs,
    allowPrivateNetworks: config.allowPrivateNetworks,
    userAgent,
    ...(config.deliveryCaFile ? { ca: readFileSync(config.deliveryCaFile) } : {}),
  });
  const attemptOptions = {
    sender,
    userAgent,
    policy: {
      ...DEFAULT_RETRY_POLICY,
      slowScheduleSeconds: config.retryScheduleSeconds,
      fastScheduleSeconds: config.retrySchedule429Seconds,
    },
  };
  const options = {
    concurrency: config.workerConcurrency,
    batchSize: config.workerBatchSize,
    leaseMs: config.workerLeaseMs,
    reapIntervalMs: Math.min(5000, Math.ceil(config.workerLeaseMs / 2)),
    onAttempt: (completion: Completion) => services.telemetry.recordCompletion(completion),
  };
  const workers = [OUTBOUND, INBOUND].map(
    (source) =>
      new DeliveryWorker(
        services.db,
        source,
        services.secretBox,
        attemptOptions,
        options,
        services.log.child({ queue: source.name }),
      ),
  );
  return {
    outbound: workers[0]!,
    async start() {
      for (const worker of workers) await worker.start();
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await sender.close();
    },
  };
}
