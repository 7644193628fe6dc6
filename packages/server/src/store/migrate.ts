import { readdir, readFile } from 'node:fs/promises';
import type { Db, Queryable } from './db.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/**
 * A file whose first line is this marker runs outside a transaction, one statement at a time (statements
 * end with `;` at the end of a line): for CREATE/DROP INDEX CONCURRENTLY, so building an index on a large
 * table does not block sends. Its statements must be safe to run again (IF [NOT] EXISTS): a process that
 * dies midway leaves the file unrecorded, and the next start runs it from the top.
 */
const NO_TRANSACTION = '-- hookbridge:no-transaction';

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      id: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

/**
 * Applies pending migrations in order, each in its own transaction (or, when marked, statement by
 * statement). An advisory lock makes two processes starting at once take turns: the second sees the
 * first's row and skips the file. Returns the names applied by this call.
 *
 * The lock is polled with the try- form, never waited for: a statement waiting on it holds a snapshot,
 * and a CREATE INDEX CONCURRENTLY in the process holding the lock waits for every older snapshot to end
 * (a deadlock the two-process test found).
 */
export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of await loadMigrations()) {
    const apply = migration.sql.startsWith(NO_TRANSACTION) ? applyOutsideTransaction : applyInTransaction;
    let outcome = await apply(db, migration);
    while (outcome === 'busy') {
      await pause(100);
      outcome = await apply(db, migration);
    }
    if (outcome === 'applied') applied.push(migration.name);
  }
  return applied;
}

type Outcome = 'applied' | 'skipped' | 'busy';

/** The same key for the transaction-scoped and the session-level lock, so both kinds take turns. */
const LOCK_KEY = `hashtext('hookbridge.migrate.' || current_schema())`;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function locked(conn: Queryable, scope: 'xact' | 'session'): Promise<boolean> {
  const fn = scope === 'xact' ? 'pg_try_advisory_xact_lock' : 'pg_try_advisory_lock';
  const rows = await conn.query<{ locked: boolean }>(`SELECT ${fn}(${LOCK_KEY}) AS locked`);
  return rows[0]?.locked === true;
}

async function isApplied(conn: Queryable, migration: Migration): Promise<boolean> {
  await conn.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  return (await conn.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id])).length > 0;
}

async function record(conn: Queryable, migration: Migration): Promise<void> {
  await conn.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
    migration.id,
    migration.name,
  ]);
}

function applyInTransaction(db: Db, migration: Migration): Promise<Outcome> {
  return db.transaction(async (tx) => {
    if (!(await locked(tx, 'xact'))) return 'busy';
    if (await isApplied(tx, migration)) return 'skipped';
    await record(tx, migration);
    await tx.exec(migration.sql);
    return 'applied';
  });
}

function applyOutsideTransaction(db: Db, migration: Migration): Promise<Outcome> {
  return db.session(async (conn) => {
    if (!(await locked(conn, 'session'))) return 'busy';
    try {
      if (await isApplied(conn, migration)) return 'skipped';
      for (const statement of statements(migration.sql)) await conn.exec(statement);
      await record(conn, migration);
      return 'applied';
    } finally {
      await conn.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    }
  });
}

/** The file's statements, comments dropped; each ends with `;` at the end of a line. */
export function statements(sql: string): string[] {
  return sql
    .split(/;[ \t]*\r?\n/)
    .map((chunk) =>
      chunk
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('--'))
        .join('\n')
        .trim()
        .replace(/;$/, ''),
    )
    .filter((statement) => statement.length > 0);
}
