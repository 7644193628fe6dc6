import { PGlite } from '@electric-sql/pglite';
let t = Date.now();
const db = await PGlite.create();
console.log('create ms', Date.now() - t, process.memoryUsage().rss / 1e6);
const r = await db.query(
  "select 1::int8 as a, count(*) as c, now() as n, '{\"a\":1}'::jsonb as j, 'x'::bytea as b from generate_series(1,3)",
);
console.log(r.rows, typeof r.rows[0].a);
await db.listen('ch', (p) => console.log('notify', p));
await db.query("select pg_notify('ch','hello')");
await db.exec('create table t(x int); insert into t values (1)');
t = Date.now();
const dump = await db.dumpDataDir('none');
console.log('dump', dump.size, Date.now() - t);
t = Date.now();
const db2 = await PGlite.create({ loadDataDir: dump });
console.log(
  'load ms',
  Date.now() - t,
  (await db2.query('select * from t')).rows,
  process.memoryUsage().rss / 1e6,
);
console.log((await db2.query('select version()')).rows);
