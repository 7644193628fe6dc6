#!/usr/bin/env node
// Builds dist/store-template.tar.gz: an empty, initialised embedded database (PGlite's initdb output).
// A first start on a new data directory unpacks it instead of running initdb, which PGlite does in a
// second PostgreSQL instance beside the first (a peak near 830 MiB and about 10 s, paid here once per
// install instead of by every new store). Rebuilt only when the installed PGlite version changes.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const archive = join(dist, 'store-template.tar.gz');
const stamp = join(dist, 'store-template.json');
const pgliteRoot = dirname(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')));
const version = JSON.parse(readFileSync(join(pgliteRoot, 'package.json'), 'utf8')).version;

const current =
  existsSync(stamp) && existsSync(archive) && JSON.parse(readFileSync(stamp, 'utf8')).pglite === version;
if (!current) {
  mkdirSync(dist, { recursive: true });
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  writeFileSync(`${archive}.partial`, Buffer.from(await dump.arrayBuffer()));
  renameSync(`${archive}.partial`, archive);
  writeFileSync(stamp, `${JSON.stringify({ pglite: version })}\n`);
  console.log(`store template for PGlite ${version}: ${archive} (${(dump.size / 1048576).toFixed(1)} MiB)`);
}
