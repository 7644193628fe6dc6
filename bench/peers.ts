/**
 * The peer baselines of `npm run bench`: the pipelines a team would build instead (bench/peers/: Fastify +
 * BullMQ on Redis, Fastify + graphile-worker on PostgreSQL), measured in the same run as HookBridge and in
 * alternating rounds, so each meets the same (shared, noisy) machine. For each system: end-to-end
 * deliveries per second in a closed loop (N sends at concurrency C while it delivers, from the first send
 * to the last first arrival), CPU per delivered message of the process and its datastore, and at a fixed
 * offered rate the latency from each send to its first arrival at the receiver.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type pg from 'pg';
import { Pool } from 'undici';
import { closedLoop, now, openLoop, type Percentiles, percentiles, type RequestSpec } from './load.js';
import { forkChild, type IpcChild, processCpuMs, stopProcess } from './procs.js';

export interface System {
  name: string;
  pool: Pool;
  send: RequestSpec;
  /** The processes that accept and deliver. */
  pids: () => Array<number | undefined>;
  /** The datastore's CPU, in ms so far (PostgreSQL: only the backends of this system's connections). */
  datastoreCpuMs: () => Promise<number>;
}

export interface ReceiverStats {
  unique: number;
  duplicates: number;
  firstAt: number;
  lastAt: number;
}

export interface PeerRun {
  name: string;
  rounds: number[];
  /** Deliveries per second over all rounds: sends accepted ÷ (first send → last first arrival). */
  deliveredPerSecond: number;
  cpuMsPerDelivered: { process: number; datastore: number; total: number };
  latency: { sendToFirstArrivalMs: Percentiles; sendToAcceptedMs: Percentiles; neverArrived: number };
  duplicates: number;
}

/** CPU (ms) of the PostgreSQL backends whose application_name is `appName`. */
export async function backendCpuMs(admin: pg.Client, appName: string): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [appName],
  );
  return rows.reduce((sum, row) => sum + processCpuMs(row.pid), 0);
}

/** Adds application_name to a connection string, so the system's backends can be told apart. */
export function withApplicationName(url: string, appName: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', appName);
  return parsed.toString();
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Redis on 127.0.0.1:6379, started here (in memory only) if nothing listens there; and its pid. */
export async function ensureRedis(): Promise<{ pid: number; stop: () => Promise<void> }> {
  let started: ReturnType<typeof spawn> | null = null;
  if (!(await reachable(6379))) {
    started = spawn(
      'redis-server',
      ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 100 && !(await reachable(6379)); i++) await new Promise((r) => setTimeout(r, 50));
  }
  const info = await redisInfo();
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0);
  return { pid, stop: async () => (started ? stopProcess(started, 5000) : undefined) };
}

function redisInfo(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: 6379 });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (/process_id:\d+\r\n/.test(data)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.once('error', reject);
    socket.write('INFO server\r\n');
  });
}

/** Starts one peer pipeline child (bench/peers/<script>) configured for the benchmark's receiver. */
export async function startPeer(
  benchDir: string,
  script: string,
  name: string,
  receiverUrl: string,
  extraEnv: NodeJS.ProcessEnv,
): Promise<{ child: IpcChild; apiKey: string; endpointId: string }> {
  const apiKey = `peer_${randomBytes(16).toString('hex')}`;
  const endpointId = `ep_${randomBytes(16).toString('hex')}`;
  const child = await forkChild(join(benchDir, 'peers', script), name, {
    ...process.env,
    ...extraEnv,
    PEER_API_KEY: apiKey,
    PEER_ENDPOINT_ID: endpointId,
    PEER_URL: `${receiverUrl}/hook`,
    PEER_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
  });
  return { child, apiKey, endpointId };
}

/**
 * Runs the comparison: `rounds` closed-loop rounds (each system in turn, `perRound` sends each), then one
 * open-loop latency run per system.
 */
export async function comparePeers(options: {
  systems: System[];
  receiver: IpcChild;
  rounds: number;
  perRound: number;
  concurrency: number;
  rate: number;
  durationMs: number;
  phaseMs: number;
  waitDelivered: (expected: number, maxMs: number) => Promise<ReceiverStats>;
  log: (message: string) => void;
}): Promise<PeerRun[]> {
  const { systems, receiver } = options;
  const runs = new Map<
    string,
    {
      delivered: number;
      wallMs: number;
      process: number;
      store: number;
      rounds: number[];
      duplicates: number;
    }
  >(
    systems.map((s) => [
      s.name,
      { delivered: 0, wallMs: 0, process: 0, store: 0, rounds: [], duplicates: 0 },
    ]),
  );
  for (let round = 0; round < options.rounds; round++) {
    for (const system of systems) {
      options.log(
        `peers: round ${round + 1}, ${system.name}: ${options.perRound} sends at concurrency ${options.concurrency}`,
      );
      await receiver.ask('reset');
      const processCpu = () => system.pids().reduce<number>((sum, pid) => sum + processCpuMs(pid), 0);
      const process0 = processCpu();
      const store0 = await system.datastoreCpuMs();
      const startedAt = now();
      const result = await closedLoop({
        pool: system.pool,
        count: options.perRound,
        concurrency: options.concurrency,
        maxMs: options.phaseMs,
        request: () => system.send,
        okStatus: 202,
      });
      const drained = await options.waitDelivered(result.ok, options.phaseMs);
      const run = runs.get(system.name)!;
      const wallMs = drained.lastAt - startedAt;
      run.delivered += drained.unique;
      run.wallMs += wallMs;
      run.duplicates += drained.duplicates;
      run.process += processCpu() - process0;
      run.store += (await system.datastoreCpuMs()) - store0;
      run.rounds.push(Math.round((drained.unique / wallMs) * 1000));
    }
  }
  const out: PeerRun[] = [];
  for (const system of systems) {
    options.log(
      `peers: ${system.name}: ${options.rate} sends/s for ${options.durationMs / 1000} s (open loop)`,
    );
    await receiver.ask('reset');
    const latencyRun = await openLoop({
      pool: system.pool,
      rate: options.rate,
      durationMs: options.durationMs,
      request: () => system.send,
      okStatus: 202,
    });
    const scheduledById = new Map<string, number>();
    for (const sample of latencyRun.samples) {
      scheduledById.set(
        (JSON.parse(sample.body) as { data: { message_id: string } }).data.message_id,
        sample.startedAt,
      );
    }
    await options.waitDelivered(scheduledById.size, options.phaseMs);
    const { arrivals } = await receiver.ask<{ arrivals: Array<[string, number]> }>('arrivals', 60_000);
    const firstArrival: number[] = [];
    for (const [id, at] of arrivals) {
      const scheduled = scheduledById.get(id);
      if (scheduled !== undefined) firstArrival.push(at - scheduled);
    }
    const run = runs.get(system.name)!;
    const perDelivered = (ms: number) => Math.round((ms / run.delivered) * 1000) / 1000;
    out.push({
      name: system.name,
      rounds: run.rounds,
      deliveredPerSecond: Math.round((run.delivered / run.wallMs) * 1000),
      cpuMsPerDelivered: {
        process: perDelivered(run.process),
        datastore: perDelivered(run.store),
        total: perDelivered(run.process + run.store),
      },
      latency: {
        sendToFirstArrivalMs: percentiles(firstArrival),
        sendToAcceptedMs: latencyRun.latencyMs,
        neverArrived: scheduledById.size - firstArrival.length,
      },
      duplicates: run.duplicates,
    });
  }
  return out;
}

/** A keep-alive client pool for one system, like the benchmark's own. */
export function clientPool(url: string, connections: number): Pool {
  return new Pool(url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}
