import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import { openEmbedded } from '../../src/store/embedded.js';
import { loadMigrations, migrate, statements } from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres.js';

async function schemaFacts(db: Db) {
  const indexes = await db.query<{ indexname: string; valid: boolean }>(
    `SELECT c.relname AS indexname, i.indisvalid AS valid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname = 'messages' AND t.relnamespace = current_schema()::regnamespace`,
  );
  const keys = await db.query<{ conname: string }>(
    `SELECT conname FROM pg_constraint
      WHERE contype = 'f' AND conrelid IN ('messages'::regclass, 'attempts'::regclass)`,
  );
  const applied = await db.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
  return {
    indexes: new Map(indexes.map((row) => [row.indexname, row.valid])),
    keys: keys.map((row) => row.conname),
    applied: applied.map((row) => row.id),
  };
}

async function assertMigrated(db: Db) {
  const facts = await schemaFacts(db);
  const all = (await loadMigrations()).map((m) => m.id);
  assert.deepEqual(facts.applied, all, 'every migration recorded once');
  assert.equal(facts.indexes.get('messages_project_time_idx'), true, 'the merged index exists and is valid');
  assert.ok(!facts.indexes.has('messages_metrics_idx') && !facts.indexes.has('messages_project_created_idx'));
  assert.deepEqual(facts.keys, [], 'messages and attempts carry no foreign keys');
}

/** A new, empty PostgreSQL schema for `work`, dropped afterwards. */
async function withEmptySchema(work: (schema: string) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL! });
  await admin.connect();
  const schema = `hb_migrate_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    await work(schema);
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

const openSchema = (schema: string) =>
  openPostgres({ connectionString: process.env.DATABASE_URL!, schema, max: 2 });

describe('migrations', () => {
  it('splits a no-transaction file into its statements, without comments', () => {
    const sql = `-- hookbridge:no-transaction
-- a comment; with a semicolon
ALTER TABLE a DROP CONSTRAINT IF EXISTS b;
CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON a (x, y DESC)
  INCLUDE (z);

DROP INDEX CONCURRENTLY IF EXISTS j;
`;
    assert.deepEqual(statements(sql), [
      'ALTER TABLE a DROP CONSTRAINT IF EXISTS b',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON a (x, y DESC)\n  INCLUDE (z)',
      'DROP INDEX CONCURRENTLY IF EXISTS j',
    ]);
  });

  it('migrates a fresh embedded store, and a second run applies nothing', async () => {
    const db = await openEmbedded();
    try {
      assert.equal((await migrate(db)).length, (await loadMigrations()).length);
      await assertMigrated(db);
      assert.deepEqual(await migrate(db), []);
    } finally {
      await db.close();
    }
  });

  it('two processes migrating one PostgreSQL schema at once take turns, each file applied once', {
    skip: !process.env.DATABASE_URL,
  }, async () => {
    await withEmptySchema(async (schema) => {
      const [one, two] = await Promise.all([openSchema(schema), openSchema(schema)]);
      try {
        const [a, b] = await Promise.all([migrate(one), migrate(two)]);
        assert.equal(a.length + b.length, (await loadMigrations()).length, 'no file ran twice');
        await assertMigrated(one);
      } finally {
        await one.close();
        await two.close();
      }
    });
  });

  it('a process arriving while another builds an index CONCURRENTLY under the lock waits without blocking it', {
    skip: !process.env.DATABASE_URL,
    timeout: 60_000,
  }, async () => {
    await withEmptySchema(async (schema) => {
      // Plays the first process, in the middle of a no-transaction migration.
      const holder = new pg.Client({
        connectionString: process.env.DATABASE_URL!,
        options: `-c search_path=${schema}`,
      });
      await holder.connect();
      const db = await openSchema(schema);
      try {
        await holder.query('CREATE TABLE side (x integer)');
        await holder.query(`SELECT pg_advisory_lock(hashtext('hookbridge.migrate.' || current_schema()))`);
        const migrating = migrate(db);
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Waits for every older transaction in the database: a migrator blocked inside one would deadlock.
        await holder.query('CREATE INDEX CONCURRENTLY side_x ON side (x)');
        await holder.query(`SELECT pg_advisory_unlock(hashtext('hookbridge.migrate.' || current_schema()))`);
        assert.equal((await migrating).length, (await loadMigrations()).length);
        await assertMigrated(db);
      } finally {
        await db.close();
        await holder.end();
      }
    });
  });
});
