/**
 * Delivery benchmark (`npm run bench`). Starts, all on loopback:
 *   - a webhook receiver (child process) that records the first arrival of every X-Webhook-Id,
 *   - a bare Fastify app (child process), the baseline for send acceptance,
 *   - the real HookBridge server (`hookbridge start`, child process) on a fresh PostgreSQL schema,
 * then measures, in one run: the bare Fastify and raw undici baselines, send acceptance (accepted/s),
 * sustained delivery (delivered/s while a backlog drains) and, at a fixed offered rate, the latency from
 * the send request to the first arrival at the receiver. Prints a table and writes bench/results/latest.json.
 *
 * A script, not a test: nothing here asserts on timings. Targets are printed next to the figures.
 *
 * Options (flag, or environment variable):
 *   --n N            BENCH_N / N            messages per throughput phase (20000)
 *   --c C            BENCH_C / C            concurrent requests of the closed-loop phases (64)
 *   --rate R         BENCH_RATE / RATE      offered sends per second of the latency phase (500)
 *   --duration S     BENCH_DURATION / DURATION  seconds of the latency phase (10)
 *   --roles R        BENCH_ROLES            `start` (API and worker in one process, default) or `split`
 *                                           (`hookbridge api` + `hookbridge worker` processes)
 *   --cpu-prof       BENCH_CPU_PROF=1       write V8 CPU profiles of the HookBridge process(es) to
 *                                           bench/results/profiles (summarise: bench/profile-summary.ts)
 *   --phase-timeout S BENCH_PHASE_TIMEOUT   upper bound of any one phase, seconds (120)
 *   --no-peers       BENCH_PEERS=0          skip the peer baselines (Fastify + BullMQ, Fastify + graphile-worker)
 *   DATABASE_URL     default postgres://postgres@127.0.0.1:5432/test
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool, request } from 'undici';
import { printTable, round3, writeResults } from './delivery-report.js';
import { type PgSample, PgStats, pgBetween } from './pg-stats.js';
import {
  closedLoop,
  combineResults,
  type LoadResult,
  now,
  openLoop,
  percentiles,
  type RequestSpec,
} from './load.js';
import {
  backendCpuMs,
  clientPool,
  comparePeers,
  ensureRedis,
  type PeerRun,
  type System,
  startPeer,
  withApplicationName,
} from './peers.js';
import { sendBody } from './send-body.js';
import {
  averageCores,
  type CpuSample,
  cpuBetween,
  forkChild,
  type IpcChild,
  processCpuMs,
  type ServerChild,
  sampleCpu,
  spawnServer,
} from './procs.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const SERVER_DIR = join(ROOT, 'packages', 'server');
const MAIN_TS = join(SERVER_DIR, 'src', 'main.ts');
const RESULTS_DIR = join(BENCH_DIR, 'results');

/** No request may hang a phase: a server that stops answering fails the run instead. */
const TIMEOUTS = { headersTimeout: 30_000, bodyTimeout: 30_000 };

/** The HookBridge server's and the graphile-worker peer's PostgreSQL connections, told apart by name. */
const HB_APP_NAME = 'hb-bench-hookbridge';
const GW_APP_NAME = 'hb-bench-graphile-worker';
/** The peer comparison alternates the systems this many times. */
const PEER_ROUNDS = 2;

/** Phase 3 alternates bare Fastify and paused-endpoint sends this many times. */
const ACCEPTANCE_ROUNDS = 2;

const TARGETS = {
  deliveredPerSecond: 2000,
  acceptanceRatio: 0.4,
  p99FirstAttemptMs: 250,
  atRate: 500,
};

// ---- options --------------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string' },
    c: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    roles: { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    'phase-timeout': { type: 'string' },
    'no-peers': { type: 'boolean' },
  },
  allowPositionals: false,
});

function numberOption(flag: string | undefined, envNames: string[], fallback: number): number {
  const raw = flag ?? envNames.map((name) => process.env[name]).find((v) => v !== undefined && v !== '');
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${envNames[0]} must be a positive number`);
  return value;
}

const options = {
  n: Math.round(numberOption(flags.n, ['BENCH_N', 'N'], 20_000)),
  c: Math.round(numberOption(flags.c, ['BENCH_C', 'C'], 64)),
  rate: numberOption(flags.rate, ['BENCH_RATE', 'RATE'], 500),
  durationS: numberOption(flags.duration, ['BENCH_DURATION', 'DURATION'], 10),
  roles: (flags.roles ?? process.env.BENCH_ROLES ?? 'start') as 'start' | 'split',
  cpuProf: flags['cpu-prof'] ?? ['1', 'true'].includes(process.env.BENCH_CPU_PROF ?? ''),
  phaseTimeoutMs: numberOption(flags['phase-timeout'], ['BENCH_PHASE_TIMEOUT'], 120) * 1000,
  peers: !(flags['no-peers'] ?? ['0', 'false'].includes(process.env.BENCH_PEERS ?? '')),
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
};
if (options.roles !== 'start' && options.roles !== 'split') throw new Error('--roles must be start or split');

// ---- cleanup ----------------------------------------------------------------------------------------

const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        console.error(`cleanup (${name}) failed:`, (error as Error).message);
      }
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping children and dropping the schema…`);
    void cleanup().finally(() => process.exit(130));
  });
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ---- helpers ----------------------------------------------------------------------------------------

interface ReceiverStats {
  unique: number;
  requests: number;
  duplicates: number;
  rawRequests: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Waits until the receiver saw `expected` distinct messages. Gives up when nothing arrives for `stallMs`
 * (or after `maxMs`) and then fails the run, saying whether the server still answers /healthz.
 */
async function waitDelivered(
  receiver: IpcChild,
  expected: number,
  maxMs: number,
  stallMs = 30_000,
): Promise<ReceiverStats & { complete: boolean }> {
  const stats = await waitArrivals(receiver, expected, maxMs, stallMs);
  if (stats.complete) return stats;
  const health = await probeHealth();
  throw new Error(
    `deliveries stalled at ${stats.unique}/${expected} (nothing new for ${stallMs / 1000} s or phase limit reached); ` +
      `server /healthz: ${health}`,
  );
}

let healthUrl = '';
async function probeHealth(): Promise<string> {
  if (!healthUrl) return 'not started';
  try {
    const response = await request(`${healthUrl}/healthz`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    await response.body.text();
    return `HTTP ${response.statusCode}`;
  } catch (error) {
    return `no answer within 5 s (${(error as Error).message}) — its event loop is blocked or it is overloaded`;
  }
}

async function waitArrivals(
  receiver: IpcChild,
  expected: number,
  maxMs: number,
  stallMs: number,
): Promise<ReceiverStats & { complete: boolean }> {
  const deadline = now() + maxMs;
  let last = -1;
  let progressAt = now();
  for (;;) {
    const stats = await receiver.ask<ReceiverStats>('stats');
    if (stats.unique >= expected) return { ...stats, complete: true };
    if (stats.unique !== last) {
      last = stats.unique;
      progressAt = now();
    }
    if (now() > deadline || now() - progressAt > stallMs) return { ...stats, complete: false };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function api<T>(
  pool: Pool,
  apiKey: string,
  method: 'POST' | 'GET',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await pool.request({
    method,
    path,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: HTTP ${response.statusCode} ${text}`);
  return JSON.parse(text) as T;
}

const rate = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 1000) : 0);

function sendSpec(apiKey: string, body: string): RequestSpec {
  return {
    method: 'POST',
    path: '/v1/webhooks/send',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  };
}

function brief(result: LoadResult) {
  const { samples: _samples, ...rest } = result;
  return rest;
}

// ---- the run ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date();
  log(
    `N=${options.n} C=${options.c} RATE=${options.rate}/s DURATION=${options.durationS}s roles=${options.roles}`,
  );

  const receiver = await forkChild(join(BENCH_DIR, 'children', 'receiver.ts'), 'receiver');
  cleanups.push({ name: 'receiver', run: () => receiver.stop() });
  const bare = await forkChild(join(BENCH_DIR, 'children', 'bare-fastify.ts'), 'bare Fastify');
  cleanups.push({ name: 'bare Fastify', run: () => bare.stop() });

  // A fresh schema, dropped at the end whatever happens.
  const schema = `hb_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  await admin.connect();
  const pgVersion =
    (await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? '?';
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  cleanups.push({
    name: 'schema',
    run: async () => {
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
      log(`dropped schema ${schema}`);
    },
  });

  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const apiKey = `hb_live_${Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('')}`;
  const sep = options.databaseUrl.includes('?') ? '&' : '?';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: withApplicationName(
      `${options.databaseUrl}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      HB_APP_NAME,
    ),
    HOOKBRIDGE_MASTER_KEY: randomBytes(32).toString('hex'),
    HOOKBRIDGE_BOOTSTRAP_API_KEY: apiKey,
    HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
    HOOKBRIDGE_LOG_LEVEL: process.env.HOOKBRIDGE_LOG_LEVEL ?? 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
  };
  const profDir = join(RESULTS_DIR, 'profiles');
  if (options.cpuProf) mkdirSync(profDir, { recursive: true });
  // One directory per process; V8 writes a profile per thread (tsx's loader thread is the small one).
  const nodeArgs = (name: string) =>
    options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, name.replace(/\W+/g, '-'))}`] : [];

  const servers: Record<string, ServerChild> = {};
  const startServer = async (name: string, command: 'start' | 'api' | 'worker') => {
    const server = await spawnServer(MAIN_TS, command, env, SERVER_DIR, nodeArgs(name));
    servers[name] = server;
    cleanups.push({ name, run: () => server.stop() });
    return server;
  };
  let url: string;
  if (options.roles === 'start') {
    url = (await startServer('hookbridge', 'start')).url!;
  } else {
    url = (await startServer('hookbridge api', 'api')).url!;
    await startServer('hookbridge worker', 'worker');
  }
  healthUrl = url;
  log(`HookBridge at ${url} (schema ${schema}); receiver :${receiver.port}; bare Fastify :${bare.port}`);

  const pids = (): Record<string, number | undefined> => ({
    ...Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.child.pid])),
    receiver: receiver.child.pid,
    'bare Fastify': bare.child.pid,
  });
  const cpuOf = (a: CpuSample, b: CpuSample) => cpuBetween(a, b);

  const stats = await PgStats.open(options.databaseUrl, schema);
  cleanups.push({ name: 'stats client', run: () => stats.close() });

  const hb = new Pool(url, { connections: options.c, pipelining: 1, keepAliveTimeout: 60_000, ...TIMEOUTS });
  cleanups.push({ name: 'client pool', run: () => hb.destroy() });
  const receiverUrl = `http://127.0.0.1:${receiver.port}`;

  const endpoint = await api<{ data: { id: string } }>(hb, apiKey, 'POST', '/v1/endpoints', {
    url: `${receiverUrl}/hook`,
    description: 'benchmark receiver',
  });
  const endpointId = endpoint.data.id;
  const body = sendBody(endpointId);
  const send = sendSpec(apiKey, body);
  const phaseMs = options.phaseTimeoutMs;
  /** `count` requests of one kind at concurrency C, bounded by the phase timeout. */
  const load = (pool: Pool, spec: RequestSpec, count: number, okStatus: number) =>
    closedLoop({ pool, count, concurrency: options.c, maxMs: phaseMs, request: () => spec, okStatus });
  const warmup = Math.min(2000, Math.max(100, Math.round(options.n / 10)));

  // 1a. Bare Fastify baseline.
  log('phase 1a: bare Fastify baseline');
  const barePool = new Pool(`http://127.0.0.1:${bare.port}`, {
    connections: options.c,
    pipelining: 1,
    ...TIMEOUTS,
  });
  cleanups.push({ name: 'bare pool', run: () => barePool.destroy() });
  const bareSpec = { ...send, headers: { 'content-type': 'application/json' } };
  await load(barePool, bareSpec, warmup * 2, 202);
  let cpu0 = sampleCpu(pids());
  const bareResult = await load(barePool, bareSpec, options.n, 202);
  const bareCpu = cpuOf(cpu0, sampleCpu(pids()));

  // 1b. Raw undici POSTs to the receiver.
  log('phase 1b: raw undici baseline');
  const rawPool = new Pool(receiverUrl, { connections: options.c, pipelining: 1, ...TIMEOUTS });
  cleanups.push({ name: 'raw pool', run: () => rawPool.destroy() });
  const rawSpec: RequestSpec = {
    method: 'POST',
    path: '/raw',
    headers: { 'content-type': 'application/json' },
    body,
  };
  await load(rawPool, rawSpec, warmup * 2, 200);
  cpu0 = sampleCpu(pids());
  const rawResult = await load(rawPool, rawSpec, options.n, 200);
  const rawCpu = cpuOf(cpu0, sampleCpu(pids()));
  partial.baselines = {
    bareFastify: { ...brief(bareResult), cpuCores: bareCpu },
    rawUndici: { ...brief(rawResult), cpuCores: rawCpu },
  };

  // 2. Send acceptance, with the worker delivering as it goes (the all-in-one server under load).
  log(`phase 2: warm-up (${warmup} sends)`);
  await load(hb, send, warmup, 202);
  await waitDelivered(receiver, warmup, phaseMs);
  await receiver.ask('reset');
  log(`phase 2: ${options.n} sends at concurrency ${options.c}`);
  let pg0: PgSample = await stats.sample();
  cpu0 = sampleCpu(pids());
  const sendResult = await load(hb, send, options.n, 202);
  const sendCpu = cpuOf(cpu0, sampleCpu(pids()));
  partial.send = { ...brief(sendResult), cpuCores: sendCpu };
  const atSendEnd = await receiver.ask<ReceiverStats>('stats');
  const sendEndedAt = now();
  const sendDrain = await waitDelivered(receiver, sendResult.ok, phaseMs);
  const drainCpu2 = cpuOf(cpu0, sampleCpu(pids()));
  const sendPg = pgBetween(pg0, await stats.sample(), sendResult.ok);
  const concurrent = {
    accepted: sendResult.ok,
    delivered: sendDrain.unique,
    complete: sendDrain.complete,
    deliveredWhileSending: atSendEnd.unique,
    deliveredPerSecondFirstToLast: rate(sendDrain.unique - 1, sendDrain.lastAt - sendDrain.firstAt),
    backlogAtSendEnd: sendResult.ok - atSendEnd.unique,
    backlogDrainPerSecond: rate(sendDrain.unique - atSendEnd.unique, sendDrain.lastAt - sendEndedAt),
    duplicates: sendDrain.duplicates,
    cpuCores: drainCpu2,
    postgres: sendPg,
  };

  // 3. Send acceptance on the API path alone (endpoint paused: nothing is delivered or notified), in
  //    rounds alternating with the bare Fastify baseline so both meet the same machine (it is shared and
  //    noisy, and autovacuum works through phase 2's rows meanwhile). The N held messages then make the
  //    backlog of the sustained-delivery phase.
  log(
    `phase 3: ${options.n} sends to the paused endpoint in ${ACCEPTANCE_ROUNDS} rounds, each after a bare Fastify round`,
  );
  await api(hb, apiKey, 'POST', `/v1/endpoints/${endpointId}/pause`);
  pg0 = await stats.sample();
  const bareRounds: LoadResult[] = [];
  const pausedRounds: LoadResult[] = [];
  const pausedCpuRounds: Array<{ cores: Record<string, number>; wallMs: number }> = [];
  for (let round = 0; round < ACCEPTANCE_ROUNDS; round++) {
    const count =
      Math.floor(options.n / ACCEPTANCE_ROUNDS) + (round === 0 ? options.n % ACCEPTANCE_ROUNDS : 0);
    bareRounds.push(await load(barePool, bareSpec, count, 202));
    cpu0 = sampleCpu(pids());
    const result = await load(hb, send, count, 202);
    pausedRounds.push(result);
    pausedCpuRounds.push({ cores: cpuOf(cpu0, sampleCpu(pids())), wallMs: result.wallMs });
  }
  const adjacentBare = combineResults(bareRounds);
  const pausedSendResult = combineResults(pausedRounds);
  const pausedSendCpu = averageCores(pausedCpuRounds);
  partial.deliveryWhileSending = concurrent;
  partial.sendPausedEndpoint = { ...brief(pausedSendResult), cpuCores: pausedSendCpu };
  // Database-wide counters over the whole phase; the bare rounds add nothing to them but autovacuum.
  const pausedPgEnd = await stats.sample();
  const pausedSendPg = pgBetween(pg0, pausedPgEnd, pausedSendResult.ok);
  await receiver.ask('reset');
  cpu0 = sampleCpu(pids());
  const resumeAt = now();
  const resumed = await api<{ data: { messages_requeued: number } }>(
    hb,
    apiKey,
    'POST',
    `/v1/endpoints/${endpointId}/resume`,
  );
  const resumeMs = now() - resumeAt;
  const drain = await waitDelivered(receiver, pausedSendResult.ok, phaseMs);
  const drainCpu = cpuOf(cpu0, sampleCpu(pids()));
  const drainPg = pgBetween(pausedPgEnd, await stats.sample(), drain.unique);
  const sustained = {
    backlog: pausedSendResult.ok,
    requeued: resumed.data.messages_requeued,
    resumeRequestMs: Math.round(resumeMs),
    delivered: drain.unique,
    complete: drain.complete,
    duplicates: drain.duplicates,
    deliveredPerSecond: rate(drain.unique - 1, drain.lastAt - drain.firstAt),
    deliveredPerSecondFromResume: rate(drain.unique, drain.lastAt - resumeAt),
    firstDeliveryAfterResumeMs: Math.round(drain.firstAt - resumeAt),
    drainMs: Math.round(drain.lastAt - resumeAt),
    cpuCores: drainCpu,
    postgres: drainPg,
  };

  partial.sustainedDelivery = sustained;

  // 4. Latency at a fixed offered rate (open loop).
  log(`phase 4: ${options.rate} sends/s for ${options.durationS}s (open loop)`);
  await receiver.ask('reset');
  pg0 = await stats.sample();
  cpu0 = sampleCpu(pids());
  const latencyRun = await openLoop({
    pool: hb,
    rate: options.rate,
    durationMs: options.durationS * 1000,
    request: () => send,
    okStatus: 202,
  });
  const scheduledById = new Map<string, number>();
  for (const sample of latencyRun.samples) {
    scheduledById.set(
      (JSON.parse(sample.body) as { data: { message_id: string } }).data.message_id,
      sample.startedAt,
    );
  }
  const latencyDrain = await waitDelivered(receiver, scheduledById.size, phaseMs, 15_000);
  const latencyCpu = cpuOf(cpu0, sampleCpu(pids()));
  const latencyPg = pgBetween(pg0, await stats.sample(), latencyRun.ok);
  const { arrivals } = await receiver.ask<{ arrivals: Array<[string, number]> }>('arrivals', 60_000);
  const firstAttemptMs: number[] = [];
  for (const [id, at] of arrivals) {
    const scheduled = scheduledById.get(id);
    if (scheduled !== undefined) firstAttemptMs.push(at - scheduled);
  }
  const latency = {
    offeredPerSecond: latencyRun.offeredPerSecond,
    schedulerMaxLagMs: latencyRun.maxLagMs,
    accepted: latencyRun.ok,
    errors: latencyRun.errors,
    firstError: latencyRun.firstError,
    sendToAcceptedMs: latencyRun.latencyMs,
    sendToFirstAttemptMs: percentiles(firstAttemptMs),
    neverArrived: scheduledById.size - firstAttemptMs.length,
    duplicates: latencyDrain.duplicates,
    cpuCores: latencyCpu,
    postgres: latencyPg,
  };

  // 5. Peer baselines: HookBridge, Fastify + BullMQ and Fastify + graphile-worker in alternating rounds.
  const peers = options.peers
    ? await runPeers({
        hookbridge: { pool: hb, send, pids: () => Object.values(servers).map((s) => s.child.pid) },
        receiver,
        receiverUrl,
        schema,
      })
    : null;

  // ---- report ---------------------------------------------------------------------------------------
  // The target is the API path's acceptance (paused endpoint) over the bare Fastify rounds run beside it.
  // With delivery running in the same process the same CPU also delivers, receives and records every
  // message, so that figure is reported beside it, against the first baseline.
  const acceptanceRatio = pausedSendResult.perSecond / adjacentBare.perSecond;
  const deliveringAcceptanceRatio = sendResult.perSecond / bareResult.perSecond;
  const deliveryRatio = sustained.deliveredPerSecond / rawResult.perSecond;
  const results = {
    benchmark: 'delivery',
    startedAt: started.toISOString(),
    command: process.argv.slice(1).join(' '),
    completed: true,
    options: { ...options, databaseUrl: options.databaseUrl.replace(/:[^:@/]*@/, ':***@') },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      loadavgAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
      node: process.version,
      postgres: pgVersion,
    },
    baselines: {
      bareFastify: { ...brief(bareResult), cpuCores: bareCpu },
      rawUndici: { ...brief(rawResult), cpuCores: rawCpu },
      bareFastifyBesideAcceptance: { ...brief(adjacentBare), rounds: bareRounds.map((r) => r.perSecond) },
    },
    send: { ...brief(sendResult), cpuCores: sendCpu },
    deliveryWhileSending: concurrent,
    sendPausedEndpoint: {
      ...brief(pausedSendResult),
      rounds: pausedRounds.map((r) => r.perSecond),
      cpuCores: pausedSendCpu,
      postgres: pausedSendPg,
    },
    sustainedDelivery: sustained,
    latency,
    peers,
    peerRatios: peers ? peerRatios(peers) : null,
    ratios: {
      acceptedOverBareFastify: round3(acceptanceRatio),
      acceptedWhileDeliveringOverBareFastify: round3(deliveringAcceptanceRatio),
      deliveredOverRawUndici: round3(deliveryRatio),
    },
    targets: {
      sustainedDeliveries: {
        target: `>= ${TARGETS.deliveredPerSecond}/s`,
        actual: sustained.deliveredPerSecond,
        met: sustained.deliveredPerSecond >= TARGETS.deliveredPerSecond,
      },
      sendAcceptance: {
        target: `>= ${TARGETS.acceptanceRatio * 100} % of bare Fastify (API path: endpoint paused)`,
        actual: `${Math.round(acceptanceRatio * 1000) / 10} %`,
        met: acceptanceRatio >= TARGETS.acceptanceRatio,
      },
      p99FirstAttempt: {
        target: `<= ${TARGETS.p99FirstAttemptMs} ms at ${TARGETS.atRate} msg/s`,
        actual: latency.sendToFirstAttemptMs.p99,
        met:
          latency.sendToFirstAttemptMs.p99 <= TARGETS.p99FirstAttemptMs &&
          latency.neverArrived === 0 &&
          options.rate >= TARGETS.atRate,
      },
    },
    serverWarnings: Object.fromEntries(
      Object.entries(servers).map(([name, s]) => [
        name,
        s.warnings.filter((w) => !/PRIVATE_NETWORKS/.test(w)),
      ]),
    ),
  };
  writeResults(ROOT, RESULTS_DIR, results);
  printTable(RESULTS_DIR, results);
}

async function runPeers(setup: {
  hookbridge: { pool: Pool; send: RequestSpec; pids: () => Array<number | undefined> };
  receiver: IpcChild;
  receiverUrl: string;
  schema: string;
}): Promise<PeerRun[]> {
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  await admin.connect();
  cleanups.push({ name: 'peer stats client', run: () => admin.end() });
  const redis = await ensureRedis();
  cleanups.push({ name: 'redis', run: () => redis.stop() });
  const gwSchema = `${setup.schema}_gw`;
  cleanups.push({
    name: 'graphile-worker schema',
    run: async () => {
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${gwSchema} CASCADE`).finally(() => client.end());
    },
  });
  const bull = await startPeer(BENCH_DIR, 'bullmq.ts', 'BullMQ pipeline', setup.receiverUrl, {
    PEER_QUEUE: `${setup.schema}_bullmq`,
  });
  cleanups.push({ name: 'BullMQ pipeline', run: () => bull.child.stop() });
  const gw = await startPeer(BENCH_DIR, 'graphile-worker.ts', 'graphile-worker pipeline', setup.receiverUrl, {
    DATABASE_URL: withApplicationName(options.databaseUrl, GW_APP_NAME),
    PEER_SCHEMA: gwSchema,
  });
  cleanups.push({ name: 'graphile-worker pipeline', run: () => gw.child.stop() });
  const peerSystem = (name: string, peer: typeof bull, datastoreCpuMs: () => Promise<number>): System => {
    const pool = clientPool(`http://127.0.0.1:${peer.child.port}`, options.c);
    cleanups.push({ name: `${name} pool`, run: () => pool.destroy() });
    return {
      name,
      pool,
      send: sendSpec(peer.apiKey, sendBody(peer.endpointId)),
      pids: () => [peer.child.child.pid],
      datastoreCpuMs,
    };
  };
  const systems: System[] = [
    { name: 'HookBridge', ...setup.hookbridge, datastoreCpuMs: () => backendCpuMs(admin, HB_APP_NAME) },
    peerSystem('Fastify + BullMQ', bull, async () => processCpuMs(redis.pid)),
    peerSystem('Fastify + graphile-worker', gw, () => backendCpuMs(admin, GW_APP_NAME)),
  ];
  const warm = Math.min(1000, Math.max(100, Math.round(options.n / 20)));
  for (const system of systems) {
    await setup.receiver.ask('reset');
    const result = await closedLoop({
      pool: system.pool,
      count: warm,
      concurrency: options.c,
      maxMs: options.phaseTimeoutMs,
      request: () => system.send,
      okStatus: 202,
    });
    await waitDelivered(setup.receiver, result.ok, options.phaseTimeoutMs);
  }
  return comparePeers({
    systems,
    receiver: setup.receiver,
    rounds: PEER_ROUNDS,
    perRound: Math.round(options.n / PEER_ROUNDS),
    concurrency: options.c,
    rate: options.rate,
    durationMs: options.durationS * 1000,
    phaseMs: options.phaseTimeoutMs,
    waitDelivered: (expected, maxMs) => waitDelivered(setup.receiver, expected, maxMs),
    log,
  });
}

/** HookBridge ÷ each peer, and the issue's targets against the BullMQ pipeline. */
function peerRatios(peers: PeerRun[]) {
  const [hookbridge, ...others] = peers;
  const ratio = (a: number, b: number) => (b > 0 ? round3(a / b) : null);
  return Object.fromEntries(
    others.map((peer) => [
      peer.name,
      {
        deliveredPerSecond: ratio(hookbridge!.deliveredPerSecond, peer.deliveredPerSecond),
        p50FirstArrival: ratio(
          hookbridge!.latency.sendToFirstArrivalMs.p50,
          peer.latency.sendToFirstArrivalMs.p50,
        ),
        p99FirstArrival: ratio(
          hookbridge!.latency.sendToFirstArrivalMs.p99,
          peer.latency.sendToFirstArrivalMs.p99,
        ),
        cpuPerDelivered: ratio(hookbridge!.cpuMsPerDelivered.total, peer.cpuMsPerDelivered.total),
      },
    ]),
  );
}

/** What was measured so far: written to latest.json when a later phase fails. */
const partial: Record<string, unknown> = {};

const exitCode = await main().then(
  () => 0,
  (error: unknown) => {
    console.error('benchmark failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    writeResults(ROOT, RESULTS_DIR, {
      benchmark: 'delivery',
      completed: false,
      error: error instanceof Error ? error.message : String(error),
      options: { ...options, databaseUrl: '(not recorded)' },
      ...partial,
    });
    console.error(`partial results written to ${join(RESULTS_DIR, 'latest.json')}`);
    return 1;
  },
);
await cleanup();
process.exit(exitCode);
