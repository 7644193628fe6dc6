import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { lockDataDir } from './data-dir-lock.js';
import { openEmbedded } from './embedded.js';
import { openPostgres } from './postgres.js';
import { describeTarget, isNotUpYet, postgresFailure } from './postgres-failure.js';

type OpenConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'databaseWaitMs'>;

/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded store.
 * A PostgreSQL server that is not up yet (compose starts both at once) is retried for
 * HOOKBRIDGE_DATABASE_WAIT_MS; `onWait` hears about it once.
 */
export async function openStore(
  config: OpenConfig,
  onWait: (message: string) => void = () => {},
): Promise<Db> {
  if (config.databaseUrl) return openPostgresWaiting(config.databaseUrl, config.databaseWaitMs, onWait);
  const unlock = lockDataDir(config.dataDir);
  try {
    const dataDir = embeddedDir(config.dataDir);
    const template = freshStoreTemplate(dataDir);
    const db = await openEmbedded({ dataDir, ...(template ? { loadDataDir: template } : {}) });
    return {
      ...db,
      async close() {
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

export function embeddedDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/** Built by `npm run build` (scripts/store-template.mjs); the same path from src/store and dist/store. */
export const STORE_TEMPLATE = fileURLToPath(new URL('../../dist/store-template.tar.gz', import.meta.url));

/**
 * For a directory with no database yet, the initialised empty database the build made: unpacking it costs
 * what opening an existing store costs, where PGlite's own initdb would double the peak memory. Without
 * it (not built), PGlite runs initdb as before.
 */
function freshStoreTemplate(pgdata: string): Blob | null {
  if (existsSync(join(pgdata, 'PG_VERSION')) || !existsSync(STORE_TEMPLATE)) return null;
  return new Blob([readFileSync(STORE_TEMPLATE)]);
}

async function openPostgresWaiting(
  url: string,
  waitMs: number,
  onWait: (message: string) => void,
): Promise<Db> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await openPostgres({ connectionString: url });
    } catch (error) {
      const waited = Date.now() - started;
      if (!isNotUpYet(error) || waited >= waitMs) throw postgresFailure(error, url, waited) ?? error;
      if (attempt === 0) {
        const { host, port } = describeTarget(url);
        onWait(
          `PostgreSQL at ${host}:${port} is not reachable yet; retrying for up to ${Math.round(waitMs / 1000)} s`,
        );
      }
      await sleep(Math.min(500, waitMs - waited));
    }
  }
}
