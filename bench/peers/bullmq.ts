/**
 * Peer baseline: Fastify + BullMQ (Redis at REDIS_URL, default redis://127.0.0.1:6379), a child process of
 * bench/delivery.ts. The documented settings: one Queue for producing, a Worker in the same process with
 * `concurrency` (HookBridge's default worker concurrency, 256), retries with exponential backoff, finished
 * jobs removed. A 202 here means the job is in Redis memory (durable only as far as Redis persists it).
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type DeliveryJob, deliver, serve } from './pipeline.js';

const name = process.env.PEER_QUEUE ?? 'hookbridge-bench';
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Workers need maxRetriesPerRequest: null (BullMQ's connection guide).
const connection = new Redis(url, { maxRetriesPerRequest: null });
const queue = new Queue<DeliveryJob>(name, {
  connection,
  defaultJobOptions: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  },
});
const worker = new Worker<DeliveryJob>(name, (job) => deliver(job.data), {
  connection: new Redis(url, { maxRetriesPerRequest: null }),
  concurrency: 256,
});
worker.on('error', (error) => console.error('bullmq worker:', error.message));

await serve(
  async (job) => {
    await queue.add('deliver', job);
  },
  async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  },
);
