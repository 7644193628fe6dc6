import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed bin, as npm links it: it runs the built dist/ (tests run after `npm run build`). */
export const HB_BIN = fileURLToPath(new URL('../../bin/hb.js', import.meta.url));

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'hb-home-'));
}

export interface HbOptions {
  home: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
}

/** The environment of a developer's shell with nothing HookBridge-related set, plus what the test gives. */
function environment(options: HbOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(HB_|HOOKBRIDGE_|NO_COLOR$|FORCE_COLOR$)/.test(name)) env[name] = value;
  }
  env.HOME = options.home;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface HbProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match in stdout (or stderr with `stream`), or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Lines of stdout parsed as JSON (NDJSON under --json). */
  events(): any[];
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

export function killAllHb(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function spawnHb(args: string[], options: HbOptions): HbProcess {
  const child = spawn(process.execPath, [HB_BIN, ...args], {
    env: environment(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const text = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    text.stdout += chunk.toString();
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    text.stderr += chunk.toString();
    for (const wake of waiters) wake();
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    events: () =>
      text.stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line)),
    waitFor(pattern, stream = 'stdout', timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text[stream].match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`timed out waiting for ${pattern}\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`),
          );
        }, timeoutMs);
        const onExit = () => {
          check();
          cleanup();
          reject(new Error(`hb exited before ${pattern}\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.on('exit', onExit);
        check();
      });
    },
  };
}

export interface HbResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function hb(args: string[], options: HbOptions): Promise<HbResult> {
  const run = spawnHb(args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
