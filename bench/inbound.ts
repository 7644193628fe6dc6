/**
 * Inbound load test (`npm run bench:inbound`): a small script, not a test — it asserts nothing.
 *
 * Starts `hookbridge start` (API + worker) as a child process on a fresh PostgreSQL schema (or, with
 * BENCH_STORE=embedded, on a throw-away embedded store), creates a cli-mode inbound endpoint, connects a
 * WebSocket listener the way the hb CLI does, then measures:
 *   1. ingest throughput: N POSTs of a 1 KB JSON body from C concurrent clients (ingests/s),
 *   2. ingest→listener latency at a fixed offered rate: from the start of each POST to the frame's
 *      arrival at the listener (p50/p99), and
 *   3. ingest throughput to a forward-mode endpoint (N POSTs, C clients) whose target is a local HTTP
 *      server answering 200: the same process forwards them meanwhile (forwarded by the end is reported).
 *
 * Options (environment): BENCH_N (5000), BENCH_C (32), BENCH_RATE (200 per s), BENCH_DURATION (10 s),
 * BENCH_STORE (postgres | embedded), DATABASE_URL (postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { createCliEndpoint, startBenchServer } from './inbound-server.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const MAIN_TS = join(ROOT, 'packages', 'server', 'src', 'main.ts');
const N = Number(process.env.BENCH_N ?? 5000);
const C = Number(process.env.BENCH_C ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const STORE = process.env.BENCH_STORE ?? 'postgres';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const apiKey = `hb_live_${randomBytes(16).toString('hex')}`;
const body = JSON.stringify({ type: 'bench.event', pad: 'x'.repeat(1000) });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const server = await startBenchServer({
    main: MAIN_TS,
    apiKey,
    store: STORE,
    databaseUrl: DATABASE_URL,
    dataDirPrefix: 'hb-bench-inbound-',
    // Phase 3 forwards to a receiver on loopback.
    env: { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' },
  });
  const pool = new Pool(server.url, { connections: C * 2 });
  try {
    const endpoint = await createCliEndpoint(pool, apiKey);
    const ingestPath = endpoint.ingestPath;

    const arrivals = new Map<string, number>();
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/listen?endpoint_id=${endpoint.id}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'webhook') arrivals.set(frame.message_id, performance.now());
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    const post = async () => {
      const response = await pool.request({
        path: ingestPath,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const parsed = (await response.body.json()) as any;
      if (response.statusCode !== 202) throw new Error(`ingest answered ${response.statusCode}`);
      return parsed.data.message_id as string;
    };

    // 1. Throughput, closed loop.
    for (let i = 0; i < 200; i++) await post();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next++ < N) await post();
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    // 2. Latency at a fixed offered rate, open loop.
    const sentAt = new Map<string, number>();
    const inFlight: Promise<void>[] = [];
    const total = RATE * DURATION_S;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const at = performance.now();
      inFlight.push(post().then((id) => void sentAt.set(id, at)));
    }
    await Promise.all(inFlight);
    const deadline = performance.now() + 10_000;
    while ([...sentAt.keys()].some((id) => !arrivals.has(id)) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies = [...sentAt]
      .map(([id, at]) => (arrivals.get(id) ?? Number.NaN) - at)
      .sort((a, b) => a - b);
    const lost = latencies.filter(Number.isNaN).length;
    socket.close();

    // 3. Forward mode: the same closed loop, to an endpoint whose messages the worker forwards meanwhile.
    let forwarded = 0;
    const receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        forwarded++;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverPort = (receiver.address() as AddressInfo).port;
    const forwardCreated = await pool.request({
      path: '/v1/inbound-endpoints',
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${receiverPort}/hook`, name: 'bench forward' }),
    });
    const forwardEndpoint = ((await forwardCreated.body.json()) as any).data;
    const forwardPath = new URL(forwardEndpoint.ingest_url).pathname;
    const postForward = async () => {
      const response = await pool.request({
        path: forwardPath,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.body.dump();
      if (response.statusCode !== 202) throw new Error(`forward ingest answered ${response.statusCode}`);
    };
    for (let i = 0; i < 200; i++) await postForward();
    let nextForward = 0;
    const forwardStarted = performance.now();
    const forwardedBefore = forwarded;
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (nextForward++ < N) await postForward();
      }),
    );
    const forwardSeconds = (performance.now() - forwardStarted) / 1000;
    const forwardedDuring = forwarded - forwardedBefore;
    await new Promise<void>((resolve) => receiver.close(() => resolve()));

    const result = {
      store: STORE,
      cpus: cpus().length,
      ingest: { n: N, concurrency: C, per_second: Math.round(N / seconds) },
      ingest_to_listener_ms: {
        offered_rate: RATE,
        messages: latencies.length,
        p50: Number(percentile(latencies, 50).toFixed(1)),
        p99: Number(percentile(latencies, 99).toFixed(1)),
        max: Number(
          latencies
            .filter((v) => !Number.isNaN(v))
            .at(-1)
            ?.toFixed(1),
        ),
        not_received: lost,
      },
      forward_ingest: {
        n: N,
        concurrency: C,
        per_second: Math.round(N / forwardSeconds),
        forwarded_meanwhile_per_second: Math.round(forwardedDuring / forwardSeconds),
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await pool.close();
    await server.stop();
  }
}

await main();
