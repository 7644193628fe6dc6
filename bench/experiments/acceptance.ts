/**
 * Experiment (not part of `npm run bench`): send acceptance against bare Fastify only, in alternating
 * rounds so that both see the same machine. The endpoint is paused, so nothing is delivered: this is the
 * API path alone, the figure behind the "≥ 40 % of bare Fastify" target. Prints each round's ratio and
 * the median.
 *
 *   node --import tsx bench/experiments/acceptance.ts [rounds=3] [n=10000] [c=64] [roles=start|api]
 *   EMBEDDED=1 node --import tsx bench/experiments/acceptance.ts …   (the embedded store instead of PostgreSQL)
 *
 * Extra environment for the HookBridge process can be passed as HB_<NAME>=value (e.g.
 * HB_HOOKBRIDGE_LOG_LEVEL=info).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { closedLoop, type RequestSpec } from '../load.js';
import { sendBody } from '../send-body.js';
import { cpuBetween, forkChild, sampleCpu, spawnServer } from '../procs.js';

const rounds = Number(process.argv[2] ?? 3);
const n = Number(process.argv[3] ?? 10_000);
const c = Number(process.argv[4] ?? 64);
const role = (process.argv[5] ?? 'start') as 'start' | 'api';
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const SERVER_DIR = join(dirname(BENCH_DIR), 'packages', 'server');

const schema = `hb_acc_${randomBytes(6).toString('hex')}`;
const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const apiKey = `hb_live_${Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('')}`;
const extra = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('HB_'))
    .map(([name, value]) => [name.slice(3), value]),
);
/** EMBEDDED=1: the embedded store (PGlite) in a throw-away data directory instead of PostgreSQL. */
const embeddedDir = process.env.EMBEDDED ? mkdtempSync(join(tmpdir(), 'hb-acceptance-')) : null;
const { DATABASE_URL: _ignored, ...inherited } = process.env;
const env: NodeJS.ProcessEnv = {
  ...inherited,
  ...(embeddedDir
    ? { HOOKBRIDGE_DATA_DIR: embeddedDir }
    : { DATABASE_URL: `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}` }),
  HOOKBRIDGE_MASTER_KEY: randomBytes(32).toString('hex'),
  HOOKBRIDGE_BOOTSTRAP_API_KEY: apiKey,
  HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
  HOOKBRIDGE_LOG_LEVEL: 'warn',
  PORT: '0',
  HOST: '127.0.0.1',
  ...extra,
};

const bare = await forkChild(join(BENCH_DIR, 'children', 'bare-fastify.ts'), 'bare Fastify');
const receiver = await forkChild(join(BENCH_DIR, 'children', 'receiver.ts'), 'receiver');
/** PRELOAD=N: first send N messages and let the worker deliver them, as the benchmark does before. */
const preload = Number(process.env.PRELOAD ?? 0);
const profDir = process.env.PROF_DIR; // V8 CPU profiles of the HookBridge process (bench/profile-summary.ts)
const server = await spawnServer(
  // DIST=1: the built server (npm run build first) instead of the sources through tsx.
  process.env.DIST ? join(SERVER_DIR, 'dist', 'main.js') : join(SERVER_DIR, 'src', 'main.ts'),
  role,
  env,
  SERVER_DIR,
  profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
);
try {
  const hb = new Pool(server.url!, { connections: c, pipelining: 1 });
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const created = await hb.request({
    method: 'POST',
    path: '/v1/endpoints',
    headers: auth,
    body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/hook` }),
  });
  const endpointId = ((await created.body.json()) as { data: { id: string } }).data.id;
  const body = sendBody(endpointId);
  const send: RequestSpec = { method: 'POST', path: '/v1/webhooks/send', headers: auth, body };
  if (preload > 0) {
    await closedLoop({
      pool: hb,
      count: preload,
      concurrency: c,
      maxMs: 300_000,
      request: () => send,
      okStatus: 202,
    });
    for (;;) {
      const stats = await receiver.ask<{ unique: number }>('stats');
      if (stats.unique >= preload) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`preloaded: ${preload} messages sent and delivered`);
  }
  await (
    await hb.request({ method: 'POST', path: `/v1/endpoints/${endpointId}/pause`, headers: auth })
  ).body.text();

  const bareSpec: RequestSpec = { ...send, headers: { 'content-type': 'application/json' } };
  const barePool = new Pool(`http://127.0.0.1:${bare.port}`, { connections: c, pipelining: 1 });

  const run = async (pool: Pool, spec: RequestSpec, count: number) =>
    closedLoop({ pool, count, concurrency: c, maxMs: 120_000, request: () => spec, okStatus: 202 });
  await run(barePool, bareSpec, 2000);
  await run(hb, send, 2000);

  const pids = { hookbridge: server.child.pid, bare: bare.child.pid };
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    let cpu0 = sampleCpu(pids);
    // SEND_ONLY=1 skips the baseline (for a CPU profile of the send path alone).
    const b = process.env.SEND_ONLY ? { perSecond: Number.NaN } : await run(barePool, bareSpec, n);
    const bareCpu = cpuBetween(cpu0, sampleCpu(pids));
    cpu0 = sampleCpu(pids);
    const s = await run(hb, send, n);
    const sendCpu = cpuBetween(cpu0, sampleCpu(pids));
    const ratio = s.perSecond / b.perSecond;
    ratios.push(ratio);
    console.log(
      `round ${round}: bare ${Math.round(b.perSecond)}/s, send ${Math.round(s.perSecond)}/s ` +
        `(${s.ok} ok, ${s.errors} errors, p50 ${s.latencyMs.p50.toFixed(1)} p99 ${s.latencyMs.p99.toFixed(1)} ms) ` +
        `= ${(ratio * 100).toFixed(1)} %`,
    );
    const perRequest = (cpu: Record<string, number>, perSecond: number) =>
      Object.entries(cpu)
        .filter(([name]) => !name.includes('%'))
        .map(([name, cores]) => `${name} ${Math.round((cores / perSecond) * 1e6)} µs`)
        .join(', ');
    console.log(
      `  CPU per request, bare: ${perRequest(bareCpu, b.perSecond)}; machine ${bareCpu['machine busy %']} %`,
    );
    console.log(
      `  CPU per request, send: ${perRequest(sendCpu, s.perSecond)}; machine ${sendCpu['machine busy %']} %`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(`median ${(ratios[Math.floor(ratios.length / 2)]! * 100).toFixed(1)} %`);
  await hb.destroy();
  await barePool.destroy();
} finally {
  await server.stop();
  await bare.stop();
  await receiver.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
