#!/usr/bin/env node
// Measures the console's JavaScript, gzipped, from the build output: what the first page load fetches
// (the scripts index.html names) and what the first screen after sign-in adds (the Overview chunk and
// everything it imports). Fails when the initial load exceeds the budget. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const initial = new Set(
  [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g),
  ].map((match) => match[1]),
);

/** A chunk and its static imports, transitively (what loading it fetches). */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(imported, seen);
  return seen;
}

const overviewKey = Object.keys(manifest).find((key) => key.endsWith('screens/Overview.tsx'));
const afterSignIn = new Set([...initial, ...closure(overviewKey)]);

const sum = (files) => [...files].reduce((total, file) => total + gz(file), 0);
const initialBytes = sum(initial);
const overviewBytes = sum(afterSignIn);
for (const file of initial) console.log(`  ${file.padEnd(40)} ${kb(gz(file))}`);
console.log(`initial JavaScript (sign-in page), gzipped: ${kb(initialBytes)} (budget ${BUDGET_KB} KB)`);
console.log(`after sign-in, with the Overview screen and its chart: ${kb(overviewBytes)}`);
if (initialBytes > BUDGET_KB * 1024) {
  console.error(`over budget by ${kb(initialBytes - BUDGET_KB * 1024)}`);
  process.exit(1);
}
