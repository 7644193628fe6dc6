/**
 * PostgreSQL activity between two points of the benchmark: transactions, WAL records and flushes
 * (database-wide: other clients of the same server count too) and, for the benchmark's own schema,
 * table scans and row changes. Backends publish their counters about once a second, so samples are
 * taken after a short settle.
 */
import pg from 'pg';

export interface PgSample {
  commits: number;
  rollbacks: number;
  walRecords: number;
  walBytes: number;
  walWrites: number;
  walSyncs: number;
  tables: Record<
    string,
    { seqScan: number; idxScan: number; inserts: number; updates: number; hotUpdates: number }
  >;
}

export class PgStats {
  private constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
  ) {}

  static async open(connectionString: string, schema: string): Promise<PgStats> {
    const client = new pg.Client({ connectionString, application_name: 'hookbridge-bench-stats' });
    await client.connect();
    return new PgStats(client, schema);
  }

  async sample(settleMs = 1200): Promise<PgSample> {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const db = await this.client.query<{ c: string; r: string }>(
      `SELECT xact_commit AS c, xact_rollback AS r FROM pg_stat_database WHERE datname = current_database()`,
    );
    const wal = await this.client.query<{ records: string; bytes: string; writes: string; syncs: string }>(
      `SELECT wal_records AS records, wal_bytes AS bytes, wal_write AS writes, wal_sync AS syncs FROM pg_stat_wal`,
    );
    const tables = await this.client.query<{
      relname: string;
      seq_scan: string;
      idx_scan: string | null;
      n_tup_ins: string;
      n_tup_upd: string;
      n_tup_hot_upd: string;
    }>(
      `SELECT relname, seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_hot_upd
         FROM pg_stat_user_tables WHERE schemaname = $1`,
      [this.schema],
    );
    return {
      commits: Number(db.rows[0]?.c ?? 0),
      rollbacks: Number(db.rows[0]?.r ?? 0),
      walRecords: Number(wal.rows[0]?.records ?? 0),
      walBytes: Number(wal.rows[0]?.bytes ?? 0),
      walWrites: Number(wal.rows[0]?.writes ?? 0),
      walSyncs: Number(wal.rows[0]?.syncs ?? 0),
      tables: Object.fromEntries(
        tables.rows.map((t) => [
          t.relname,
          {
            seqScan: Number(t.seq_scan),
            idxScan: Number(t.idx_scan ?? 0),
            inserts: Number(t.n_tup_ins),
            updates: Number(t.n_tup_upd),
            hotUpdates: Number(t.n_tup_hot_upd),
          },
        ]),
      ),
    };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** Activity between two samples, per message (`perMessages`), rounded; tables with no activity are left out. */
export function pgBetween(a: PgSample, b: PgSample, perMessages: number) {
  const per = (value: number) => Math.round((value / Math.max(1, perMessages)) * 100) / 100;
  const tables: Record<string, Record<string, number>> = {};
  for (const [name, t] of Object.entries(b.tables)) {
    const before = a.tables[name] ?? { seqScan: 0, idxScan: 0, inserts: 0, updates: 0, hotUpdates: 0 };
    const delta = {
      seqScan: per(t.seqScan - before.seqScan),
      idxScan: per(t.idxScan - before.idxScan),
      inserts: per(t.inserts - before.inserts),
      updates: per(t.updates - before.updates),
      hotUpdates: per(t.hotUpdates - before.hotUpdates),
    };
    if (Object.values(delta).some((v) => v !== 0)) tables[name] = delta;
  }
  return {
    perMessage: {
      commits: per(b.commits - a.commits),
      rollbacks: per(b.rollbacks - a.rollbacks),
      walRecords: per(b.walRecords - a.walRecords),
      walBytes: per(b.walBytes - a.walBytes),
      walWrites: per(b.walWrites - a.walWrites),
      walSyncs: per(b.walSyncs - a.walSyncs),
    },
    tablesPerMessage: tables,
  };
}
