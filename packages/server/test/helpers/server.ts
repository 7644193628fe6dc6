import pino from 'pino';
import { type Config, loadConfig } from '../../src/config.js';
import { generateKey } from '../../src/modules/api-keys/service.js';
import { type Roles, type RunningServer, startServer } from '../../src/server.js';
import { buildServices } from '../../src/services.js';
import { type Api, client } from './http.js';
import { openTestStore, type StoreKind, type TestStore } from './stores.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const TEST_MASTER_KEY = 'ab'.repeat(32);

export interface TestServer {
  kind: StoreKind;
  url: string;
  /** The bootstrap live key of the "Default" project. */
  apiKey: string;
  projectId: string;
  store: TestStore;
  server: RunningServer;
  config: Config;
  close(): Promise<void>;
}

/**
 * The real app on a real port, on a fresh store of the given kind. `env` takes the same variables an
 * operator would set.
 */
export async function startTestServer(
  kind: StoreKind,
  env: Record<string, string> = {},
  logDestination?: NodeJS.WritableStream,
  roles: Roles = { api: true, worker: true },
): Promise<TestServer> {
  const store = await openTestStore(kind);
  const apiKey = generateKey('live');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    HOOKBRIDGE_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOOKBRIDGE_BOOTSTRAP_API_KEY: apiKey,
    HOOKBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
    // The security suite fails authentication on purpose, many times, from one address.
    HOOKBRIDGE_AUTH_FAILURE_LIMIT: '100000',
    ...env,
  });
  const log = logDestination
    ? pino({ level: config.logLevel }, logDestination)
    : pino({ level: config.logLevel });
  const services = buildServices(config, store.db, log, config.masterKey!);
  let server: RunningServer;
  try {
    server = await startServer(services, roles);
  } catch (error) {
    await store.drop();
    throw error;
  }
  const project = await services.projects.ensureDefault();
  return {
    kind,
    url: server.url!,
    apiKey,
    projectId: project.id,
    store,
    server,
    config,
    async close() {
      await server.close();
      await store.drop();
    },
  };
}

/** startTestServer, and a client holding the server's bootstrap key. */
export async function startWithClient(
  ...args: Parameters<typeof startTestServer>
): Promise<{ server: TestServer; api: Api }> {
  const server = await startTestServer(...args);
  return { server, api: client(server.url, server.apiKey) };
}
