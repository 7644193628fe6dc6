import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from './config.js';
import { generateKey } from './modules/api-keys/service.js';
import { startServer } from './server.js';
import { buildServices } from './services.js';
import { openEmbedded } from './store/embedded.js';
import { migrate } from './store/migrate.js';

export interface InProcessOptions {
  /** Extra settings, named as the environment variables of the README's configuration table. */
  env?: Record<string, string>;
  /** Deliveries may target loopback and private addresses (default true: test receivers live there). */
  allowPrivateNetworks?: boolean;
}

export interface InProcessServer {
  /** The API, send and receive base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** A live API key of the Default project. */
  apiKey: string;
  /** The admin token (projects and every project's keys). */
  adminToken: string;
  projectId: string;
  close(): Promise<void>;
}

/**
 * The real HookBridge server (API and delivery worker) in this process, on a fresh in-memory embedded
 * store: no database server, no data directory, nothing left behind after close(). For tests of code
 * that sends to or receives from HookBridge.
 */
export async function startInProcessServer(options: InProcessOptions = {}): Promise<InProcessServer> {
  const apiKey = generateKey('live');
  const adminToken = randomBytes(24).toString('hex');
  const scratch = mkdtempSync(join(tmpdir(), 'hookbridge-in-process-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    HOOKBRIDGE_LOG_LEVEL: 'silent',
    HOOKBRIDGE_DATA_DIR: scratch,
    HOOKBRIDGE_BOOTSTRAP_API_KEY: apiKey,
    HOOKBRIDGE_ADMIN_TOKEN: adminToken,
    HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: String(options.allowPrivateNetworks ?? true),
    ...options.env,
  });
  const db = await openEmbedded();
  const cleanup = async () => {
    await db.close();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    await migrate(db);
    const log = pino({ level: config.logLevel });
    const services = buildServices(config, db, log, config.masterKey ?? randomBytes(32));
    const server = await startServer(services, { api: true, worker: true });
    const project = await services.projects.ensureDefault();
    return {
      url: server.url!,
      apiKey,
      adminToken,
      projectId: project.id,
      async close() {
        await server.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
