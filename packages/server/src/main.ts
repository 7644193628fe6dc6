#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { type Config, ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { createLogger, prepareStore, type Roles, startServer } from './server.js';
import { migrate } from './store/migrate.js';
import { openStore } from './store/open.js';
import { VERSION } from './version.js';

interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be 0–65535');
  return port;
}

function configFrom(options: ServeOptions): Config {
  return loadConfig(process.env, { port: options.port, host: options.host, dataDir: options.dataDir });
}

function serve(roles: Roles) {
  return async (options: ServeOptions): Promise<void> => {
    const config = configFrom(options);
    if (!(roles.api && roles.worker) && !config.databaseUrl) {
      throw new ConfigError(
        'separate api and worker processes need PostgreSQL (DATABASE_URL); on the embedded store use `hookbridge start`',
      );
    }
    await run(config, roles);
  };
}

async function run(config: Config, roles: Roles): Promise<void> {
  const log = createLogger(config);
  const { services } = await prepareStore(config, log);
  const server = await startServer(services, roles);
  const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded store in ${config.dataDir}`;
  const what = roles.api && roles.worker ? 'API and delivery' : roles.api ? 'API only' : 'delivery worker';
  console.log(
    server.url
      ? `HookBridge ${VERSION} listening on ${server.url} — ${what}, ${store}`
      : `HookBridge ${VERSION} ${what} running — ${store}`,
  );
  if (server.firstKey) {
    console.log(
      '\nA project named "Default" was created with this live API key. It is shown only once; keep it:',
    );
    console.log(`\n    ${server.firstKey}\n`);
    console.log(`Try: curl -H "Authorization: Bearer ${server.firstKey}" ${server.url}/v1/api-keys\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      log.warn('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function runMigrations(options: ServeOptions): Promise<void> {
  const config = configFrom(options);
  const db = await openStore(config);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } finally {
    await db.close();
  }
}

async function createKey(
  options: ServeOptions & { project?: string; mode: 'live' | 'test'; label?: string },
) {
  const config = configFrom(options);
  const log = createLogger({ ...config, logLevel: 'warn' });
  const { db, services } = await prepareStore(config, log);
  try {
    const projectId = options.project ?? (await services.projects.ensureDefault()).id;
    await services.projects.get(projectId);
    const { row, key } = await services.apiKeys.create(projectId, {
      label: options.label ?? null,
      mode: options.mode,
    });
    console.log(key);
    console.error(`key_id ${row.id} for project ${projectId} (${options.mode}); it is not shown again`);
  } finally {
    await db.close();
  }
}

const program = new Command('hookbridge').version(VERSION).description('HookBridge webhook platform server');

const storeOption = ['--data-dir <dir>', 'embedded store directory (HOOKBRIDGE_DATA_DIR)'] as const;

program
  .command('start')
  .description('run the whole platform (API and delivery) in one process')
  .option('--port <port>', 'port to listen on (PORT)', portOption)
  .option('--host <host>', 'address to bind (HOST)')
  .option(...storeOption)
  .action(serve({ api: true, worker: true }));

program
  .command('api')
  .description('serve the HTTP API only (PostgreSQL; run any number)')
  .option('--port <port>', 'port to listen on (PORT)', portOption)
  .option('--host <host>', 'address to bind (HOST)')
  .action(serve({ api: true, worker: false }));

program
  .command('worker')
  .description('run a delivery worker only (PostgreSQL; run any number)')
  .action(serve({ api: false, worker: true }));

program
  .command('migrate')
  .description('apply database migrations and exit')
  .option(...storeOption)
  .action(runMigrations);

program
  .command('keys')
  .description('manage API keys (operators)')
  .command('create')
  .description('create an API key and print it once')
  .option('--project <id>', 'project id (default: the "Default" project)')
  .option(
    '--mode <mode>',
    'live or test',
    (value) => {
      if (value !== 'live' && value !== 'test') throw new InvalidArgumentError('must be live or test');
      return value;
    },
    'live',
  )
  .option('--label <label>', 'a label to recognise the key by')
  .option(...storeOption)
  .action(createKey);

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`hookbridge: ${error.message}`);
  } else {
    console.error('hookbridge:', error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
});
