import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { call } from '../helpers/http.js';
import { SETTING_NAMES } from '../../src/config.js';
import { killAll, runHookbridge, runToCompletion } from '../helpers/process.js';

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

describe('hookbridge start on the embedded store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookbridge-cli-'));
  const args = ['--port', '0', '--data-dir', dataDir];
  after(() => {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let firstKey = '';

  it('first start prints where it listens and a live key, once', async () => {
    const server = runHookbridge(['start', ...args]);
    const [, url] = await server.waitFor(LISTENING, 90_000);
    const [key] = await server.waitFor(/hb_live_[a-z0-9]{32}/);
    firstKey = key;
    const keys = await call(url!, 'GET', '/v1/api-keys', { key });
    assert.equal(keys.status, 200);
    assert.equal(keys.body.data.length, 1);
    assert.ok(existsSync(join(dataDir, 'hookbridge.lock')));

    // One process per data directory.
    const second = await runToCompletion(['start', ...args]);
    assert.equal(second.code, 1);
    assert.match(second.output, /data directory .* is in use by process \d+/);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
    assert.ok(!existsSync(join(dataDir, 'hookbridge.lock')), 'the lock is released on shutdown');
  });

  it('a restart keeps the data and prints no new key; keys create and migrate work offline', async () => {
    const created = await runToCompletion([
      'keys',
      'create',
      '--mode',
      'test',
      '--label',
      'ops',
      '--data-dir',
      dataDir,
    ]);
    assert.equal(created.code, 0, created.output);
    const [testKey] = created.output.match(/hb_test_[a-z0-9]{32}/)!;
    const migrated = await runToCompletion(['migrate', '--data-dir', dataDir]);
    assert.match(migrated.output, /schema is up to date/);

    const server = runHookbridge(['start', ...args]);
    const [, url] = await server.waitFor(LISTENING, 90_000);
    await server.waitFor(
      /No new API key is printed for an existing store; create one with `npx hookbridge keys create`/,
    );
    assert.doesNotMatch(server.output(), /hb_live_/);
    assert.equal((await call(url!, 'GET', '/v1/api-keys', { key: firstKey })).status, 200);
    const list = await call(url!, 'GET', '/v1/api-keys', { key: testKey });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((k: { label: string }) => k.label).sort(), ['first key', 'ops']);
    server.child.kill('SIGINT');
    assert.equal(await server.exited, 0);
  });

  it('HOOKBRIDGE_BOOTSTRAP_API_KEY registers one key for "Default", idempotently across restarts', async () => {
    const bootDir = mkdtempSync(join(tmpdir(), 'hookbridge-boot-'));
    const key = `hb_live_${'k'.repeat(16)}${'7'.repeat(16)}`;
    try {
      for (let start = 0; start < 2; start++) {
        const server = runHookbridge(['start', '--port', '0', '--data-dir', bootDir], {
          HOOKBRIDGE_BOOTSTRAP_API_KEY: key,
        });
        const [, url] = await server.waitFor(LISTENING, 90_000);
        assert.doesNotMatch(server.output(), /shown only once/, 'no extra key when one is bootstrapped');
        const keys = await call(url!, 'GET', '/v1/api-keys', { key });
        assert.equal(keys.status, 200);
        assert.equal(keys.body.data.length, 1);
        const projects = await call(url!, 'GET', '/v1/projects', { key });
        assert.equal(projects.body.data[0].name, 'Default');
        server.child.kill('SIGTERM');
        assert.equal(await server.exited, 0);
      }
    } finally {
      rmSync(bootDir, { recursive: true, force: true });
    }
  });

  it('--help lists the commands and every environment variable', async () => {
    const help = await runToCompletion(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['start', 'api', 'worker', 'migrate', 'keys'])
      assert.match(help.output, new RegExp(`\\b${command}\\b`));
    for (const name of SETTING_NAMES) assert.match(help.output, new RegExp(`\\b${name}\\b`), name);
  });

  it('refuses bad configuration with a clear message', async () => {
    const bad = await runToCompletion(['start', '--data-dir', dataDir], {
      HOOKBRIDGE_BOOTSTRAP_API_KEY: 'nope',
    });
    assert.equal(bad.code, 1);
    assert.match(bad.output, /HOOKBRIDGE_BOOTSTRAP_API_KEY must be hb_live_ or hb_test_/);
    const badPort = await runToCompletion(['start', '--port', 'eighty', '--data-dir', dataDir]);
    assert.notEqual(badPort.code, 0);
    assert.match(badPort.output, /must be 0–65535/);
  });
});
