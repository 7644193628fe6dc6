import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.js';

export interface EmbeddedOptions {
  /** A directory to persist into, or undefined for an in-memory database (tests). */
  dataDir?: string;
  /** A tarball from `dumpDataDir` to start from (tests start from one migrated snapshot). */
  loadDataDir?: Blob;
}

/**
 * PGlite runs PostgreSQL as a single-user backend: no checkpointer, no autovacuum. A checkpoint happens
 * only when the WAL reaches max_wal_size (1 GB by default), and the segments it keeps are recycled up to
 * that size, so a small max_wal_size keeps the WAL at a few segments; `maintain` (run by the server)
 * vacuums and checkpoints. shared_buffers is taken from the process's memory: 32 MB instead of 128 MB.
 */
export const EMBEDDED_SETTINGS = ['max_wal_size=32MB', 'min_wal_size=32MB', 'shared_buffers=32MB'];

/** PGlite is a single connection: queries and transactions are serialised by PGlite itself. */
export async function openEmbedded(options: EmbeddedOptions = {}): Promise<Db & { dump(): Promise<Blob> }> {
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { 20: (value: string) => Number(value) },
    startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((setting) => ['-c', setting])],
  });
  const run = async <Row>(target: PGlite | Transaction, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, params as unknown[])).rows;

  const outsideTransaction: Queryable = {
    query: <Row>(sql: string, params?: readonly unknown[]) => run<Row>(pglite, sql, params),
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  };

  return {
    kind: 'embedded',
    ...outsideTransaction,
    transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) =>
        work({
          query: (sql, params) => run(tx, sql, params),
          exec: async (sql) => {
            await tx.exec(sql);
          },
        }),
      );
    },
    // One connection already, and every statement outside transaction() runs outside a transaction.
    session: <T>(work: (conn: Queryable) => Promise<T>) => work(outsideTransaction),
    async listen(channel, handler) {
      const unsubscribe = await pglite.listen(channel, handler);
      return unsubscribe;
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
    async dump() {
      return (await pglite.dumpDataDir('none')) as Blob;
    },
  };
}
