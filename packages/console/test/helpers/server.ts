import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'console-e2e-admin-token-0123456789';
const MAIN = new URL('../../../server/dist/main.js', import.meta.url).pathname;

export interface ConsoleServer {
  url: string;
  apiKey: string;
  /** A Bearer call to the API, the way a script (not the console) makes it. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The real server, as an operator runs it (`hookbridge start`), in a child process on its own embedded
 * store, serving the built console. Retries are seconds apart so a test can watch them happen.
 */
export async function startServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookbridge-console-e2e-'));
  const apiKey = `hb_live_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      HOOKBRIDGE_DATA_DIR: dataDir,
      HOOKBRIDGE_BOOTSTRAP_API_KEY: apiKey,
      HOOKBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
      HOOKBRIDGE_RETRY_SCHEDULE: '1,1',
      HOOKBRIDGE_LOG_LEVEL: 'warn',
      HOOKBRIDGE_AUTH_FAILURE_LIMIT: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server never became ready: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    apiKey,
    async api(method, path, body) {
      const response = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
