import { readFileSync } from 'node:fs';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { HttpSender } from './http-sender.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import { DeliveryWorker } from './worker.js';

/** A delivery worker configured from the settings, with its own connection pool. */
export function createDeliveryWorker(services: Services): { worker: DeliveryWorker; close(): Promise<void> } {
  const { config } = services;
  const userAgent = `HookBridge/${VERSION}`;
  const sender = new HttpSender({
    timeoutMs: config.deliveryTimeoutMs,
    allowPrivateNetworks: config.allowPrivateNetworks,
    userAgent,
    ...(config.deliveryCaFile ? { ca: readFileSync(config.deliveryCaFile) } : {}),
  });
  const worker = new DeliveryWorker(
    services.db,
    services.secretBox,
    {
      sender,
      userAgent,
      policy: {
        ...DEFAULT_RETRY_POLICY,
        slowScheduleSeconds: config.retryScheduleSeconds,
        fastScheduleSeconds: config.retrySchedule429Seconds,
      },
    },
    {
      concurrency: config.workerConcurrency,
      batchSize: config.workerBatchSize,
      leaseMs: config.workerLeaseMs,
      reapIntervalMs: Math.min(5000, Math.ceil(config.workerLeaseMs / 2)),
    },
    services.log.child({ component: 'delivery', worker: undefined }),
  );
  return {
    worker,
    async close() {
      await worker.stop();
      await sender.close();
    },
  };
}
