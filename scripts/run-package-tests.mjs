// The test runner of the sdk, server and cli packages (each one's scripts/run-tests.mjs calls it): every
// *.test.ts under the package's test/, through tsx with node:test. Files are listed explicitly: on Node 20
// `node --test dir/` does not find .ts files and passes with 0 tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Runs the test files of the package at `root` (paths relative to it) that `keep` accepts and, when `only`
 * names any, whose path contains one of them; exits with the run's status.
 */
export function runPackageTests(root, only, keep = () => true) {
  const files = walk(join(root, 'test'))
    .map((file) => relative(root, file))
    .filter(keep)
    .filter((file) => only.length === 0 || only.some((pattern) => file.includes(pattern)))
    .sort();
  if (files.length === 0) {
    console.error('no test files matched');
    process.exit(1);
  }
  // Each embedded-store test file holds a PGlite instance of several hundred MiB; two at a time fits CI.
  const concurrency = process.env.TEST_CONCURRENCY ?? '2';
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
