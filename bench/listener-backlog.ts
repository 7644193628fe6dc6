/**
 * Listener backlog benchmark (`npm run bench:listener`): a script, not a test — it asserts nothing.
 *
 * Starts `hookbridge start` as a child process (PostgreSQL schema by default, BENCH_STORE=embedded for a
 * throw-away embedded store), ingests a backlog of BENCH_MESSAGES (30) bodies of about 1 MB to a cli-mode
 * endpoint, then probes `GET /healthz` every BENCH_PROBE_MS (10 ms), one request at a time:
 *   1. baseline: for BENCH_BASELINE_S (3 s) with no listener connected,
 *   2. drain: from the moment a WebSocket listener connects until it has received the whole backlog.
 * Prints p50 / p99 / max latency of each phase and the drain time. BENCH_SERVER_MAIN runs another build
 * of the server (a checkout's packages/server/src/main.ts) to compare against it in the same way.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { createCliEndpoint, startBenchServer } from './inbound-server.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const MAIN_TS = process.env.BENCH_SERVER_MAIN ?? join(ROOT, 'packages', 'server', 'src', 'main.ts');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 30);
const PROBE_MS = Number(process.env.BENCH_PROBE_MS ?? 10);
const BASELINE_S = Number(process.env.BENCH_BASELINE_S ?? 3);
const STORE = process.env.BENCH_STORE ?? 'postgres';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BODY_BYTES = 1024 * 1024 - 1024;

const apiKey = `hb_live_${randomBytes(16).toString('hex')}`;

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  return `n=${sorted.length} p50=${at(50).toFixed(1)} ms p99=${at(99).toFixed(1)} ms max=${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`;
}

/** GET /healthz one at a time, every PROBE_MS, until `stop` resolves; the latency of each. */
async function probe(pool: Pool, stop: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  while (!stopped) {
    const started = performance.now();
    const response = await pool.request({ path: '/healthz', method: 'GET' });
    await response.body.text();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
  }
  return latencies;
}

async function main() {
  const server = await startBenchServer({
    main: MAIN_TS,
    apiKey,
    store: STORE,
    databaseUrl: DATABASE_URL,
    dataDirPrefix: 'hb-bench-listener-',
  });
  const api = new Pool(server.url, { connections: 4 });
  const health = new Pool(server.url, { connections: 1 });
  try {
    const endpoint = await createCliEndpoint(api, apiKey);
    const ingestPath = endpoint.ingestPath;
    for (let i = 0; i < MESSAGES; i++) {
      const body = JSON.stringify({ i, pad: 'x'.repeat(BODY_BYTES - 32) });
      const response = await api.request({
        path: ingestPath,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.body.text();
      if (response.statusCode !== 202) throw new Error(`ingest answered ${response.statusCode}`);
    }
    console.log(`backlog: ${MESSAGES} messages of ${BODY_BYTES} bytes (${STORE} store, ${MAIN_TS})`);

    const baseline = await probe(health, new Promise((resolve) => setTimeout(resolve, BASELINE_S * 1000)));
    console.log(`/healthz, no listener:        ${summary(baseline)}`);

    let received = 0;
    let drained!: () => void;
    const done = new Promise<void>((resolve) => {
      drained = resolve;
    });
    const started = performance.now();
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/listen?endpoint_id=${endpoint.id}`, {
      headers: { authorization: `Bearer ${apiKey}` },
      maxPayload: 8 * 1024 * 1024,
    });
    // Only the frame's start is read: parsing 1 MB frames here would hold this process's event loop and
    // delay its own probes, which would then be counted against the server.
    socket.on('message', (data: Buffer) => {
      if (!data.subarray(0, 24).toString().startsWith('{"type":"webhook"')) return;
      if (++received === MESSAGES) drained();
    });
    const during = await probe(health, done);
    const drainMs = performance.now() - started;
    console.log(`/healthz, listener draining: ${summary(during)}`);
    console.log(`listener received ${received} messages in ${drainMs.toFixed(0)} ms`);
    socket.close();
  } finally {
    await api.close();
    await health.close();
    await server.stop();
  }
}

await main();
