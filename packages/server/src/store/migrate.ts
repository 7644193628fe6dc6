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
 * statement). The advisory lock makes two processes starting at once take turns: the second sees the
 * first's row and skips the file. Returns the names applied by this call.
 */
export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  for (const migration of await loadMigrations()) {
    const ran = migration.sql.startsWith(NO_TRANSACTION)
      ? await applyOutsideTransaction(db, migration)
      : await db.transaction(async (tx) => {
          await tx.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
          if (await isApplied(tx, migration)) return false;
          await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
            migration.id,
            migration.name,
          ]);
          await tx.exec(migration.sql);
          return true;
        });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

/** The same key for the transaction-scoped and the session-level lock, so both kinds take turns. */
const LOCK_KEY = `hashtext('hookbridge.migrate.' || current_schema())`;

async function isApplied(conn: Queryable, migration: Migration): Promise<boolean> {
  await conn.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  return (await conn.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id])).length > 0;
}

function applyOutsideTransaction(db: Db, migration: Migration): Promise<boolean> {
  return db.session(async (conn) => {
    // Polled rather than waited for: a statement waiting on the lock holds a snapshot, and CREATE INDEX
    // CONCURRENTLY in the process that holds it waits for every older snapshot to end (a deadlock).
    while (
      !(await conn.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`))[0]
        ?.locked
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      if (await isApplied(conn, migration)) return false;
      for (const statement of statements(migration.sql)) await conn.exec(statement);
      await conn.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
        migration.id,
        migration.name,
      ]);
      return true;
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
