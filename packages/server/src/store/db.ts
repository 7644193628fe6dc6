/**
 * The one interface every module talks to. Two adapters implement it (PostgreSQL over a pg pool, and the
 * embedded PGlite); both run the same SQL and return rows with the same JavaScript types:
 * int8 and count() as number, timestamptz as Date, jsonb as parsed JSON, bytea as Uint8Array.
 */
export interface Queryable {
  /**
   * `name` makes PostgreSQL prepare the statement once per connection and reuse the plan: worth it for
   * the hot path (sends, authentication). The embedded store ignores it.
   */
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: { name?: string },
  ): Promise<Row[]>;
  /** Runs a multi-statement script (migrations); no parameters. */
  exec(sql: string): Promise<void>;
}

export type NotificationHandler = (payload: string) => void;

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'embedded';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one connection outside any transaction: for session-level locks and statements that
   * cannot run in a transaction (CREATE INDEX CONCURRENTLY).
   */
  session<T>(work: (conn: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; the returned function unsubscribes. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export async function notify(db: Queryable, channel: string, payload = ''): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}
