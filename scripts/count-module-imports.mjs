// node scripts/count-module-imports.mjs [-v]   (from the repository root; -v lists the folder pairs)
// Counts imports between module folders: an import in packages/server/src/modules/**.ts whose target is a
// file under modules/ in a different top-level module folder (modules/<folder>/...) than the importing file.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve, relative, sep } from 'node:path';
const root = 'packages/server/src/modules';
const files = execSync(`git ls-files '${root}/**.ts' '${root}/*.ts'`, { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const top = (p) => relative(resolve(root), p).split(sep)[0];
let total = 0;
const pairs = new Map();
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  for (const m of src.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
    const target = resolve(dirname(f), m[1]);
    if (relative(resolve(root), target).startsWith('..')) continue;
    if (top(target) === top(resolve(f))) continue;
    total++;
    const k = `${top(resolve(f))} -> ${top(target)}`;
    pairs.set(k, (pairs.get(k) ?? 0) + 1);
  }
}
if (process.argv.includes('-v')) for (const [k, v] of [...pairs].sort()) console.log(v, k);
console.log(`${total} imports between module folders (${pairs.size} folder pairs)`);
