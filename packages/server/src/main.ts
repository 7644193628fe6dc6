#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError, loadConfig, SETTING_NAMES } from './config.js';
import { AppError } from './errors.js';
import { preflight } from './preflight.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { createLogger, prepareStore, type Roles, startServer } from './server.js';
import { StartupError } from './startup-error.js';
import { migrate } from './store/migrate.js';
import { embeddedDir, openStore } from './store/open.js';
import { VERSION } from './version.js';

interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

interface OfflineOptions extends ServeOptions {
  create?: boolean;
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
    await preflight(config, roles);
    await run(config, roles);
  };
}

async function run(config: Config, roles: Roles): Promise<void> {
  const log = createLogger(config);
  const { db, services } = await prepareStore(config, log);
  const server = await startServer(services, roles).catch(async (error: unknown) => {
    services.wake.close();
    await db.close();
    throw error;
  });
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
  } else if (server.url && !config.bootstrapApiKey) {
    // Keys are shown once, on the first start; say where a new one comes from on the others.
    console.log(
      config.databaseUrl
        ? 'No new API key is printed for an existing store; create one with `npx hookbridge keys create`.'
        : 'No new API key is printed for an existing store; create one with `npx hookbridge keys create` after stopping this server (one process per data directory).',
    );
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

/**
 * One-off commands work on an existing store: on an empty directory they would create a store (and a key
 * for a project no server has) in the wrong place. Checked before the embedded database is loaded.
 */
function requireStore(config: Config, options: OfflineOptions): void {
  if (config.databaseUrl || options.create) return;
  if (existsSync(join(embeddedDir(config.dataDir), 'PG_VERSION'))) return;
  throw new StartupError(
    `no HookBridge store in ${config.dataDir}; run this where \`npx hookbridge start\` keeps its store, point --data-dir or HOOKBRIDGE_DATA_DIR at it, set DATABASE_URL, or add --create to create a new store there`,
  );
}

async function runMigrations(options: OfflineOptions): Promise<void> {
  const config = configFrom(options);
  requireStore(config, options);
  const db = await openStore(config, (message) => console.error(`hookbridge: ${message}`));
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } finally {
    await db.close();
  }
}

async function createKey(
  options: OfflineOptions & { project?: string; mode: 'live' | 'test'; label?: string },
) {
  const config = configFrom(options);
  requireStore(config, options);
  const log = createLogger({ ...config, logLevel: 'warn' });
  const { db, services } = await prepareStore(config, log);
  try {
    const projectId = options.project ?? (await services.projects.ensureDefault()).id;
    await services.projects.get(projectId).catch((error: unknown) => {
      if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error;
      const store = config.databaseUrl ? 'this database' : config.dataDir;
      throw new StartupError(
        `no project ${projectId} in ${store}; omit --project for the "Default" project, or take an id from GET /v1/projects`,
      );
    });
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
const createOption = ['--create', 'create the embedded store if the directory has none'] as const;

program.addHelpText(
  'after',
  `
Settings are environment variables (the README's Configuration table says what each does):
  ${wrap(SETTING_NAMES, 100).join('\n  ')}`,
);

function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

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
  .option(...createOption)
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
  .option(...createOption)
  .action(createKey);

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof StartupError) {
    console.error(`hookbridge: ${error.message}`);
  } else {
    console.error('hookbridge:', error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
});
