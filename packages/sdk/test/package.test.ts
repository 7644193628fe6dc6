// The package as users get it: the exports map, ESM import, require(esm), no runtime dependencies, and
// entries that import nothing outside themselves.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { VERSION } from '@hookbridge/sdk';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
// require(esm) is on by default from Node 20.19 and 22.12; 20.18 needs the flag.
const requireFlags = major === 20 && minor < 19 ? ['--experimental-require-module'] : [];

function node(args: string[]): string {
  const child = spawnSync(process.execPath, ['--no-warnings', ...args], { cwd: root, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim();
}

const probe = `
  const sdk = M('@hookbridge/sdk');
  const webhooks = M('@hookbridge/sdk/webhooks');
  const testing = M('@hookbridge/sdk/testing');
  const hb = new sdk.HookBridge({ apiKey: 'hb_live_x', baseUrl: 'http://127.0.0.1:1' });
  const d = testing.sign({ a: 1 }, 'whsec_x');
  console.log(JSON.stringify({
    client: typeof hb.endpoints.create + typeof hb.send,
    error: new sdk.NotFoundError('x', { status: 404, code: 'NOT_FOUND', requestId: null, headers: new Headers(), retryAfter: null, details: null }) instanceof sdk.HookBridgeError,
    verified: webhooks.verify(d.body, d.headers, 'whsec_x').payload,
  }));`;
const expected = JSON.stringify({ client: 'functionfunction', error: true, verified: { a: 1 } });

describe('package', () => {
  it('imports as ESM', () => {
    const script = `const M = (id) => mods[id]; const mods = { '@hookbridge/sdk': await import('@hookbridge/sdk'), '@hookbridge/sdk/webhooks': await import('@hookbridge/sdk/webhooks'), '@hookbridge/sdk/testing': await import('@hookbridge/sdk/testing') }; ${probe}`;
    assert.equal(node(['--input-type=module', '-e', script]), expected);
  });

  it(`loads with require() (require(esm)${requireFlags.length ? ' with --experimental-require-module' : ''})`, () => {
    assert.equal(node([...requireFlags, '-e', `const M = require; ${probe}`]), expected);
  });

  it('declares ESM, engines >=20.18, the three entries, and no runtime dependencies', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.engines.node, '>=20.18');
    assert.deepEqual(Object.keys(pkg.exports), ['.', './webhooks', './testing', './package.json']);
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.peerDependencies, undefined);
    assert.equal(pkg.version, VERSION);
  });

  it('built files import only siblings; the client and verifier not even node: built-ins', () => {
    const dist = join(root, 'dist');
    const files = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    assert.ok(files.length > 10);
    for (const file of files) {
      const source = readFileSync(join(dist, file), 'utf8');
      const specifiers = [
        ...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g),
      ].map((m) => m[1]!);
      specifiers.push(...[...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!));
      for (const specifier of specifiers) {
        const allowed =
          specifier.startsWith('./') ||
          specifier.startsWith('../') ||
          (file.startsWith('testing') && specifier === 'node:crypto');
        assert.ok(allowed, `${file} imports ${specifier}`);
      }
    }
  });

  it('packs dist, the README and package.json only', () => {
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }),
    );
    const packed = (report.files as { path: string }[]).map((f) => f.path);
    for (const entry of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/webhooks/index.js',
      'dist/testing/index.js',
      'README.md',
      'package.json',
    ]) {
      assert.ok(packed.includes(entry), `${entry} is packed`);
    }
    assert.deepEqual(
      packed.filter((p) => !p.startsWith('dist/') && p !== 'README.md' && p !== 'package.json'),
      [],
    );
  });
});
