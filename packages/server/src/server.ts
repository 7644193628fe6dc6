import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import type { Config } from './config.js';
import { buildServices, type Services } from './services.js';
import type { Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { resolveMasterKey } from './store/master-key.js';
import { openStore } from './store/open.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  firstKey: string | null;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'hookbridge' } });
}

/** Opens the store, migrates it and bootstraps the default project: what every command starts with. */
export async function prepareStore(config: Config, log: Logger): Promise<{ db: Db; services: Services }> {
  const masterKey = resolveMasterKey(config);
  const db = await openStore(config);
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
    return { db, services: buildServices(config, db, log, masterKey) };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Starts the HTTP server on an opened store. Closing stops accepting, drains in-flight requests, closes the store. */
export async function startServer(services: Services): Promise<RunningServer> {
  const { config, db } = services;
  const { firstKey } = await bootstrap(services);
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  return {
    app,
    services,
    url: `http://${host}:${port}`,
    firstKey,
    close() {
      closing ??= (async () => {
        await app.close();
        await db.close();
      })();
      return closing;
    },
  };
}
