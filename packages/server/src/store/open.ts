import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { lockDataDir } from './data-dir-lock.js';
import { openEmbedded } from './embedded.js';
import { openPostgres } from './postgres.js';

/** Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded store. */
export async function openStore(config: Config): Promise<Db> {
  if (config.databaseUrl) return openPostgres({ connectionString: config.databaseUrl });
  const unlock = lockDataDir(config.dataDir);
  try {
    const db = await openEmbedded({ dataDir: join(config.dataDir, 'pgdata') });
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
