import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { call } from '../helpers/http.js';
import { killAll, runHookbridge, runToCompletion } from '../helpers/process.js';
import { TEST_MASTER_KEY } from '../helpers/server.js';

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** The failure is one line of the form `hookbridge: …`, with no stack trace. */
function assertOneLine(run: { code: number | null; output: string }, message: RegExp): void {
  assert.equal(run.code, 1, run.output);
  const lines = run.output.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${run.output}`);
  assert.match(lines[0]!, /^hookbridge: /);
  assert.match(lines[0]!, message);
}

function listenOn(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('start failures are one line with the next step, and never cost the first key', () => {
  const root = mkdtempSync(join(tmpdir(), 'hookbridge-fail-'));
  const fresh = () => mkdtempSync(join(root, 'data-'));
  after(() => {
    killAll();
    rmSync(root, { recursive: true, force: true });
  });

  it('a busy port is refused before the store is touched; the next start prints the first key', async () => {
    const dataDir = fresh();
    const busy = await listenOn();
    try {
      const run = await runToCompletion(['start', '--port', String(portOf(busy)), '--data-dir', dataDir]);
      assertOneLine(run, /port \d+ on 127\.0\.0\.1 is already in use; .*--port <port> or PORT=<port>/);
      assert.deepEqual(readdirSync(dataDir), [], 'nothing was written to the data directory');
    } finally {
      busy.close();
    }
    const server = runHookbridge(['start', '--port', '0', '--data-dir', dataDir]);
    const [, url] = await server.waitFor(LISTENING, 90_000);
    const [key] = await server.waitFor(/hb_live_[a-z0-9]{32}/);
    assert.equal((await call(url!, 'GET', '/v1/api-keys', { key })).status, 200);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('an unresolvable HOST, an address not of this machine and a missing or non-PEM CA file', async () => {
    const dataDir = fresh();
    const args = ['start', '--port', '0', '--data-dir', dataDir];
    assertOneLine(
      await runToCompletion([...args, '--host', 'no-such-host.invalid']),
      /HOST "no-such-host\.invalid" does not resolve .*--host or HOST/,
    );
    assertOneLine(
      await runToCompletion([...args, '--host', '192.0.2.1']),
      /HOST 192\.0\.2\.1 is not an address of this machine/,
    );
    const missing = join(root, 'missing-ca.pem');
    assertOneLine(
      await runToCompletion(args, { HOOKBRIDGE_DELIVERY_CA_FILE: missing }),
      /HOOKBRIDGE_DELIVERY_CA_FILE .*missing-ca\.pem cannot be read \(ENOENT\); point it at a PEM file/,
    );
    const notPem = join(root, 'not-a-ca.pem');
    writeFileSync(notPem, 'hello');
    assertOneLine(
      await runToCompletion(args, { HOOKBRIDGE_DELIVERY_CA_FILE: notPem }),
      /holds no PEM certificate/,
    );
    assert.deepEqual(readdirSync(dataDir), []);
  });

  it('keys create and migrate refuse a directory with no store, naming it, unless --create', async () => {
    const dataDir = join(root, 'never-started');
    for (const command of [['keys', 'create'], ['migrate']]) {
      const run = await runToCompletion([...command, '--data-dir', dataDir]);
      assertOneLine(run, new RegExp(`no HookBridge store in ${dataDir}; .*--create`));
      assert.ok(!existsSync(dataDir), 'the directory was not created');
    }
    const created = await runToCompletion(['keys', 'create', '--create', '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.output);
    assert.match(created.output, /hb_live_[a-z0-9]{32}/);
    const unknown = await runToCompletion([
      'keys',
      'create',
      '--project',
      '01a21c20-0000-7000-8000-000000000000',
      '--data-dir',
      dataDir,
    ]);
    assertOneLine(unknown, /no project 01a21c20-0000-7000-8000-000000000000 in .*; omit --project/);
    const migrated = await runToCompletion(['migrate', '--data-dir', dataDir]);
    assert.equal(migrated.code, 0, migrated.output);
    assert.match(migrated.output, /schema is up to date/);
  });
});

describe('DATABASE_URL failures are one line naming host and port, never the password', () => {
  const env = { HOOKBRIDGE_MASTER_KEY: TEST_MASTER_KEY };
  after(() => killAll());

  it('an unreachable server is retried for HOOKBRIDGE_DATABASE_WAIT_MS, then refused', async () => {
    const closed = await listenOn();
    const port = portOf(closed);
    closed.close();
    const run = runHookbridge(['migrate'], {
      ...env,
      DATABASE_URL: `postgres://hookbridge:s3cret-pw@127.0.0.1:${port}/hookbridge`,
      HOOKBRIDGE_DATABASE_WAIT_MS: '1500',
    });
    const code = await run.exited;
    const lines = run.output().trim().split('\n');
    assert.equal(code, 1);
    assert.match(lines[0]!, /PostgreSQL at 127\.0\.0\.1:\d+ is not reachable yet; retrying for up to 2 s/);
    assert.equal(lines.length, 2, run.output());
    assert.match(
      lines[1]!,
      new RegExp(
        `^hookbridge: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after waiting \\d+ s; check that it is running`,
      ),
    );
    assert.doesNotMatch(run.output(), /s3cret-pw/);
  });

  const databaseUrl = process.env.DATABASE_URL;
  it('a database that comes up while we wait is used', {
    skip: !databaseUrl && 'needs DATABASE_URL',
  }, async () => {
    const target = new URL(databaseUrl!);
    // A port that refuses connections until a proxy to the real server is put on it, as a database
    // container that is still starting does.
    const placeholder = await listenOn();
    const port = portOf(placeholder);
    placeholder.close();
    const schema = `hb_wait_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(databaseUrl!);
    url.port = String(port);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const run = runHookbridge(['migrate'], {
      ...env,
      DATABASE_URL: url.toString(),
      HOOKBRIDGE_DATABASE_WAIT_MS: '60000',
    });
    await run.waitFor(/is not reachable yet/);
    const proxy = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    try {
      assert.equal(await run.exited, 0, run.output());
      assert.match(run.output(), /applied: |schema is up to date/);
    } finally {
      proxy.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('a missing database and a missing role', { skip: !databaseUrl && 'needs DATABASE_URL' }, async () => {
    const noDb = new URL(databaseUrl!);
    noDb.pathname = '/hookbridge_no_such_database';
    assertOneLine(
      await runToCompletion(['migrate'], { ...env, DATABASE_URL: noDb.toString() }),
      /database "hookbridge_no_such_database" does not exist on PostgreSQL at .*; create it \(createdb/,
    );
    const noRole = new URL(databaseUrl!);
    noRole.username = 'hookbridge_no_such_role';
    noRole.password = 'pw-not-shown';
    const run = await runToCompletion(['migrate'], { ...env, DATABASE_URL: noRole.toString() });
    assertOneLine(
      run,
      /(role "hookbridge_no_such_role" does not exist|the server refused user "hookbridge_no_such_role"|password authentication failed for user "hookbridge_no_such_role") on PostgreSQL at /,
    );
    assert.doesNotMatch(run.output, /pw-not-shown/);
  });
});
