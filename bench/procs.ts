/** Child processes of the benchmark and the CPU time they use (read from /proc on Linux). */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';

const TSX = ['--import', 'tsx'];

export interface IpcChild {
  child: ChildProcess;
  port: number;
  /** Sends `{type}` and resolves with the next message of the same type. */
  ask<T>(type: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Forks a TypeScript child that reports `{type: 'ready', port}` over IPC. */
export async function forkChild(script: string, name: string, env?: NodeJS.ProcessEnv): Promise<IpcChild> {
  const child = fork(script, [], {
    execArgv: TSX,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(env ? { env } : {}),
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port!);
      }
    });
  });
  return {
    child,
    port,
    ask<T>(type: string, timeoutMs = 30_000) {
      return new Promise<T>((resolve, reject) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== type) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message as T);
        };
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`${name} did not answer "${type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        child.on('message', onMessage);
        child.send({ type });
      });
    },
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      await stopProcess(child, 5_000);
    },
  };
}

export interface ServerChild {
  child: ChildProcess;
  /** The "listening on" URL (null for a worker-only process). */
  url: string | null;
  /** Log lines at warn level or above seen after start, and the last lines of output. */
  warnings: string[];
  tail: string[];
  stop(): Promise<void>;
}

/**
 * Starts `hookbridge <command>` from the TypeScript sources and waits for its start line
 * ("listening on …" or "… running").
 */
export async function spawnServer(
  mainTs: string,
  command: 'start' | 'api' | 'worker',
  env: NodeJS.ProcessEnv,
  cwd: string,
  extraNodeArgs: string[] = [],
): Promise<ServerChild> {
  // The built server (dist/*.js) runs as users run it; a TypeScript entry runs through tsx.
  const loader = mainTs.endsWith('.ts') ? TSX : [];
  const child = spawn(process.execPath, [...extraNodeArgs, ...loader, mainTs, command], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const warnings: string[] = [];
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    if (/"level":(40|50|60)/.test(line) && warnings.length < 200) warnings.push(line);
  };
  createInterface({ input: child.stderr! }).on('line', remember);
  const url = await new Promise<string | null>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hookbridge ${command} did not start within 60 s:\n${tail.join('\n')}`)),
      60_000,
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`hookbridge ${command} exited with ${code}:\n${tail.join('\n')}`)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      const listening = /listening on (http:\/\/\S+)/.exec(line);
      if (listening || / running — /.test(line)) {
        clearTimeout(timer);
        resolve(listening?.[1] ?? null);
      }
    });
  });
  child.removeAllListeners('exit');
  return { child, url, warnings, tail, stop: () => stopProcess(child, 15_000) };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

// ---- CPU accounting -------------------------------------------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU time of a process, in ms (0 when it cannot be read). */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU time of every process named `postgres` (the server and its backends), in ms, by pid. */
export function postgresCpuMs(): Record<string, number> {
  const out: Record<string, number> = {};
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return out;
  }
  for (const pid of entries) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
        out[pid] = processCpuMs(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** Busy and total CPU time of the whole machine, in ms. */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const total = values.reduce((sum, v) => sum + v, 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return { busy: 0, total: 0 };
  }
}

export interface CpuSample {
  at: number;
  byProcess: Record<string, number>;
  postgres: Record<string, number>;
  machine: { busy: number; total: number };
}

/** Samples the CPU time of named processes (plus PostgreSQL and this process). */
export function sampleCpu(pids: Record<string, number | undefined>): CpuSample {
  const byProcess: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) byProcess[name] = processCpuMs(pid);
  const own = process.cpuUsage();
  byProcess['load generator'] = (own.user + own.system) / 1000;
  return { at: performance.now(), byProcess, postgres: postgresCpuMs(), machine: machineCpuMs() };
}

/** CPU used between two samples, in cores (1.0 = one core busy the whole time). */
export function cpuBetween(a: CpuSample, b: CpuSample): Record<string, number> {
  const wall = b.at - a.at;
  const out: Record<string, number> = {};
  for (const name of Object.keys(b.byProcess)) {
    out[name] = round2(((b.byProcess[name] ?? 0) - (a.byProcess[name] ?? 0)) / wall);
  }
  // Backends come and go with the pools: count those seen at the end (a backend that exited meanwhile is lost).
  let postgres = 0;
  for (const [pid, ms] of Object.entries(b.postgres)) postgres += ms - (a.postgres[pid] ?? 0);
  out['postgres (all clients)'] = round2(postgres / wall);
  const total = b.machine.total - a.machine.total;
  if (total > 0) {
    const busy = (b.machine.busy - a.machine.busy) / total;
    const ours = Object.values(out).reduce((sum, v) => sum + v, 0);
    // Whatever else runs on the machine (other jobs on a shared box), in cores.
    out['other processes'] = round2(Math.max(0, busy * cpus().length - ours));
    out['machine busy %'] = round2(busy * 100);
  }
  return out;
}

/** cpuBetween results of several windows as one, weighted by each window's wall time. */
export function averageCores(
  windows: Array<{ cores: Record<string, number>; wallMs: number }>,
): Record<string, number> {
  const totalMs = windows.reduce((sum, w) => sum + w.wallMs, 0);
  const out: Record<string, number> = {};
  for (const { cores, wallMs } of windows) {
    for (const [name, value] of Object.entries(cores))
      out[name] = (out[name] ?? 0) + (value * wallMs) / totalMs;
  }
  for (const name of Object.keys(out)) out[name] = round2(out[name]!);
  return out;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
