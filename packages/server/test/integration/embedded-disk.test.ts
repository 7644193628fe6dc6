import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { openEmbedded } from '../../src/store/embedded.js';
import { EmbeddedMaintenance } from '../../src/store/embedded-maintenance.js';
import { migrate } from '../../src/store/migrate.js';
import { embeddedDir, openStore, STORE_TEMPLATE } from '../../src/store/open.js';

const MiB = 1024 * 1024;

function walBytes(pgdata: string): number {
  const dir = join(pgdata, 'pg_wal');
  return readdirSync(dir)
    .filter((name) => /^[0-9A-F]{24}$/.test(name))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

describe('embedded store on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'hookbridge-disk-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a new data directory starts from the template the build made, and is a lasting store', async () => {
    assert.ok(existsSync(STORE_TEMPLATE), 'npm run build makes dist/store-template.tar.gz');
    const dataDir = join(root, 'from-template');
    const config = { databaseUrl: null, dataDir, databaseWaitMs: 0 };
    const db = await openStore(config);
    try {
      assert.ok((await migrate(db)).length > 0);
      await db.exec('CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)');
    } finally {
      await db.close();
    }
    assert.ok(existsSync(join(embeddedDir(dataDir), 'PG_VERSION')));
    const again = await openStore(config);
    try {
      assert.deepEqual(await again.query('SELECT v FROM kept'), [{ v: 7 }]);
      assert.deepEqual(await migrate(again), []);
    } finally {
      await again.close();
    }
  });

  it('keeps its WAL at a few segments however much is written, and maintenance vacuums and checkpoints', async () => {
    const pgdata = join(root, 'pgdata');
    const db = await openEmbedded({ dataDir: pgdata });
    const maintenance = new EmbeddedMaintenance(db, pino({ level: 'silent' }));
    let checkpoints = 0;
    try {
      await db.exec('CREATE TABLE filler (v text); ALTER TABLE filler ALTER COLUMN v SET STORAGE EXTERNAL');
      // ~80 MB of WAL: 32 KB rows of hex that TOAST stores uncompressed, written and deleted four times over.
      for (let round = 0; round < 4; round++) {
        await db.exec(
          `INSERT INTO filler SELECT (SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 1000) g)
             FROM generate_series(1, 600)`,
        );
        await db.exec('DELETE FROM filler');
        // What the server's 30-second timer does.
        if (await maintenance.checkpointIfDue()) checkpoints++;
      }
      assert.ok(checkpoints >= 2, `${checkpoints} checkpoints`);
      // Without checkpoints (PGlite has no checkpointer) all of it would still be there.
      assert.ok(walBytes(pgdata) <= 64 * MiB, `pg_wal holds ${(walBytes(pgdata) / MiB).toFixed(0)} MiB`);
      await maintenance.checkpointIfDue();
      assert.equal(await maintenance.checkpointIfDue(), false, 'nothing written since the last checkpoint');

      const size = async () =>
        Number(
          (await db.query<{ bytes: string }>(`SELECT pg_total_relation_size('filler')::text AS bytes`))[0]!
            .bytes,
        );
      const bloated = await size();
      await maintenance.runOnce();
      assert.ok(
        walBytes(pgdata) <= 48 * MiB,
        `pg_wal holds ${(walBytes(pgdata) / MiB).toFixed(0)} MiB after CHECKPOINT`,
      );
      // After VACUUM the deleted rows' space is reused: writing the same again does not grow the table.
      await db.exec(
        `INSERT INTO filler SELECT (SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 1000) g)
           FROM generate_series(1, 600)`,
      );
      assert.ok((await size()) <= bloated, `the table grew from ${bloated} to ${await size()} bytes`);
    } finally {
      await db.close();
    }
  });
});
