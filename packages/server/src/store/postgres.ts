import pg from 'pg';
import type { Db, NotificationHandler, Queryable } from './db.js';

// int8 (20) as number: counts and sizes in this schema stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

export interface PostgresOptions {
  connectionString: string;
  /** Schema to put first on the search_path (tests isolate each file in its own schema). */
  schema?: string;
  max?: number;
  applicationName?: string;
}

export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const clientConfig: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'hookbridge',
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool(clientConfig);
  // An idle client that loses its connection emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const listener = new NotificationListener(clientConfig);
  let closed: Promise<void> | null = null;

  return {
    kind: 'postgres',
    async query<Row>(sql: string, params?: readonly unknown[], options?: { name?: string }) {
      const result = options?.name
        ? await pool.query({ name: options.name, text: sql, values: params as unknown[] })
        : await pool.query(sql, params as unknown[]);
      return result.rows as Row[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(onClient(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async session<T>(work: (conn: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let failed = true;
      try {
        const result = await work(onClient(client));
        failed = false;
        return result;
      } finally {
        // After a failure the connection is closed, not pooled: whatever the session set (a session-level
        // lock whose unlock did not run, say) must not outlive it.
        client.release(failed);
      }
    },
    listen: (channel, handler) => listener.listen(channel, handler),
    async exec(sql: string) {
      await pool.query(sql);
    },
    close() {
      closed ??= listener.close().then(() => pool.end());
      return closed;
    },
  };
}

/** One pooled connection as a Queryable (inside a transaction or a session). */
function onClient(client: pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]) {
      return (await client.query(sql, params as unknown[])).rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

/**
 * LISTEN needs a connection of its own, never a pool slot. It reconnects after a lost connection and
 * re-subscribes every channel; handlers are told with an empty payload so they re-check state they may
 * have missed while disconnected.
 */
class NotificationListener {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    const client = await this.connection();
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
    };
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    this.client = client;
    return client;
  }

  private reconnect(lost: pg.Client): void {
    if (this.client !== lost || this.closed) return;
    this.client = null;
    const retry = async (delayMs: number): Promise<void> => {
      if (this.closed) return;
      try {
        await this.connection();
        for (const set of this.handlers.values()) for (const handler of set) handler('');
      } catch {
        setTimeout(() => void retry(Math.min(delayMs * 2, 5000)), delayMs).unref();
      }
    };
    void retry(100);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => {});
  }
}
