/**
 * Peer baseline: Fastify + graphile-worker (PostgreSQL at DATABASE_URL, in its own schema PEER_SCHEMA), a
 * child process of bench/delivery.ts. The documented settings: `addJob` through WorkerUtils from the
 * route, a runner in the same process with `concurrency` workers (which wake on LISTEN/NOTIFY as jobs are
 * added) and a pool large enough for them. A 202 here means the job row is committed.
 */
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { type DeliveryJob, deliver, serve } from './pipeline.js';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.env.PEER_SCHEMA ?? 'graphile_worker';
// Warnings and errors only: the default logger writes a line per job, which would bill the peer for logging.
const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.error(`graphile-worker: ${message}`);
});
const utils = await makeWorkerUtils({ connectionString, schema, logger });
await utils.migrate();
const runner = await run({
  connectionString,
  schema,
  concurrency: 32,
  maxPoolSize: 48,
  noHandleSignals: true,
  logger,
  pollInterval: 2000,
  taskList: { deliver: (payload) => deliver(payload as DeliveryJob) },
});

await serve(
  async (job) => {
    await utils.addJob('deliver', job, { maxAttempts: 5 });
  },
  async () => {
    await runner.stop();
    await utils.release();
  },
);
