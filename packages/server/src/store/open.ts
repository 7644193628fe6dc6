import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
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
    const db = await openEmbedded({ dataDir: embeddedDir(config.dataDir) });
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
