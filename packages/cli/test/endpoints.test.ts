import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { client } from '../../server/test/helpers/http.js';
import { createInbound } from '../../server/test/helpers/inbound.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { HB_BIN, hb, tempHome } from './helpers/hb.js';

/** util-linux `script`: runs a command under a pseudo-terminal, feeding it our stdin. */
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

describe('hb endpoints: the official CLI’s inbound endpoint commands, and the rest of the inbound API', () => {
  let server: TestServer;
  let run: (args: string[], input?: string) => ReturnType<typeof hb>;
  before(async () => {
    server = await startTestServer('embedded');
    const home = tempHome();
    run = (args, input) =>
      hb(args, {
        home,
        env: { HB_API_KEY: server.apiKey, HB_API_URL: server.url },
        ...(input ? { input } : {}),
      });
  });
  after(async () => {
    await server.close();
  });

  it('an empty project: the official hint, and [] under --json', async () => {
    const human = await run(['endpoints']);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stdout,
      'No CLI-mode endpoints found.\nCreate one with: hb endpoints create --name "My Endpoint"\n',
    );
    assert.equal((await run(['--json', 'endpoints'])).stdout, '[]\n');
  });

  it('create: the receive URL once; --json exactly {id, receive_url}', async () => {
    const human = await run(['endpoints', 'create', '--name', 'Stripe Local']);
    assert.equal(human.code, 0, human.stderr);
    const match = /^Created endpoint: Stripe Local \(([0-9a-f-]{36})\)\nReceive URL: (http:\/\/\S+)\n$/.exec(
      human.stdout,
    );
    assert.ok(match, human.stdout);
    assert.ok(match[2]!.startsWith(`${server.url}/v1/webhooks/receive/${match[1]}/`));
    const json = JSON.parse((await run(['--json', 'endpoints', 'create'])).stdout);
    assert.deepEqual(Object.keys(json).sort(), ['id', 'receive_url']);
    const fetched = await client(server.url, server.apiKey)('GET', `/v1/inbound-endpoints/${json.id}`);
    assert.equal(fetched.body.data.name, 'CLI Endpoint');
    assert.equal(fetched.body.data.mode, 'cli');
  });

  it('--ttl-minutes is checked before any request: without --ephemeral, and out of 1–1440 (0 included)', async () => {
    const offline = (args: string[]) =>
      hb(args, { home: tempHome(), env: { HB_API_KEY: server.apiKey, HB_API_URL: 'http://127.0.0.1:9' } });
    for (const [args, message] of [
      [['--ttl-minutes', '5'], 'Error: --ttl-minutes requires --ephemeral\n'],
      [['--ephemeral', '--ttl-minutes', '0'], 'Error: --ttl-minutes must be between 1 and 1440\n'],
      [['--ephemeral', '--ttl-minutes', '1441'], 'Error: --ttl-minutes must be between 1 and 1440\n'],
    ] as const) {
      const result = await offline(['endpoints', 'create', ...args]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, message, 'no request was made (it would be a connection error)');
    }
    const created = JSON.parse(
      (await run(['--json', 'endpoints', 'create', '--ephemeral', '--ttl-minutes', '60'])).stdout,
    );
    // Sent as `ephemeral` and `ttl_minutes`; this server accepts them but does not expire endpoints yet.
    assert.match(created.id, /^[0-9a-f-]{36}$/);
  });

  it('list: only CLI-mode endpoints, the official table and JSON shape; --mode all shows every mode', async () => {
    const forward = await createInbound(client(server.url, server.apiKey), {
      name: 'Forwarder',
      url: 'https://93.184.215.14/hook',
    });
    const human = await run(['endpoints']);
    const lines = human.stdout.split('\n');
    assert.equal(lines[0], `${'ID'.padEnd(40)} ${'NAME'.padEnd(20)} ${'ACTIVE'.padEnd(8)}`);
    assert.equal(
      lines[1],
      `${'-'.repeat(38).padEnd(40)} ${'-'.repeat(18).padEnd(20)} ${'-'.repeat(6).padEnd(8)}`,
    );
    assert.ok(lines.some((line) => line.includes('Stripe Local') && line.includes(' yes ')));
    assert.ok(!human.stdout.includes(forward.id));
    assert.ok(!human.stdout.includes('/v1/webhooks/receive/'), 'receive URLs are never listed');
    const json = JSON.parse((await run(['--json', 'endpoints'])).stdout);
    assert.ok(json.length >= 3);
    for (const row of json) assert.deepEqual(Object.keys(row), ['id', 'name', 'active']);
    const all = JSON.parse((await run(['--json', 'endpoints', '--mode', 'all'])).stdout);
    assert.ok(all.some((row: any) => row.id === forward.id && row.mode === 'forward'));
    const limited = JSON.parse((await run(['--json', 'endpoints', '--mode', 'all', '--limit', '1'])).stdout);
    assert.equal(limited.length, 1);
    const every = JSON.parse((await run(['--json', 'endpoints', '--mode', 'all', '--all'])).stdout);
    assert.equal(every.length, all.length);
  });

  it('get, update, pause, resume, signing keys add/list/delete', async () => {
    const { id } = JSON.parse((await run(['--json', 'endpoints', 'create', '--name', 'ops'])).stdout);
    const got = JSON.parse((await run(['--json', 'endpoints', 'get', id])).stdout);
    assert.equal(got.name, 'ops');
    const human = await run(['endpoints', 'get', id]);
    assert.match(human.stdout, /^id: +[0-9a-f-]{36}\n/m);
    assert.equal((await run(['endpoints', 'update', id, '--name', 'renamed'])).code, 0);
    assert.equal(JSON.parse((await run(['--json', 'endpoints', 'get', id])).stdout).name, 'renamed');
    assert.equal(JSON.parse((await run(['--json', 'endpoints', 'pause', id])).stdout).paused, true);
    assert.equal(JSON.parse((await run(['--json', 'endpoints', 'resume', id])).stdout).paused, false);
    const added = JSON.parse((await run(['--json', 'endpoints', 'signing-keys', 'add', id])).stdout);
    assert.match(added.signing_secret ?? added.secret ?? '', /^whsec_/);
    const keys = JSON.parse((await run(['--json', 'endpoints', 'signing-keys', 'list', id])).stdout);
    assert.ok(keys.some((k: any) => k.id === (added.id ?? added.signing_key_id)));
    const last = await run(['endpoints', 'keys', 'delete', id, added.id ?? added.signing_key_id]);
    assert.equal(last.code, 1, 'the last key stays');
    assert.match(last.stderr, /^Error: API error \(CANNOT_DELETE_LAST_SIGNING_KEY\)/);
    await run(['endpoints', 'signing-keys', 'create', id]);
    const removed = await run([
      '--json',
      'endpoints',
      'keys',
      'delete',
      id,
      added.id ?? added.signing_key_id,
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(
      JSON.parse((await run(['--json', 'endpoints', 'signing-keys', 'list', id])).stdout).length,
      1,
    );
    const nothing = await run(['endpoints', 'update', id]);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /nothing to update/);
  });

  it('delete under a terminal (a pty) asks: "n" aborts non-zero and keeps it, "y" deletes', {
    skip: !HAS_SCRIPT,
  }, async () => {
    const { id } = JSON.parse((await run(['--json', 'endpoints', 'create'])).stdout);
    // Asynchronous: the server answering hb runs in this process.
    const inPty = (answer: string) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(
          'script',
          ['-qec', `${process.execPath} ${HB_BIN} endpoints delete ${id}`, '/dev/null'],
          {
            env: {
              PATH: process.env.PATH,
              HOME: tempHome(),
              HB_API_KEY: server.apiKey,
              HB_API_URL: server.url,
            },
          },
        );
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.stdin.end(answer);
        child.on('close', (status) => resolve({ status, stdout }));
      });
    const no = await inPty('n\n');
    assert.equal(no.status, 1, no.stdout);
    assert.match(no.stdout, new RegExp(`Delete endpoint ${id}\\? This cannot be undone\\. \\[y/N\\]: `));
    assert.match(no.stdout, /Error: aborted/);
    assert.equal((await client(server.url, server.apiKey)('GET', `/v1/inbound-endpoints/${id}`)).status, 200);
    const yes = await inPty('y\n');
    assert.equal(yes.status, 0, yes.stdout);
    assert.match(yes.stdout, new RegExp(`Deleted endpoint ${id}`));
    assert.equal((await client(server.url, server.apiKey)('GET', `/v1/inbound-endpoints/${id}`)).status, 404);
  });

  it('delete <id>: no prompt without a terminal, --force, the official not-found message and JSON', async () => {
    const { id } = JSON.parse((await run(['--json', 'endpoints', 'create'])).stdout);
    const deleted = await run(['endpoints', 'delete', id]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, `Deleted endpoint ${id}\n`);
    const again = await run(['endpoints', 'delete', id, '--force']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `Error: inbound endpoint "${id}" not found — it may already be deleted\n`);
    const other = JSON.parse((await run(['--json', 'endpoints', 'create'])).stdout);
    assert.deepEqual(JSON.parse((await run(['--json', 'endpoints', 'delete', other.id, '-f'])).stdout), {
      id: other.id,
      deleted: true,
    });
    const missing = await run(['endpoints', 'delete']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: missing required argument 'id'/);
  });
});
