import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import { createFirstKey, registerBootstrapKey } from './bootstrap.js';
import type { Config } from './config.js';
import { createDeliveryWorkers } from './delivery/create-worker.js';
import { MetricsRollupJob } from './modules/metrics/rollup.js';
import { RetentionJob } from './retention/job.js';
import { ExportRunner } from './modules/exports/runner.js';
import { buildServices, type Services } from './services.js';
import type { Db } from './store/db.js';
import { resolveMasterKey } from './store/master-key.js';
import { migrate } from './store/migrate.js';
import { openStore } from './store/open.js';
import { listenFailure } from './preflight.js';
import { EmbeddedMaintenance } from './store/embedded-maintenance.js';

export interface Roles {
  /** Serve the HTTP API. */
  api: boolean;
  /** Run a delivery worker. */
  worker: boolean;
}

export interface RunningServer {
  app: FastifyInstance | null;
  services: Services;
  url: string | null;
  firstKey: string | null;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'hookbridge' } });
}

/** Opens the store, migrates it and builds the services: what every command starts with. */
export async function prepareStore(config: Config, log: Logger): Promise<{ db: Db; services: Services }> {
  const masterKey = resolveMasterKey(config);
  const db = await openStore(config, (message) => log.warn(message));
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
    return { db, services: buildServices(config, db, log, masterKey) };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * Starts the HTTP API and/or a delivery worker on an opened store. Closing stops accepting requests,
 * drains those in flight, lets the worker finish its attempts, then closes the store.
 */
export async function startServer(
  services: Services,
  roles: Roles = { api: true, worker: true },
): Promise<RunningServer> {
  const { config, db, log } = services;
  if (config.allowPrivateNetworks) {
    log.warn(
      'HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS is on: endpoints may target loopback and private networks. Development and tests only.',
    );
  }
  await registerBootstrapKey(services);
  const delivery = roles.worker ? createDeliveryWorkers(services) : null;
  await delivery?.start();
  // Sends accepted here go straight to this process's worker when it has room (direct dispatch).
  if (delivery && roles.api && config.directDispatch) services.send.useDirectDispatch(delivery.outbound);
  const retention = roles.worker ? new RetentionJob(db, config, log.child({ component: 'retention' })) : null;
  retention?.start();
  const maintenance =
    roles.worker && db.kind === 'embedded'
      ? new EmbeddedMaintenance(db, log.child({ component: 'maintenance' }))
      : null;
  maintenance?.start();
  const rollup = roles.worker ? new MetricsRollupJob(db, log.child({ component: 'metrics-rollup' })) : null;
  rollup?.start();
  // Exports are built by API processes: their files are served from the same exports directory.
  const exportRunner = roles.api
    ? new ExportRunner(db, services.exports, services.billing, log.child({ component: 'exports' }))
    : null;
  await exportRunner?.start();
  let app: FastifyInstance | null = null;
  let url: string | null = null;
  let stopKeyListener: (() => Promise<void>) | null = null;
  if (roles.api) {
    stopKeyListener = await services.apiKeys.listenForRevocations();
    app = await buildApp(services);
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close().catch(() => {});
      await stopKeyListener();
      await retention?.stop();
      await maintenance?.stop();
      await exportRunner?.stop();
      await delivery?.close();
      throw listenFailure(error, config.host, config.port);
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    url = `http://${host}:${port}`;
  }
  const firstKey = roles.api ? await createFirstKey(services) : null;
  let closing: Promise<void> | null = null;
  return {
    app,
    services,
    url,
    firstKey,
    close() {
      closing ??= (async () => {
        await app?.close();
        await stopKeyListener?.();
        await retention?.stop();
        await maintenance?.stop();
        await rollup?.stop();
        await exportRunner?.stop();
        services.send.useDirectDispatch(null);
        await delivery?.close();
        services.wake.close();
        await db.close();
      })();
      return closing;
    },
  };
}
