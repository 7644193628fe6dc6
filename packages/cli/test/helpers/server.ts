import pino from 'pino';
import { type Config, loadConfig } from '../../../server/src/config.js';
import { generateKey } from '../../../server/src/modules/api-keys/service.js';
import { type RunningServer, startServer } from '../../../server/src/server.js';
import { buildServices } from '../../../server/src/services.js';
import { ADMIN_TOKEN, TEST_MASTER_KEY } from '../../../server/test/helpers/server.js';
import { openTestStore, type StoreKind, type TestStore } from '../../../server/test/helpers/stores.js';

/**
 * The real server on a real port over a test store, which can be stopped and started again on the same
 * port and the same data: what a listener sees when the server restarts under it.
 */
export class RestartableServer {
  private running: RunningServer | null = null;
  private port = 0;

  private constructor(
    readonly kind: StoreKind,
    readonly store: TestStore,
    readonly apiKey: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(kind: StoreKind, env: Record<string, string> = {}): Promise<RestartableServer> {
    const server = new RestartableServer(kind, await openTestStore(kind), generateKey('live'), env);
    await server.up();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get config(): Config {
    return this.running!.services.config;
  }

  async up(): Promise<void> {
    const config = loadConfig({
      PORT: String(this.port),
      HOST: '127.0.0.1',
      HOOKBRIDGE_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      HOOKBRIDGE_BOOTSTRAP_API_KEY: this.apiKey,
      HOOKBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
      HOOKBRIDGE_AUTH_FAILURE_LIMIT: '100000',
      HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
      ...this.env,
    });
    // Closing a server closes its store; this one outlives every restart.
    const db = { ...this.store.db, close: async () => {} };
    const services = buildServices(config, db, pino({ level: config.logLevel }), config.masterKey!);
    this.running = await startServer(services);
    await services.projects.ensureDefault();
    this.port = Number(new URL(this.running.url!).port);
  }

  async down(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }

  async close(): Promise<void> {
    await this.down();
    await this.store.drop();
  }
}
