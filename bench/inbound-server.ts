/**
 * The server of the inbound benchmarks (`bench/inbound.ts`, `bench/listener-backlog.ts`): `hookbridge start`
 * from the TypeScript sources as a child process, on a fresh PostgreSQL schema or, with store `embedded`,
 * on a throw-away embedded store; and the cli-mode endpoint they ingest to.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Pool } from 'undici';

export interface BenchServer {
  url: string;
  /** Stops the server, then drops its schema or removes its data directory. */
  stop(): Promise<void>;
}

export async function startBenchServer(options: {
  main: string;
  apiKey: string;
  store: string;
  databaseUrl: string;
  /** Prefix of the embedded store's temporary directory. */
  dataDirPrefix: string;
  env?: Record<string, string>;
}): Promise<BenchServer> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: '0',
    HOOKBRIDGE_BOOTSTRAP_API_KEY: options.apiKey,
    HOOKBRIDGE_MASTER_KEY: 'cd'.repeat(32),
    HOOKBRIDGE_LOG_LEVEL: 'warn',
    ...options.env,
  };
  let cleanup = async () => {};
  if (options.store === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), options.dataDirPrefix));
    env.HOOKBRIDGE_DATA_DIR = dir;
    delete env.DATABASE_URL;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `hb_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(options.databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = url.toString();
    cleanup = async () => {
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', options.main, 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await cleanup();
    },
  };
}

/** Creates a cli-mode inbound endpoint; its id and the path of its ingest URL. */
export async function createCliEndpoint(
  pool: Pool,
  apiKey: string,
): Promise<{ id: string; ingestPath: string }> {
  const created = await pool.request({
    path: '/v1/inbound-endpoints',
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'cli', name: 'bench' }),
  });
  const endpoint = ((await created.body.json()) as any).data;
  return { id: endpoint.id, ingestPath: new URL(endpoint.ingest_url).pathname };
}
