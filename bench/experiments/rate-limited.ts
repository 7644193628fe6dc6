/**
 * Experiment (not part of `npm run bench`): one delivery worker draining a backlog to a rate-limited
 * endpoint. Prints deliveries per second, row updates of `messages` per delivered message, and the CPU
 * of the worker and of PostgreSQL per delivered message: a worker that claims more than the bucket pays
 * for hands the rest back and claims again.
 *
 *   node --import tsx bench/experiments/rate-limited.ts [messages=300] [rps=50]
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { HttpSender } from '../../packages/server/src/delivery/http-sender.js';
import { OUTBOUND } from '../../packages/server/src/queues/queue-source.js';
import { DEFAULT_RETRY_POLICY } from '../../packages/server/src/delivery/retry-policy.js';
import { DeliveryWorker } from '../../packages/server/src/delivery/worker.js';
import { newUuid } from '../../packages/server/src/lib/ids.js';
import { SecretBox } from '../../packages/server/src/lib/secret-box.js';
import { postgresCpuMs } from '../procs.js';
import { withScratchSchema } from './scratch.js';

const total = Number(process.argv[2] ?? 300);
const rps = Number(process.argv[3] ?? 50);

let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as AddressInfo).port;

await withScratchSchema(4, async (db, projectId) => {
  await db.query('UPDATE endpoints SET url = $1, rate_limit_rps = $2, burst = $2', [
    `http://127.0.0.1:${port}/hook`,
    rps,
  ]);
  await db.query(
    `INSERT INTO messages (id, project_id, endpoint_id, mode, status, payload, size_bytes, payload_sha256, next_attempt_at)
     SELECT id, $2, 'ep_1', 'live', 'queued', '\\x7b7d', 2, 'x', now() FROM unnest($1::uuid[]) AS id`,
    [Array.from({ length: total }, () => newUuid()), projectId],
  );
  const updates = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200)); // backends publish their counters about once a second
    const rows = await db.query<{ n: number }>(
      `SELECT n_tup_upd::int AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'messages'`,
    );
    return rows[0]?.n ?? 0;
  };
  const sender = new HttpSender({ allowPrivateNetworks: true, userAgent: 'experiment' });
  const worker = new DeliveryWorker(
    db,
    OUTBOUND,
    new SecretBox(randomBytes(32)),
    { sender, userAgent: 'experiment', policy: DEFAULT_RETRY_POLICY },
    { concurrency: 256, batchSize: 100, leaseMs: 60_000 },
    pino({ level: 'warn' }),
  );
  const updatesBefore = await updates();
  const pgBefore = postgresCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await worker.start();
  while (received < total) await new Promise((resolve) => setTimeout(resolve, 20));
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await worker.stop();
  await sender.close();
  let pgMs = 0;
  for (const [pid, value] of Object.entries(postgresCpuMs())) pgMs += value - (pgBefore[pid] ?? 0);
  const updated = (await updates()) - updatesBefore;
  console.log(
    `${total} messages at ${rps}/s: ${Math.round((total / ms) * 1000)} delivered/s, ` +
      `${(updated / total).toFixed(1)} row updates per message, ` +
      `worker ${Math.round(((cpu.user + cpu.system) / total) * 1) / 1000} ms CPU/message, ` +
      `postgres ${Math.round((pgMs / total) * 1000) / 1000} ms CPU/message`,
  );
});
receiver.close();
