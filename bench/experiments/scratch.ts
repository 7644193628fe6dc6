/** Shared by the SQL experiments: a throw-away schema, and PostgreSQL's CPU per unit of closed-loop work. */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Db } from '../../packages/server/src/store/db.js';
import { migrate } from '../../packages/server/src/store/migrate.js';
import { openPostgres } from '../../packages/server/src/store/postgres.js';
import { postgresCpuMs } from '../procs.js';

export const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, migrated schema holding one project and its endpoint `ep_1`; dropped after `run`. */
export async function withScratchSchema(
  poolSize: number,
  run: (db: Db, projectId: string) => Promise<void>,
): Promise<void> {
  const schema = `hb_exp_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const db = await openPostgres({ connectionString: databaseUrl, schema, max: poolSize });
    try {
      await migrate(db);
      const projectId = randomUUID();
      await db.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 't', 'p')`, [projectId]);
      await db.query(
        `INSERT INTO endpoints (id, project_id, url) VALUES ('ep_1', $1, 'http://127.0.0.1/hook')`,
        [projectId],
      );
      await run(db, projectId);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

/**
 * `writers` loops each call `once` (which does some units of work and returns how many) for `seconds`;
 * returns units per second and PostgreSQL's CPU (every backend) per unit.
 */
export async function measureClosedLoop(
  seconds: number,
  writers: number,
  once: () => Promise<number>,
): Promise<{ perSecond: number; postgresUsPerUnit: number; ms: number; units: number }> {
  const cpuBefore = postgresCpuMs();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let units = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) units += await once();
    }),
  );
  const ms = performance.now() - start;
  let cpuMs = 0;
  for (const [pid, value] of Object.entries(postgresCpuMs())) cpuMs += value - (cpuBefore[pid] ?? 0);
  return {
    perSecond: Math.round((units / ms) * 1000),
    postgresUsPerUnit: Math.round((cpuMs * 1000) / units),
    ms,
    units,
  };
}
