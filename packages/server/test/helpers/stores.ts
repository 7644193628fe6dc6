import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import { openEmbedded } from '../../src/store/embedded.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres.js';

export type StoreKind = 'embedded' | 'postgres';

/** The embedded store always; PostgreSQL too when DATABASE_URL is set. */
export function storeKinds(): StoreKind[] {
  return process.env.DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
}

export interface TestStore {
  kind: StoreKind;
  db: Db;
  /** For PostgreSQL: the connection string and schema other processes must use to share this store. */
  databaseUrl: string | null;
  schema: string | null;
  drop(): Promise<void>;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  return kind === 'embedded' ? openEmbeddedFromSnapshot() : openPostgresSchema();
}

/**
 * Creating and migrating a PGlite database costs seconds and hundreds of MiB, so the suite migrates one
 * once, dumps it, and every test file loads that dump (half a second). The dump is keyed by the
 * migrations' contents, so a new migration makes a new snapshot.
 */
async function openEmbeddedFromSnapshot(): Promise<TestStore> {
  const migrations = await loadMigrations();
  const hash = createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'hookbridge-test-snapshots');
  const path = join(dir, `migrated-${hash}.tar`);
  if (!existsSync(path)) {
    const fresh = await openEmbedded();
    await migrate(fresh);
    const dump = await fresh.dump();
    await fresh.close();
    mkdirSync(dir, { recursive: true });
    const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
  }
  const db = await openEmbedded({ loadDataDir: new Blob([readFileSync(path)]) });
  return { kind: 'embedded', db, databaseUrl: null, schema: null, drop: () => db.close() };
}

async function openPostgresSchema(): Promise<TestStore> {
  const databaseUrl = process.env.DATABASE_URL!;
  const schema = `hb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openPostgres({ connectionString: databaseUrl, schema, max: 10 });
  await migrate(db);
  return {
    kind: 'postgres',
    db,
    databaseUrl,
    schema,
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: databaseUrl });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}
