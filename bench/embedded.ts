/**
 * The embedded store's delivery benchmark (a script, not a test): `hookbridge start` on a fresh PGlite data
 * directory, the benchmark receiver, and the same closed loop as `npm run bench` (N sends at concurrency C
 * while the process delivers; deliveries per second from the first send to the last first arrival), then
 * RATE sends/s for DURATION s (send → first arrival). In rounds alternating with a raw undici baseline (the
 * same POST straight to the receiver), so the figure can be read against the machine of the moment.
 *
 *   node --import tsx bench/embedded.ts      (N=10000 C=64 RATE=500 DURATION=10 ROUNDS=2, as environment;
 *                                             BENCH_CPU_PROF=1 writes a CPU profile to bench/results/profiles/embedded)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';
import { closedLoop, now, openLoop, percentiles, type RequestSpec } from './load.js';
import { forkChild, processCpuMs, spawnServer } from './procs.js';
import { sendBody } from './send-body.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SERVER_DIR = join(dirname(BENCH_DIR), 'packages', 'server');
const env = (name: string, fallback: number) =>
  Number(process.env[`BENCH_${name}`] ?? process.env[name] ?? fallback);
const n = env('N', 10_000);
const c = env('C', 64);
const rate = env('RATE', 500);
const durationS = env('DURATION', 10);
const rounds = env('ROUNDS', 2);

const dataDir = mkdtempSync(join(tmpdir(), 'hb-bench-embedded-'));
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const apiKey = `hb_live_${Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('')}`;
const receiver = await forkChild(join(BENCH_DIR, 'children', 'receiver.ts'), 'receiver');
const { DATABASE_URL: _postgres, ...inherited } = process.env;
const server = await spawnServer(
  join(SERVER_DIR, 'src', 'main.ts'),
  'start',
  {
    ...inherited,
    HOOKBRIDGE_DATA_DIR: dataDir,
    HOOKBRIDGE_BOOTSTRAP_API_KEY: apiKey,
    HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKBRIDGE_LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
  },
  SERVER_DIR,
  process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${join(BENCH_DIR, 'results', 'profiles', 'embedded')}`]
    : [],
);
const log = (message: string) =>
  process.stderr.write(`[embedded ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

try {
  const hb = new Pool(server.url!, {
    connections: c,
    pipelining: 1,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const raw = new Pool(`http://127.0.0.1:${receiver.port}`, { connections: c, pipelining: 1 });
  const created = await request(`${server.url}/v1/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/hook` }),
  });
  const endpointId = ((await created.body.json()) as { data: { id: string } }).data.id;
  const body = sendBody(endpointId);
  const send: RequestSpec = {
    method: 'POST',
    path: '/v1/webhooks/send',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  };
  const rawSpec: RequestSpec = {
    method: 'POST',
    path: '/raw',
    headers: { 'content-type': 'application/json' },
    body,
  };
  type Stats = { unique: number; duplicates: number; lastAt: number };
  const delivered = async (expected: number) => {
    for (let last = -1, progressAt = now(); ; ) {
      const stats = await receiver.ask<Stats>('stats');
      if (stats.unique >= expected) return stats;
      if (stats.unique !== last) [last, progressAt] = [stats.unique, now()];
      if (now() - progressAt > 30_000) throw new Error(`deliveries stalled at ${stats.unique}/${expected}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const loop = (pool: Pool, spec: RequestSpec, count: number, ok: number) =>
    closedLoop({ pool, count, concurrency: c, maxMs: 300_000, request: () => spec, okStatus: ok });

  await loop(hb, send, Math.min(2000, n / 5), 202);
  await delivered(Math.min(2000, n / 5));
  const e2e: number[] = [];
  const rawRounds: number[] = [];
  let cpuMs = 0;
  let deliveredTotal = 0;
  for (let round = 0; round < rounds; round++) {
    rawRounds.push((await loop(raw, rawSpec, n, 200)).perSecond);
    await receiver.ask('reset');
    log(`round ${round + 1}: ${n} sends at concurrency ${c}`);
    const cpu0 = processCpuMs(server.child.pid);
    const startedAt = now();
    const result = await loop(hb, send, n, 202);
    const stats = await delivered(result.ok);
    cpuMs += processCpuMs(server.child.pid) - cpu0;
    deliveredTotal += stats.unique;
    e2e.push(Math.round((stats.unique / (stats.lastAt - startedAt)) * 1000));
  }
  await receiver.ask('reset');
  log(`${rate} sends/s for ${durationS} s`);
  const open = await openLoop({
    pool: hb,
    rate,
    durationMs: durationS * 1000,
    request: () => send,
    okStatus: 202,
  });
  const scheduled = new Map(
    open.samples.map((s) => [
      (JSON.parse(s.body) as { data: { message_id: string } }).data.message_id,
      s.startedAt,
    ]),
  );
  await delivered(scheduled.size);
  const { arrivals } = await receiver.ask<{ arrivals: Array<[string, number]> }>('arrivals', 60_000);
  const firstArrival = arrivals.flatMap(([id, at]) => (scheduled.has(id) ? [at - scheduled.get(id)!] : []));
  const latency = percentiles(firstArrival);
  console.log(`\nHookBridge on the embedded store (PGlite), N=${n} C=${c}, ${rounds} rounds`);
  console.log(
    `end-to-end deliveries/s   ${e2e.join(' / ')}  (raw undici rounds beside them ${rawRounds.join(' / ')} req/s)`,
  );
  console.log(
    `CPU per 1,000 delivered   ${(((cpuMs / deliveredTotal) * 1000) / 1000).toFixed(2)} s (one process: API, worker and store)`,
  );
  console.log(
    `send → first arrival at ${open.offeredPerSecond}/s   p50 ${latency.p50} / p99 ${latency.p99} ms (${scheduled.size - firstArrival.length} never arrived)`,
  );
  await hb.destroy();
  await raw.destroy();
} finally {
  await server.stop();
  await receiver.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
